"""The example Airflow DAG (docs/airflow/pdca_stages_dag.py): imported and validated by
Airflow where it is installed; elsewhere parsed, with every stage named, every notebook
present and every parameter one the notebook declares."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from pdcakit.run.params import declared_parameters

ROOT = Path(__file__).resolve().parents[1]
DAG_FILE = ROOT / "docs" / "airflow" / "pdca_stages_dag.py"
STAGES = ("baseline", "compare", "efficiency")


def _constant(tree: ast.Module, name: str):
    for node in tree.body:
        targets = ([node.target] if isinstance(node, ast.AnnAssign) else
                   node.targets if isinstance(node, ast.Assign) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{DAG_FILE.name} has no {name}")


def _stage_parameters():
    """The DAG file's stage_parameters function, run without importing Airflow."""
    tree = ast.parse(DAG_FILE.read_text(encoding="utf-8"))
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef)
                and n.name == "stage_parameters")
    module = ast.Module(body=[ast.ImportFrom(module="__future__",
                                             names=[ast.alias("annotations")], level=0),
                              func], type_ignores=[])
    namespace: dict = {}
    exec(compile(ast.fix_missing_locations(module), str(DAG_FILE), "exec"), namespace)
    return namespace["stage_parameters"], tree


def test_file_parses_and_names_every_stage():
    stage_parameters, tree = _stage_parameters()
    assert tuple(_constant(tree, "STAGES")) == STAGES
    sites = _constant(tree, "SITES")
    assert sites
    for stage in STAGES:
        template = ROOT / "notebooks" / f"{stage}.ipynb"
        assert template.exists()
        declared = declared_parameters(template)
        for site in sites.values():
            unknown = set(stage_parameters(stage, site)) - set(declared)
            assert not unknown, f"{stage}: {unknown} are not parameters of {template.name}"


def test_airflow_imports_and_validates_the_dag():
    pytest.importorskip("airflow", reason="apache-airflow is not installed (the DAG is an "
                                          "example; the workbook does not depend on it)")
    pytest.importorskip("airflow.providers.papermill",
                        reason="apache-airflow-providers-papermill is not installed")
    from airflow.models import DagBag

    bag = DagBag(dag_folder=str(DAG_FILE), include_examples=False)
    assert not bag.import_errors, bag.import_errors
    dag = bag.get_dag("pdca_stages")
    tree = ast.parse(DAG_FILE.read_text(encoding="utf-8"))
    sites = _constant(tree, "SITES")
    assert {t.task_id for t in dag.tasks} == {f"{s}_{st}" for s in sites for st in STAGES}
    for site in sites:
        baseline = dag.get_task(f"{site}_baseline")
        assert baseline.downstream_task_ids == {f"{site}_compare", f"{site}_efficiency"}


def test_spec_does_not_import_airflow_in_the_workbook():
    assert importlib.util.find_spec("pdcakit") is not None
    text = DAG_FILE.read_text(encoding="utf-8")
    assert "pdcakit" not in text.split('"""', 2)[2].split("WORKBOOK =")[0]
