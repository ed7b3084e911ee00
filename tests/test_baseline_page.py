"""The baseline page section by section (pdcakit.stages.baseline_page): what each section
shows, the line of each part it skips (in place), and the results.json it records, on the
demo, on real-shaped exports (date-only times, no resolved_at, Chinese categories, a help
desk without response times) and with papermill-like parameters: every list parameter
empty, every optional table path "".

``page()`` calls the library functions in the order the notebook's cells do, with the
notebook's parameter names and defaults, so a test can change any of them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import exports  # tests/exports.py (pytest puts tests/ on sys.path)
from pdcakit.run.resultsfile import read_results
from pdcakit.stages import baseline_page as bp
from pdcakit.stages.baseline import BaselineSettings, load_optional_table
from pdcakit.stages.registers_page import complaints_baseline, feedback_baseline

ROOT = Path(__file__).resolve().parents[1]

#: The notebook's parameters cell (notebooks/baseline.py), defaults as written there.
DEFAULTS: dict[str, Any] = {
    "data_path": "demo:tickets.csv", "mapping": "", "on_duplicate": "", "snapshot": "",
    "timezone": "", "dayfirst": "", "start": "2026-01-05", "end": "2026-04-06", "period": "W",
    "kpis": ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "nps",
             "complaint_rate", "reopen_rate", "resolution_rate"],
    "headline_kpi": "", "segment_column": "channel", "target_value": 0.0,
    "target_direction": "", "sla_first_response_minutes": 30.0,
    "sla_resolution_hours": 24.0, "alpha": 0.05, "power": 0.8,
    "composite_weights": [0.5, 0.3, 0.2], "surveys_path": "", "audits_path": "",
    "mystery_shopper_path": "", "standards_path": "", "rule_set": "nhs", "rebases": [],
    "cycle_events": [], "results_path": "", "unit_column": "agent",
    "unit_kpis": ["fcr", "aht", "csat", "complaint_rate"], "case_mix": ["channel"],
    "min_unit_tickets": 30, "composite_parts": ["csat", "sla_first_response", "fcr"],
    "language": "en", "feedback_path": "", "feedback_mapping": "",
    "feedback_lexicon_path": "", "feedback_classes_from": "lexicon", "complaints_path": "",
    "complaints_mapping": "", "complaints_snapshot": "",
}
#: Every list parameter empty, every optional path "" (what papermill passes for -y 'x: []').
EMPTY = {"kpis": [], "composite_weights": [], "rebases": [], "cycle_events": [],
         "surveys_path": "", "audits_path": "", "mystery_shopper_path": "",
         "standards_path": "", "segment_column": ""}


class Page:
    """One run of the page: its sections in page order and the results.json they make."""

    def __init__(self, sections: dict[str, bp.Section], results: dict[str, Any]) -> None:
        self.sections, self.results = sections, results

    def sentences(self, *names: str) -> list[str]:
        return [s for name in (names or self.sections) for s in self.sections[name].sentences]

    def said(self, text: str) -> bool:
        return any(text in s for s in self.sentences())


def page(tmp_path: Path | None = None, **params: Any) -> Page:
    """The notebook's cells as library calls (notebooks/baseline.py), with ``params``."""
    p = {**DEFAULTS, **params}
    settings = BaselineSettings.check(
        kpis=p["kpis"], headline_kpi=p["headline_kpi"], period=p["period"],
        target_value=p["target_value"], target_direction=p["target_direction"],
        alpha=p["alpha"], power=p["power"], composite_weights=p["composite_weights"],
        segment_column=p["segment_column"], check_kpis=p.get("check_kpis"),
        check_multiplicity=p.get("check_multiplicity", "holm"))
    sla_options = {k: p[k] for k in ("sla_first_response_minutes", "sla_resolution_hours")}
    loaded = bp.data_section(p["data_path"], p["mapping"], start=p["start"], end=p["end"],
                             on_duplicate=p["on_duplicate"], snapshot=p["snapshot"],
                             timezone=p["timezone"], dayfirst=p["dayfirst"])
    tickets, ledger = loaded.tickets, loaded.sections
    scorecard = bp.scorecard_section(tickets, ledger, settings, **sla_options)
    headline = bp.headline_section(tickets, ledger, settings, events=p["cycle_events"])
    stability = bp.stability_section(headline, rebases=p["rebases"], rule_set=p["rule_set"],
                                     events=p["cycle_events"])
    agreement = bp.rule_agreement_section(stability)
    resolve = bp.resolve_section(tickets, ledger,
                                 sla_resolution_hours=p["sla_resolution_hours"])
    sla = bp.sla_section(tickets, ledger, **sla_options)
    pareto = bp.pareto_section(tickets, ledger)
    segments = bp.segments_section(tickets, ledger, settings, scorecard, **sla_options)
    scores = bp.scores_section(
        ledger, settings, scorecard, sla, surveys_path=p["surveys_path"],
        audits_path=p["audits_path"], mystery_shopper_path=p["mystery_shopper_path"],
        standards_path=p["standards_path"], window=loaded.window, tickets=tickets)
    plan = bp.sample_size_section(headline, ledger, scorecard)
    units = bp.units_section(
        tickets, ledger, unit_column=p["unit_column"], unit_kpis=p["unit_kpis"],
        case_mix=p["case_mix"], min_tickets=p["min_unit_tickets"], language=p["language"],
        composite_parts=p["composite_parts"], composite_weights=p["composite_weights"],
        **sla_options)
    feedback = feedback_baseline(
        ledger, feedback_path=p["feedback_path"], mapping=p["feedback_mapping"],
        lexicon_path=p["feedback_lexicon_path"], classes_from=p["feedback_classes_from"],
        window=loaded.window, period=p["period"], language=p["language"],
        confidence=1 - p["alpha"])
    complaints = complaints_baseline(
        ledger, complaints_path=p["complaints_path"], mapping=p["complaints_mapping"],
        snapshot=p["complaints_snapshot"], window=loaded.window, language=p["language"],
        confidence=1 - p["alpha"])
    summary = bp.summary_section(headline, stability, plan, ledger)
    results = bp.baseline_results(
        ledger, loaded, scorecard, headline, stability, resolve, sla, pareto, segments, scores,
        plan, units, feedback, complaints, window=(p["start"], p["end"]),
        period=settings.period_label)
    if tmp_path is not None:  # through the file and the contract's reader
        bp.write_results(str(tmp_path / "results.json"), results)
        read_results(tmp_path / "results.json", "baseline")
    return Page({"data": loaded, "scorecard": scorecard, "headline": headline,
                 "stability": stability, "agreement": agreement, "resolve": resolve,
                 "sla": sla, "pareto": pareto, "segments": segments, "scores": scores,
                 "plan": plan, "units": units, "feedback": feedback,
                 "complaints": complaints, "summary": summary}, results)


def committed_sentences() -> list[str]:
    """The sentences of the committed demo page (notebooks/baseline.ipynb), in order."""
    notebook = json.loads((ROOT / "notebooks" / "baseline.ipynb").read_text(encoding="utf-8"))
    return ["".join(output["data"]["text/plain"]) for cell in notebook["cells"]
            if cell["cell_type"] == "code" for output in cell.get("outputs", [])
            if "text/html" in output.get("data", {})
            and output["data"]["text/html"][0].startswith("<p>")]


@pytest.fixture(scope="module")
def demo() -> Page:
    return page()


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, exports.Export]:
    folder = tmp_path_factory.mktemp("exports")
    return {"city": exports.city_council_cases(folder, rows=3_000),
            "chinese": exports.chinese_city_council_cases(folder, rows=3_000),
            "helpdesk": exports.helpdesk_without_response(folder, rows=1_500)}


# ---------------------------------------------------------------- the demo, as committed


class TestDemo:
    def test_the_sentences_are_the_committed_pages(self, demo):
        from pdcakit.stages.display import plain_text

        assert [plain_text(s) for s in demo.sentences()] == committed_sentences()

    def test_the_record_meets_the_contract(self, demo, tmp_path):
        bp.write_results(str(tmp_path / "results.json"), demo.results)
        found = read_results(tmp_path / "results.json", "baseline")
        assert found.headline is not None and found.headline.kpi == "fcr"
        assert set(demo.results["skipped"]) == {"scores", "sample_size", "feedback",
                                                "complaints"}
        assert demo.results["stability"]["rule_disagreements"] == []
        assert demo.results["data"]["tickets"] == 23_988 == demo.results["kpis"]["fcr"]["n"]
        assert list(demo.results)[:6] == ["schema", "stage", "window", "period", "skipped",
                                          "inputs"]

    def test_each_section_shows_its_own_things(self, demo):
        assert len(demo.sections["scorecard"].tables) == 1
        assert len(demo.sections["headline"].figures) == 1
        assert len(demo.sections["stability"].figures) == 1
        assert len(demo.sections["pareto"].figures) == 2  # tickets and complaints
        assert demo.sections["agreement"].sentences == (
            "All four rule sets agree on every period of this chart.",)

    def test_no_results_path_writes_nothing(self, demo, tmp_path, monkeypatch):
        monkeypatch.chdir(tmp_path)
        bp.write_results("", demo.results)
        assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- empty lists, "" paths


class TestEmptyParameters:
    def test_every_list_empty_and_every_path_empty(self, tmp_path):
        run = page(tmp_path, **EMPTY)
        said = run.sentences()
        assert ("Skipped: **KPI scorecard**: off: kpis is empty (give e.g. [fcr, "
                "time_to_resolve] to enable it).") in said
        assert run.said("Skipped: **Stability of the headline KPI**: off: kpis is empty and "
                        "headline_kpi is \"\"")
        assert run.said("Skipped: **Segments**: off: give segment_column")
        assert run.said("Skipped: **Audits, mystery shopping, standards and composite score**"
                        ": off: give surveys_path")
        assert run.said("Skipped: **Sample-size plan**: needs a headline KPI")
        assert run.sentences("summary")[0].startswith("No headline KPI could be computed")
        assert "headline" not in run.results and run.results["kpis"] == {}
        assert set(run.results["skipped"]) >= {"scorecard", "stability", "segments", "scores",
                                               "sample_size"}
        # the sections that need no list still run
        assert run.results["sla"] and run.results["time_to_resolve"]["n"] == 23_988

    def test_no_kpis_but_a_headline(self, tmp_path):
        run = page(tmp_path, kpis=[], headline_kpi="fcr", target_value=0.74)
        assert "headline" in run.results and "stability" in run.results
        assert run.results["skipped"]["segments"].startswith("needs a KPI of the scorecard")
        # the plan's family is the Check's default KPI list, not the baseline's kpis
        assert run.results["sample_size"]["family_size"] == 9

    def test_empty_weights_turn_the_composite_off(self, tmp_path):
        run = page(tmp_path, composite_weights=[], standards_path="demo:standards.csv")
        assert "composite" not in run.results["scores"]
        # per unit too, said once, and the funnels of the KPIs still drawn
        assert run.results["skipped"]["units.composite"].startswith("off: composite_weights")
        assert run.results["units"]["kpis"]
        assert run.results["skipped"]["composite"].startswith("off: composite_weights is empty")
        # the other tables, "" each, get their own line with their own name
        assert run.said("Skipped: **Customer satisfaction index (CSI)**: off: give "
                        "surveys_path (a surveys table) to enable it.")
        assert run.said("Skipped: **Mystery-shopper score (TDS)**: off: give "
                        "mystery_shopper_path")
        with_weights = page(standards_path="demo:standards.csv")
        composite = with_weights.results["scores"]["composite"]
        assert composite["source"] == "the tickets and standards.csv"

    def test_every_table_given(self, tmp_path):
        run = page(tmp_path, surveys_path="demo:surveys.csv", audits_path="demo:audits.csv",
                   mystery_shopper_path="demo:mystery_shopper.csv",
                   standards_path="demo:standards.csv")
        assert set(run.results["scores"]) == {"csi", "audit", "mystery_shopper", "standards",
                                              "composite"}
        assert not {"csi", "audit", "mystery_shopper", "standards", "composite",
                    "scores"} & set(run.results["skipped"])
        assert len(run.sections["scores"].tables) == 1
        assert run.sentences("scores")[0].startswith("- Customer satisfaction index (CSI): ")

    def test_an_open_window_cuts_the_tables_to_the_tickets_days(self):
        # start "" and end "": the tables keep the rows dated within the tickets' own days
        run = page(start="", end="", surveys_path="demo:surveys.csv")
        assert "csi" in run.results["scores"], run.results["skipped"].get("csi")
        tickets = run.sections["data"].tickets
        assert run.sections["data"].window == (
            f"{tickets['created_at'].min():%Y-%m-%d}",
            f"{tickets['created_at'].max().normalize() + pd.Timedelta(days=1):%Y-%m-%d}")


# ---------------------------------------------------------------- real-shaped exports


class TestRealShapedExports:
    def test_date_only_council_cases(self, made, tmp_path):
        e = made["city"]
        run = page(tmp_path, data_path=str(e.path), mapping=str(e.mapping), start="", end="",
                   period="M")
        assert run.results["headline"]["kpi"] == "time_to_resolve"
        assert run.results["inputs"] == {"data_path": str(e.path), "mapping": str(e.mapping)}
        assert run.results["data"]["tickets"] == len(e.cases)
        assert run.results["data"]["open"] == e.n_open
        assert run.results["skipped"]["segments"].startswith("needs the column channel")
        # the tickets' Pareto first, then the line for the complaints chart, in that order
        shown = run.sections["pareto"].shown
        assert shown[0].figure is not None
        assert shown[1].sentence.startswith("Skipped: **Complaints by category**")
        # the unsupported KPIs' lines come before the scorecard's table
        kinds = ["table" if s.table is not None else "line" for s in
                 run.sections["scorecard"].shown]
        assert kinds[-1] == "table" and set(kinds[:-1]) == {"line"}

    def test_chinese_categories(self, made, tmp_path):
        e = made["chinese"]
        run = page(tmp_path, data_path=str(e.path), mapping=str(e.mapping), start="", end="",
                   period="M")
        categories = set(run.results["pareto"]["tickets"])
        assert categories <= set(exports.CATEGORIES_ZH) and len(categories) > 10
        written = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
        assert set(written["pareto"]["tickets"]) == categories

    def test_help_desk_without_response_times(self, made, tmp_path):
        e = made["helpdesk"]
        run = page(tmp_path, data_path=str(e.path), start="", end="", segment_column="")
        assert "first_response_time" in run.results["skipped"]
        assert list(run.results["sla"]) == ["resolution"]
        assert run.said("Skipped: **SLA: first response**: needs the column first_response_at")

    def test_an_export_without_resolved_at(self, tmp_path):
        path = tmp_path / "cases.csv"
        days = pd.date_range("2025-01-06", periods=70, freq="D")
        pd.DataFrame({"id": [f"C{i}" for i in range(700)],
                      "created_at": [f"{days[i % 70]:%Y-%m-%d}" for i in range(700)],
                      "category": ["potholes", "bins", "noise", "bins", "parking"] * 140}
                     ).to_csv(path, index=False)
        run = page(tmp_path, data_path=str(path), start="", end="")
        assert run.sentences("data")[0].endswith(
            "The export has no resolved_at column, so open and resolved tickets cannot be "
            "told apart.")
        assert run.results["data"]["open"] is None
        assert run.results["skipped"]["time_to_resolve"].startswith(
            "needs the column resolved_at")
        assert "headline" not in run.results  # no KPI of the list needs only created_at
        assert run.results["pareto"]["tickets"] == {"bins": 280, "potholes": 140,
                                                    "noise": 140, "parking": 140}


# ---------------------------------------------------------------- the sections' own rules


def _weekly_fcr(tmp_path: Path, weeks: int, *, per_week: int = 100,
                resolved: int = 68) -> str:
    """A canonical export: ``per_week`` tickets a week, ``resolved`` of them at first contact."""
    rows = []
    for week in range(weeks):
        monday = pd.Timestamp("2025-01-06") + pd.Timedelta(weeks=week)
        for i in range(per_week):
            created = monday + pd.Timedelta(hours=1 + i)
            rows.append({"id": f"T{week}-{i}", "created_at": f"{created:%Y-%m-%d %H:%M}",
                         "resolved_at": f"{created + pd.Timedelta(hours=2):%Y-%m-%d %H:%M}",
                         "first_contact_resolved": i < resolved})
    path = tmp_path / "fcr.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


class TestPlanAndSummary:
    def test_plan_for_a_steady_share_is_r_power_prop_test(self, tmp_path):
        # R: power.prop.test(p1 = 0.68, p2 = 0.74, power = 0.8) -> n = 896.6 per group; the
        # weeks are all 68/100 (no extra variation: design effect 1), one KPI (no Holm step).
        # The CI: R prop.test(816, 1200, correct = FALSE)$conf.int = 0.6531 0.7058 (Wilson)
        run = page(tmp_path, data_path=_weekly_fcr(tmp_path, 12), start="", end="",
                   kpis=["fcr"], target_value=0.74, segment_column="", check_kpis=["fcr"])
        plan = run.results["sample_size"]
        assert plan["n_exact"] == pytest.approx(896.6, abs=0.1)
        assert plan["n_per_group"] == 897 and plan["design_effect"] == 1.0
        assert run.results["target"]["met"] is False
        assert run.sentences("summary")[0] == (
            "**First contact resolution** is 68.0% (95% CI 65.3% to 70.6%, n=1,200) and does "
            "not yet meet the target of 74.0%. The baseline is stable (no special-cause "
            "signal). The Check stage needs about 897 tickets on each side of the change "
            "(9 weeks each).")

    def test_one_week_cannot_be_judged_for_stability(self, tmp_path):
        run = page(tmp_path, data_path=_weekly_fcr(tmp_path, 1), start="", end="",
                   kpis=["fcr"], segment_column="")
        assert run.results["headline"]["kpi"] == "fcr" and "stability" not in run.results
        assert run.results["skipped"]["stability"].startswith(
            "needs at least 2 weeks with a value of First contact resolution (this window "
            "has 1)")
        assert "cannot be judged yet (too few weeks" in run.sentences("summary")[0]

    def test_a_target_equal_to_the_baseline_has_no_change_to_detect(self, tmp_path):
        run = page(data_path=_weekly_fcr(tmp_path, 6), start="", end="", kpis=["fcr"],
                   target_value=0.68, segment_column="")
        assert "no change to detect" in run.results["skipped"]["sample_size"]
        assert run.results["target"]["met"] is True


class TestLedger:
    def test_a_skipped_line_is_kept_once_in_order(self):
        ledger = bp.PageLedger(frozenset({"id", "created_at"}))
        ledger.skip("segments", "off")
        ledger.skip("segments", "again")
        ledger.kpis(["aht"])
        assert ledger.said == [
            "Skipped: **Segments**: off.",
            "Skipped: **Average handle time**: needs the column handle_minutes (map it "
            "under columns: in the mapping)."]
        assert ledger.skipped["segments"] == "off"

    def test_of_never_says_a_line_itself(self, capsys):
        ledger = bp.PageLedger.of(pd.DataFrame({"id": ["A"]}))
        ledger.runs("pareto", "category")
        assert capsys.readouterr().out == "" and len(ledger.said) == 1

    def test_show_displays_items_in_order(self, monkeypatch):
        from pdcakit.stages import display

        seen: list[str] = []
        monkeypatch.setattr(display, "say", lambda text: seen.append(f"say {text}"))
        monkeypatch.setattr(display, "table", lambda frame, index=True: seen.append(
            f"table {index}"))
        monkeypatch.setattr(display, "show_figure", lambda fig: seen.append("figure"))
        frame = pd.DataFrame({"a": [1]})
        bp.show(bp.Section((bp.Shown("one"), bp.Shown(table=frame, index=False),
                            bp.Shown(figure=object())), {}))
        assert seen == ["say one", "table False", "figure"]


class TestSettingsAndTables:
    def test_empty_weights_are_the_composite_off(self):
        settings = BaselineSettings.check(kpis=["csat"], headline_kpi="", period="W",
                                          target_value=0, composite_weights=[])
        assert settings.composite_weights == ()
        assert settings.composite({"csat": object()}, {"standards": object()},
                                  {"first_response": object()}) is None
        with pytest.raises(ValueError, match="three non-negative weights"):
            BaselineSettings.check(kpis=["csat"], headline_kpi="", period="W",
                                   target_value=0, composite_weights=[1.0])

    @pytest.mark.parametrize(("window", "kept"), [
        (("2025-01-02", "2025-01-03"), ["2025-01-02", None]),
        (("", "2025-01-03"), ["2025-01-01", "2025-01-02", None]),
        ((None, None), ["2025-01-01", "2025-01-02", "2025-01-03", None]),
    ])
    def test_an_open_window_end_keeps_the_rows_on_that_side(self, tmp_path, window, kept):
        path = tmp_path / "surveys.csv"
        pd.DataFrame({"respondent_id": ["R1", "R2", "R3", "R4"],
                      "date": ["2025-01-01", "2025-01-02", "2025-01-03", ""],
                      "score": [4, 5, 3, 4]}).to_csv(path, index=False)
        table = load_optional_table(str(path), "surveys", window)
        shown = [None if pd.isna(d) else f"{d:%Y-%m-%d}" for d in table["date"]]
        assert shown == kept
        assert np.isfinite(table["score"]).all()
