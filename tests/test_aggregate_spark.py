"""The same aggregate queries on Spark (local mode) give DuckDB's figures on the same data:
every ticket KPI, its weekly series and segments, from Parquet and CSV. Skipped, with the
reason, where pyspark or Java is missing (CI: pip install pyspark; a Java 17+ runtime)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest

from pdcakit.aggregate import aggregate_tickets
from pdcakit.aggregate.spark_engine import SparkEngine, spark_missing
from pdcakit.metrics import KPIS

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(spark_missing() is not None, reason=str(spark_missing()))


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("generate_demo", ROOT / "data" /
                                                  "generate_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    frame = module.generate_tickets(5_000)
    frame.loc[frame.index[::37], "handle_minutes"] = np.nan
    folder = tmp_path_factory.mktemp("spark")
    frame.to_parquet(folder / "t.parquet", index=False)
    frame.to_csv(folder / "t.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def spark():
    engine = SparkEngine(master="local[2]")
    yield engine
    engine.close()


@pytest.mark.parametrize(("name", "validate"), [("t.parquet", True), ("t.csv", False)])
def test_spark_equals_duckdb(files, spark, name, validate):
    options = {"period": "W", "segment": "site", "window": ("2026-02-02", None),
               "validate": validate}
    duck = aggregate_tickets(files / name, **options)
    sparked = aggregate_tickets(files / name, engine=spark, **options)
    assert sparked.engine == "spark" and sparked.snapshot == duck.snapshot
    expected, got = duck.scorecard(), sparked.scorecard()
    assert set(got.estimates) == set(expected.estimates) == set(KPIS)
    for key, est in expected.estimates.items():
        new = got.estimates[key]
        assert (new.n, new.name, new.note) == (est.n, est.name, est.note), key
        for a, b in zip([new.value, *new.ci], [est.value, *est.ci], strict=True):
            assert math.isclose(a, b, rel_tol=1e-9), key
        assert new.extra.keys() == est.extra.keys()
    for key in KPIS:
        np.testing.assert_allclose(sparked.series(key)["value"], duck.series(key)["value"],
                                   rtol=1e-9, equal_nan=True, err_msg=key)
    for segment in duck.segments:
        a = duck.scorecard(["fcr", "time_to_resolve"], segment=segment).estimates
        b = sparked.scorecard(["fcr", "time_to_resolve"], segment=segment).estimates
        assert {k: e.value for k, e in a.items()} == {k: e.value for k, e in b.items()}


def test_spark_is_not_imported_unless_chosen():
    import subprocess
    import sys
    code = ("import sys, pdcakit.aggregate as a; a.aggregate_tickets; "
            "print('pyspark' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


# -- the stage pages on Spark: in this file, so one JVM serves every Spark test of a run ----

def test_the_compare_page_on_spark_is_duckdbs(spark, tmp_path):
    """The same compare page from Spark (local mode): equal to DuckDB's."""
    from pdcakit.stages.engine_compare import EngineWindows
    from test_compare_engine import ZH_OPTIONS, differences, run_compare
    from test_compare_engine import _zh_export as compare_export

    path, mapping = compare_export(tmp_path)
    sparked, tickets = run_compare(str(path), str(mapping), engine="spark", **ZH_OPTIONS)
    duck, _ = run_compare(str(path), str(mapping), engine="duckdb", **ZH_OPTIONS)
    assert isinstance(tickets, EngineWindows) and tickets.engine == "spark"
    named = json.loads(json.dumps(sparked["skipped"]).replace("engine spark", "engine duckdb"))
    assert named == duck["skipped"]
    assert [d for d in differences(duck, sparked) if not d.startswith("skipped.")] == []


def test_the_baseline_page_on_spark_is_duckdbs(spark, tmp_path):
    """The same baseline page from Spark (local mode): equal to DuckDB's; the skipped
    lines name the engine, every number is the same."""
    from pdcakit.stages.engine_tickets import EngineTickets
    from test_baseline_engine import _zh_export as baseline_export
    from test_baseline_engine import differences, run_baseline

    path, mapping = baseline_export(tmp_path)
    options = {"period": "M", "kpis": ["fcr", "time_to_resolve", "csat"],
               "unit_kpis": ["fcr", "csat"], "case_mix": []}
    sparked, loaded = run_baseline(str(path), str(mapping), engine="spark", **options)
    duck, _ = run_baseline(str(path), str(mapping), engine="duckdb", **options)
    assert isinstance(loaded.tickets, EngineTickets) and loaded.tickets.engine == "spark"
    named = json.loads(json.dumps(sparked["skipped"]).replace("engine spark", "engine duckdb"))
    assert named == duck["skipped"]
    assert [d for d in differences(duck, sparked) if not d.startswith("skipped.")] == []
