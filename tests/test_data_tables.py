"""load_table / load_aggregates: the small canonical tables and their checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pdcakit import data
from pdcakit.data.schema import TABLES

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"

GOOD = {
    "surveys": "respondent_id,date,site,question,score\nR1,2026-01-05,Leeds,overall,5\n"
               "R1,2026-01-05,Leeds,speed,4\nR2,2026-01-06,York,overall,3\n",
    "audits": "audit_id,date,site,agent,normativity,efficiency,experience\n"
              "AU1,2026-01-05,Leeds,A08,6.9,8.4,7.3\nAU2,2026-01-06,York,A01,10,0,5\n",
    "mystery_shopper": "visit_id,date,site,channel,attitude,knowledge,speed\n"
                       "MS1,2026-01-07,Leeds,chat,7.9,7.0,6.7\n",
    "standards": "standard,category,weight,conformance\nResponse in 30 min,speed,0.2,0.95\n"
                 "One-time resolution,effectiveness,0.3,0.88\nScore >= 4.5,quality,0.5,0.92\n",
    "process_steps": "step,minutes_before,minutes_after,value_added,volume\n"
                     "triage,6.0,0.5,false,417\nfix,20,18,true,417\n",
    "training": "person,pre_score,post_score\nA01,68,76\nA02,53,62\n",
    "aggregates": "period,unit,numerator,denominator\n2026-01,ED,120,4000\n2026-02,ED,98,3900\n",
}


def write(tmp_path, text, name="table.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_loads_every_kind_with_schema_types(tmp_path, kind):
    df = data.load_table(write(tmp_path, GOOD[kind]), kind)
    schema = TABLES[kind]
    assert list(df.columns) == [c for c in schema.columns if c in df.columns]
    expected = {"id": "str", "category": "str", "number": "float64",
                "datetime": "datetime64[us]", "bool": "boolean"}
    for col in df.columns:
        assert str(df[col].dtype) == expected[schema.kinds[col]], col
    assert df.attrs["kind"] == kind and df.attrs["source"].endswith("table.csv")


# Aggregates (period, unit, numerator, denominator) are the shape of the real NHS A&E
# data in ../shared, not of the demo help desk, so the demo has no aggregates file.
@pytest.mark.parametrize("kind", sorted(k for k in GOOD if k != "aggregates"))
def test_demo_tables_load(kind):
    assert len(data.load_table(DEMO / f"{kind}.csv", kind)) > 0


def test_load_aggregates_is_load_table(tmp_path):
    p = write(tmp_path, GOOD["aggregates"])
    pd.testing.assert_frame_equal(data.load_aggregates(p), data.load_table(p, "aggregates"))
    assert data.load_aggregates(p)["period"].tolist() == [pd.Timestamp("2026-01-01"),
                                                          pd.Timestamp("2026-02-01")]


def test_tickets_kind_delegates(tmp_path):
    p = write(tmp_path, "id,created_at\nT1,2026-01-05\n")
    assert "is_open" not in data.load_table(p, "tickets").columns


def test_unknown_kind(tmp_path):
    with pytest.raises(ValueError, match="kind must be one of"):
        data.load_table(write(tmp_path, GOOD["training"]), "trainings")


def test_mapping_and_options(tmp_path):
    p = write(tmp_path, "Name;Vorher;Nachher\nA01;68,5;76\n", name="schulung.csv")
    df = data.load_table(p, "training", {"columns": {"person": "Name", "pre_score": "Vorher",
                                                     "post_score": "Nachher"}}, decimal=",")
    assert df.loc[0, "pre_score"] == 68.5


class TestErrors:
    def test_weights_must_sum_to_one(self, tmp_path):
        text = "standard,weight,conformance\nA,0.2,0.95\nB,0.3,0.88\nC,0.4,0.92\n"
        with pytest.raises(data.DataError) as e:
            data.load_table(write(tmp_path, text, "standards.csv"), "standards")
        msg = str(e.value)
        assert "standards.csv, column 'weight': the weights sum to 0.9, not 1" in msg
        assert e.value.rows == [2, 3, 4] and "Fix:" in msg

    def test_weights_within_tolerance(self, tmp_path):
        text = "standard,weight,conformance\nA,0.3333,0.95\nB,0.3333,0.88\nC,0.3333,0.92\n"
        assert len(data.load_table(write(tmp_path, text), "standards")) == 3

    def test_percent_weights_are_out_of_range(self, tmp_path):
        text = "standard,weight,conformance\nA,20,0.95\nB,30,0.88\nC,50,0.92\n"
        with pytest.raises(data.DataError) as e:
            data.load_table(write(tmp_path, text, "standards.csv"), "standards")
        assert e.value.column == "weight" and e.value.rows == [2, 3, 4]
        assert "0.2, not 20" in str(e.value)

    def test_numerator_above_denominator(self, tmp_path):
        text = "period,numerator,denominator\n2026-01,12,400\n2026-02,500,380\n2026-03,9,8\n"
        with pytest.raises(data.DataError) as e:
            data.load_aggregates(write(tmp_path, text, "breaches.csv"))
        msg = str(e.value)
        assert "breaches.csv, column 'denominator'" in msg
        assert "2 rows have a numerator above their denominator" in msg
        assert e.value.rows == [3, 4] and "rows 3: 380 < numerator 500" in msg

    @pytest.mark.parametrize("kind, text, column, rows, words", [
        ("surveys", "respondent_id,score\nR1,5\nR2,6\nR3,0\n", "score", [3, 4], "out of range"),
        ("audits", "normativity,efficiency,experience\n5,11,5\n", "efficiency", [2], "above 10"),
        ("mystery_shopper", "attitude,knowledge,speed\n5,5,-1\n", "speed", [2], "below 0"),
        ("training", "person,pre_score,post_score\nA,60,x\n", "post_score", [2],
         "not a number"),
        ("process_steps", "step,minutes_before,minutes_after,value_added\nt,5,4,sometimes\n",
         "value_added", [2], "neither yes nor no"),
        ("audits", "normativity,efficiency\n5,5\n", "experience", [], "required column"),
        ("surveys", "respondent_id,date,score\nR1,2026-01-05,5\nR2,someday,4\n", "date", [3],
         "not a date"),
        ("training", "person,pre_score,post_score\nA,60,70\n,50,55\n", "person", [3],
         "1 row has no person"),
    ])
    def test_errors_name_file_column_rows(self, tmp_path, kind, text, column, rows, words):
        with pytest.raises(data.DataError) as e:
            data.load_table(write(tmp_path, text, f"{kind}.csv"), kind)
        msg = str(e.value)
        assert f"{kind}.csv" in msg and f"column '{column}'" in msg and words in msg
        assert e.value.rows == rows and "Fix:" in msg
