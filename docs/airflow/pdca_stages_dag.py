"""Example Airflow DAG: the PDCA stages of several sites, each a papermill run.

Each site's export is one Parquet file (or folder) that a warehouse job refreshes; every
night the DAG runs, for each site, the Plan stage (``baseline``) and then the two Check
stages (``compare``, ``efficiency``) side by side, with Airflow's papermill operator
(``apache-airflow-providers-papermill``). The notebooks are the workbook's templates,
unchanged; each run writes an executed copy under ``runs/airflow/<site>/<stage>/``.

Copy this file into the DAG folder and set ``WORKBOOK`` and ``SITES``. The workbook's
own runner (``pdca run CYCLE STAGE``) also writes the HTML page, ``results.json`` and
provenance; to get those, run it with a BashOperator instead (see README.md here).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

try:  # Airflow 3
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG
from airflow.providers.papermill.operators.papermill import PapermillOperator

#: The team's workbook (a checkout or `pdca init` folder) on the workers.
WORKBOOK = Path("/srv/pdca-workbook")
#: One entry per site: its export and the cycle's dates (notebook parameters).
SITES: dict[str, dict[str, str]] = {
    "leeds": {"data_path": "/data/tickets/leeds.parquet", "change_date": "2026-04-06"},
    "glasgow": {"data_path": "/data/tickets/glasgow.parquet", "change_date": "2026-05-04"},
}
#: The stages, in order: Plan first, then both Check stages.
STAGES: tuple[str, ...] = ("baseline", "compare", "efficiency")
KERNEL = "python3"


def stage_parameters(stage: str, site: dict[str, str]) -> dict[str, object]:
    """The notebook parameters of one stage for one site (names as the templates
    declare them in their ``parameters`` cell)."""
    common = {"data_path": site["data_path"]}
    if stage == "baseline":
        return {**common, "period": "W", "start": "", "end": site["change_date"]}
    if stage == "compare":
        return {**common, "period": "W", "change_date": site["change_date"]}
    return {**common, "change_date": site["change_date"]}


with DAG(
    dag_id="pdca_stages",
    description="PDCA Workbook: baseline, compare and efficiency for every site",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_tasks=2,          # two cores a worker: one kernel each
    tags=["pdca"],
) as dag:
    for name, site in SITES.items():
        tasks = {
            stage: PapermillOperator(
                task_id=f"{name}_{stage}",
                input_nb=str(WORKBOOK / "notebooks" / f"{stage}.ipynb"),
                output_nb=str(WORKBOOK / "runs" / "airflow" / name / stage
                              / "{{ ts_nodash }}.ipynb"),
                parameters=stage_parameters(stage, site),
                kernel_name=KERNEL,
            )
            for stage in STAGES
        }
        tasks["baseline"] >> [tasks["compare"], tasks["efficiency"]]
