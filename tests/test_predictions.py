"""Predictions that score themselves, the autocorrelation check, and the review card."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pytest

from pdcakit import spc
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.predictions import (
    Prediction,
    PredictionError,
    fingerprint,
    score_change,
    score_predictions,
)
from pdcakit.tracker.record import CycleError, read_cycle
from test_results_contract import compare_results

ROOT = Path(__file__).resolve().parents[1]
START = dt.date(2026, 4, 6)


def _p(**entry):
    return Prediction.from_entry({"unit": "points", **entry})


class TestScoring:
    """Hand-worked cases: the CI against the predicted size decides."""

    @pytest.mark.parametrize(("ci", "outcome"), [
        ((5.4, 7.2), "met"),              # whole CI above +3
        ((0.5, 2.5), "not met"),          # whole CI below +3
        ((2.0, 4.0), "not enough data"),  # straddles +3
        ((-2.0, -1.0), "not met"),        # went the other way
    ])
    def test_rise(self, ci, outcome):
        p = _p(kpi="fcr", direction="rise", size=3)
        assert score_change(p, estimate=sum(ci) / 2, ci=ci).outcome == outcome

    @pytest.mark.parametrize(("ci", "outcome"), [
        ((-29.6, -22.5), "met"), ((-8.0, -2.0), "not met"), ((-14.0, -6.0), "not enough data"),
    ])
    def test_fall(self, ci, outcome):
        p = _p(kpi="first_response_time", direction="fall", size=10, unit="%")
        assert score_change(p, estimate=sum(ci) / 2, ci=ci).outcome == outcome

    @pytest.mark.parametrize(("ci", "outcome"), [
        ((-0.4, 0.9), "met"), ((1.2, 2.0), "not met"), ((-2.0, -1.5), "not met"),
        ((-0.5, 1.5), "not enough data"),
    ])
    def test_no_change_is_an_equivalence_margin(self, ci, outcome):
        p = _p(kpi="reopen_rate", direction="no change", size=1)
        assert score_change(p, estimate=sum(ci) / 2, ci=ci).outcome == outcome

    def test_reason_names_the_estimate_and_ci(self):
        score = score_change(_p(kpi="fcr", direction="rise", size=3), estimate=6.3,
                             ci=(5.4, 7.2))
        assert "+6.3 points (95% CI +5.4 points to +7.2 points)" in score.reason
        assert score.statement == "First contact resolution rises by at least 3 points"


# A compare results.json as docs/results.md describes it, with a chat segment and two
# reasons for what was not compared.
COMPARE = compare_results(0.68, 0.743)
COMPARE["segments"]["fcr"]["segments"][0]["segment"] = "chat"
COMPARE["segments"]["fcr"]["skipped"] = {"fax": "too few tickets"}
COMPARE["skipped"] = {"nps": "no nps column"}


def _entry(**entry):
    base = {"written": "2026-03-02", "unit": "points"}
    base.update(entry)
    base.setdefault("fingerprint", fingerprint(base["kpi"], base["direction"], base["size"],
                                               base["unit"], base.get("segment")))
    return base


class TestFromCompareResults:
    def test_units_segments_and_missing_kpis(self):
        entries = [
            _entry(kpi="fcr", direction="rise", size=3),                        # +6.3 points
            _entry(kpi="aht", direction="fall", size=1, unit="%"),              # -5% (-9, -1)
            _entry(kpi="aht", direction="fall", size=1, unit="absolute"),       # -0.5 min
            _entry(kpi="fcr", segment="channel=chat", direction="rise", size=8),  # 5.5..9.1
            _entry(kpi="fcr", segment="channel=fax", direction="rise", size=1),
            _entry(kpi="nps", direction="rise", size=5),
            _entry(kpi="aht", direction="fall", size=1, unit="points"),
            "CSAT will go up",
        ]
        scores = score_predictions(entries, COMPARE, collection_start=START)
        assert [s.outcome for s in scores] == [
            "met", "met", "not met", "not enough data", "not enough data", "not enough data",
            "cannot score", "cannot score"]
        assert scores[1].estimate == pytest.approx(-5.0)
        assert scores[1].ci == pytest.approx((-9.0, -1.0))
        assert "too few tickets" in scores[4].reason
        assert "no nps column" in scores[5].reason
        assert "points apply to shares and NPS" in scores[6].reason
        assert "free text" in scores[7].reason
        assert all(not s.flags for s in scores[:7])

    def test_no_compare_run_yet(self):
        [score] = score_predictions([_entry(kpi="fcr", direction="rise", size=3)], None)
        assert score.outcome == "not enough data"
        assert "no successful compare run" in score.reason

    def test_late_edited_and_hand_written_predictions_are_flagged(self):
        late = _entry(kpi="fcr", direction="rise", size=3, written="2026-04-20")
        edited = _entry(kpi="fcr", direction="rise", size=3)
        edited["size"] = 1  # lowered after seeing the data: the fingerprint no longer matches
        by_hand = {"kpi": "fcr", "direction": "rise", "size": 3, "unit": "points"}
        scores = score_predictions([late, edited, by_hand], COMPARE, collection_start=START)
        assert "on or after data collection began" in scores[0].flags[0]
        assert "edited after it was written" in scores[1].flags[0]
        assert any("no date" in f for f in scores[2].flags)
        assert any("no fingerprint" in f for f in scores[2].flags)


class TestRecord:
    @pytest.fixture()
    def project(self, tmp_path) -> ProjectPaths:
        for folder in ("notebooks", "pdca"):
            shutil.copytree(ROOT / folder, tmp_path / folder)
        return ProjectPaths(tmp_path)

    def test_predict_stamps_date_commit_and_fingerprint(self, project):
        said = tracker.predict(project, "demo-helpdesk",
                               {"kpi": "csat", "direction": "rise", "size": 2.0,
                                "unit": "points", "confidence": 0.6},
                               today=dt.date(2026, 3, 3))
        assert "Customer satisfaction" in said
        record = read_cycle(project, "demo-helpdesk")
        entry = record.predictions[-1]
        assert str(entry["written"]) == "2026-03-03"
        assert entry["fingerprint"] == fingerprint("csat", "rise", 2.0, "points", None)
        assert "commit" in entry
        assert record.log[-1]["event"] == "prediction"

    def test_predict_refuses_unknown_kpis_and_bad_fields(self, project):
        with pytest.raises(CycleError, match="unknown KPI"):
            tracker.predict(project, "demo-helpdesk", {"kpi": "happiness", "direction": "rise",
                                                       "size": 1})
        with pytest.raises(PredictionError, match="direction must be one of"):
            tracker.predict(project, "demo-helpdesk", {"kpi": "fcr", "direction": "up",
                                                       "size": 1})
        with pytest.raises(PredictionError, match="needs a margin"):
            tracker.predict(project, "demo-helpdesk", {"kpi": "fcr", "direction": "no change",
                                                       "size": 0})

    def test_record_validation_names_the_bad_prediction(self, project):
        path = project.record("demo-helpdesk")
        text = path.read_text(encoding="utf-8").replace("direction: fall, size: 10.0",
                                                        "direction: down, size: 10.0")
        path.write_text(text, encoding="utf-8")
        with pytest.raises(CycleError, match=r"predictions\[1\]\.direction"):
            read_cycle(project, "demo-helpdesk")

    def test_demo_predictions_are_checkable_and_unedited(self):
        record = read_cycle(ProjectPaths(ROOT), "demo-helpdesk")
        predictions = [Prediction.from_entry(e, i) for i, e in enumerate(record.predictions)]
        assert len(predictions) >= 4
        assert all(p.stored_fingerprint == p.fingerprint for p in predictions)
        assert all(p.written < START for p in predictions)


class TestAutocorrelation:
    def test_r_acf_and_durbin_watson_by_hand(self):
        check = spc.autocorrelation([1, 2, 3, 4, 5])
        assert check.lag1 == pytest.approx(0.4)            # R: acf(1:5)$acf[2]
        assert check.durbin_watson == pytest.approx(0.4)   # sum(diff(d)^2) / sum(d^2) = 4/10
        alternating = spc.autocorrelation([1, -1] * 6)
        assert alternating.durbin_watson == pytest.approx(11 * 4 / 12)  # 11 steps of 2, sum d^2 12
        assert alternating.flagged and alternating.lag1 < 0

    def test_flags_an_ar1_series_and_not_white_noise(self):
        rng = np.random.default_rng(7)
        noise = rng.normal(size=120)
        ar = np.zeros(120)
        for i in range(1, 120):
            ar[i] = 0.7 * ar[i - 1] + noise[i]
        assert spc.autocorrelation(ar).flagged
        assert "optimistic" in spc.autocorrelation(ar).sentence
        assert not spc.autocorrelation(noise).flagged

    def test_too_short_or_constant(self):
        assert not spc.autocorrelation([1, 2, 3]).flagged
        assert "Too few points" in spc.autocorrelation([1, 2, 3, 4]).sentence
        assert not spc.autocorrelation([2.0] * 10).flagged


def test_demo_cycle_page_has_the_review_card_and_scored_predictions(demo_project):
    paths, _ = demo_project
    page = (paths.runs / "demo-helpdesk" / "index.html").read_text(encoding="utf-8")
    card = page[page.index("Review card"):page.index("Plan: the charter")]
    for part in ("Stability (baseline)", "Rule sets (baseline chart)", "Before / after",
                 "Assurance against the target", "Predictions", "Assumptions that failed",
                 "Decision", "Adopt"):
        assert part in card
    assert "4 met, 1 not enough data" in card
    table = page[page.index("Predictions against results"):page.index("Actions")]
    assert table.count("<b class=\"met\">met</b>") == 4
    assert "not enough data" in table
    assert "First contact resolution (channel chat) rises by at least 8 points" in table


def test_stage_runs_get_the_cycle_log_events(demo_project):
    """pdca run fills cycle_events from the record: the charts mark the go-live."""
    import json

    paths, _ = demo_project
    for stage in ("baseline", "compare"):
        [provenance] = sorted((paths.runs / "demo-helpdesk" / stage).glob("*/provenance.json"))
        events = json.loads(provenance.read_text())["parameters"]["cycle_events"]
        assert ["2026-04-06", "demo-helpdesk: change live"] in events


def test_cycle_events_follow_the_previous_cycles(tmp_path):
    for folder in ("notebooks", "pdca"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    paths = ProjectPaths(tmp_path)
    from pdcakit.tracker.record import edit_record

    with edit_record(paths, "demo-helpdesk") as data:
        data["decision"] = {"decision": "adopt", "date": "2026-07-10", "rationale": "worked"}
    tracker.new_cycle(paths, "helpdesk-2", title="Second cycle", metric="fcr")
    with edit_record(paths, "helpdesk-2") as data:
        data["previous"] = "demo-helpdesk"
        data["data"]["after"] = ["2026-09-07", "2026-12-07"]
    assert tracker.cycle_events(paths, "helpdesk-2") == [
        ["2026-04-06", "demo-helpdesk: change live"],
        ["2026-07-10", "demo-helpdesk: adopt"],
        ["2026-09-07", "helpdesk-2: change live"],
    ]
    [rebase] = tracker.cycle_rebases(paths, "helpdesk-2")
    assert rebase[:2] == ["2026-04-06", "demo-helpdesk"]
    assert rebase[2].startswith("adopted 2026-07-10: A knowledge base")
    assert tracker.cycle_rebases(paths, "demo-helpdesk") == []


def test_a_percent_prediction_is_of_the_verdicts_own_estimand():
    # A duration judged on the restricted mean time (curves crossing): a "% faster"
    # prediction divides the restricted-mean difference by the restricted mean before,
    # not by the before median (which the verdict does not estimate).
    from pdcakit.tracker.predictions import score_predictions
    from test_results_contract import change, compare_results

    results = compare_results()
    entry = change(600.0, 480.0, kpi="time_to_resolve", unit="minutes", ci=[-150.0, -90.0])
    entry["before"]["value"] = 300.0  # the median; the restricted mean before is 1,200
    entry["estimand"] = "difference in restricted mean time up to 30 days"
    entry["verdict_test"] = {"reference": 1200.0}
    entry["difference"] = -120.0
    results["kpis"]["time_to_resolve"] = entry
    [score] = score_predictions([{"kpi": "time_to_resolve", "direction": "fall", "size": 5,
                                  "unit": "%"}], results)
    assert score.estimate == pytest.approx(-10.0)  # -120 / 1,200, not -120 / 300
    assert score.ci == pytest.approx((-12.5, -7.5))
    assert score.outcome == "met"
