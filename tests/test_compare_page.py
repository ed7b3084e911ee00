"""The compare page's sections (pdcakit.stages.compare_page): what each shows, what it
skips and why, and the results.json it assembles, on real-shaped exports.

The exports: a slice of the demo help desk; the city council's date-only cases (no
channel, 60 categories, repeated ids); the same cases in Chinese (GB18030); a help desk
without response, handle-time, complaint or channel columns, and the same without
resolved_at. No statistic is computed here: every figure comes from
pdcakit.stages.compare, whose reference values are tested in test_check.py and
test_verdicts.py; these tests check the choices and the words around them.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import exports  # tests/exports.py
from pdcakit.fileio import plain
from pdcakit.run.consistency import compare_problems
from pdcakit.run.resultsfile import read_results
from pdcakit.stages import compare_page as page
from pdcakit.stages.compare import ChangeTable
from pdcakit.stages.sections import Sections
from pdcakit.stages.windows import CompareSettings, Windows

ROOT = Path(__file__).resolve().parents[1]
KPIS = ["fcr", "first_response_time", "time_to_resolve", "aht", "csat", "csat_mean", "nps",
        "complaint_rate", "reopen_rate"]
DEFAULTS: dict[str, Any] = {
    "kpis": KPIS, "time_view_kpis": ["fcr", "first_response_time", "aht"],
    "segment_column": "channel", "segment_kpis": ["fcr", "first_response_time", "aht"],
    "mix_column": "category", "mix_kpis": ["fcr", "aht"], "targets": {}, "period": "W",
    "mapping": "", "on_duplicate": "", "windows": None, "training_path": "",
}


@pytest.fixture(scope="module")
def demo_slice(tmp_path_factory) -> Path:
    """Every 8th demo ticket (6,000 tickets, all 14 columns): fast, and the same shape."""
    raw = pd.read_csv(ROOT / "data" / "demo" / "tickets.csv", dtype=str,
                      keep_default_na=False)
    path = tmp_path_factory.mktemp("demo") / "tickets.csv"
    raw.iloc[::8].to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, exports.Export]:
    return {"city": exports.city_council_cases(tmp_path_factory.mktemp("city"), rows=4_000),
            "chinese": exports.chinese_city_council_cases(tmp_path_factory.mktemp("zh"),
                                                          rows=4_000),
            "helpdesk": exports.helpdesk_without_response(tmp_path_factory.mktemp("hd"),
                                                          rows=2_000)}


def run_page(path: Path | str, **given: Any) -> dict[str, Any]:
    """The compare notebook's cells in order, on ``path``; every section, the ledger
    (silent) and results.json."""
    p = DEFAULTS | given
    windows = p["windows"] or Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
    settings = CompareSettings.check(
        kpis=p["kpis"], targets=p["targets"], period=p["period"],
        kpi_lists={k: p[k] for k in ("time_view_kpis", "segment_kpis", "mix_kpis")})
    tickets, sections = page.read_tickets(str(path), p["mapping"], windows,
                                          on_duplicate=p["on_duplicate"])
    sections.show = False
    before, after = windows.split(tickets)
    out: dict[str, Any] = {"sections": sections}
    out["data"] = page.data_section(tickets, before, after, windows)
    out["check"] = check = page.check_section(before, after, settings, sections)
    page.show(out["data"], sections)
    page.show(check, sections)
    out["why"] = page.why_section(check.changes)
    out["time_view"] = page.time_view_section(tickets, windows, check, sections,
                                              kpis=p["time_view_kpis"])
    page.show(out["time_view"], sections)
    out["distributions"] = page.distributions_section(before, after, check.settings)
    page.show(out["distributions"], sections)
    out["segments"] = page.segments_section(before, after, tickets, check, sections,
                                            column=p["segment_column"],
                                            kpis=p["segment_kpis"])
    page.show(out["segments"], sections)
    out["mix"] = page.mix_section(before, after, sections, column=p["mix_column"],
                                  kpis=p["mix_kpis"], params=check.settings.params)
    page.show(out["mix"], sections)
    training = sections.table("training_path", p["training_path"], "training",
                              key="training")
    out["training"] = page.training_section(training, sections)
    page.show(out["training"], sections)
    out["summary"] = page.compare_summary(check.changes, out["time_view"],
                                          check.settings.targets, sections.skipped)
    out["results"] = page.compare_results(
        windows=windows, settings=check.settings, ledger=sections, data=out["data"],
        check=check, time_view=out["time_view"], segments=out["segments"], mix=out["mix"],
        training=out["training"], summary=out["summary"])
    # every page these tests build must be consistent: one estimand per figure, change =
    # after - before, the interval beside each answer agrees with it (pdcakit.run.consistency)
    assert compare_problems(json.loads(json.dumps(plain(out["results"])))) == []
    return out


def written(results: dict[str, Any], tmp_path: Path) -> Any:
    path = tmp_path / "results.json"
    page.write_results(str(path), results)
    return read_results(path, "compare")


# ---------------------------------------------------------------- empty lists


class TestEmptyLists:
    """Every list parameter may be empty: its section says it is off and why (the notebook
    once crashed on -p mix_kpis "[]", a loop variable read after its loop)."""

    def test_mix_kpis_empty(self, demo_slice, tmp_path):
        found = run_page(demo_slice, mix_kpis=[])
        assert found["mix"].skipped == {"mix": "off: mix_kpis is empty; give the rate, mean "
                                               "or duration KPIs to check, e.g. [fcr, aht]"}
        assert not found["mix"].tables and found["results"]["mix"] == {}
        assert "mix" in found["results"]["skipped"]
        written(found["results"], tmp_path)

    def test_segment_kpis_empty(self, demo_slice):
        found = run_page(demo_slice, segment_kpis=[])
        assert found["segments"].skipped == {
            "segments": "off: segment_kpis is empty; give the KPIs to check, e.g. [fcr, aht]"}
        assert found["results"]["segments"] == {} and not found["segments"].charts

    def test_time_view_kpis_empty_still_draws_the_headline(self, demo_slice):
        found = run_page(demo_slice, time_view_kpis=[])
        assert list(found["time_view"].views) == ["fcr"]  # the headline, always drawn
        assert found["time_view"].skipped == {}
        assert found["results"]["headline"]["kpi"] == "fcr"

    def test_time_view_kpis_empty_and_no_headline(self, demo_slice):
        found = run_page(demo_slice, time_view_kpis=[], kpis=[])
        assert found["time_view"].skipped["time_view"].startswith(
            "off: time_view_kpis is empty and there is no headline KPI")

    def test_kpis_empty(self, demo_slice, tmp_path):
        found = run_page(demo_slice, kpis=[], segment_kpis=[], mix_kpis=[])
        check = found["check"]
        assert check.changes.changes == () and check.headline is None
        assert check.skipped == {
            "kpis": "off: kpis is empty; give the KPIs to compare, e.g. [fcr, aht]",
            "stability": "kpis is empty and no headline_kpi is given, so no KPI is the "
                         "headline"}
        assert not check.tables and not found["why"].tables
        assert check.blocks[0] == page.Skip("kpis", check.skipped["kpis"],
                                            "Verdict for every KPI")
        assert found["distributions"].skipped["distributions"].startswith("needs")
        assert "headline" not in found["results"]
        assert found["summary"].sentence.startswith("**Improved:** none. **Worse:** none.")
        assert found["results"]["summary"]["improved"] == []
        written(found["results"], tmp_path)

    def test_every_list_empty_at_once(self, demo_slice, tmp_path):
        found = run_page(demo_slice, kpis=[], time_view_kpis=[], segment_kpis=[],
                         mix_kpis=[])
        skipped = found["results"]["skipped"]
        assert {"kpis", "stability", "time_view", "segments", "mix", "training"} <= set(
            skipped)
        assert all("empty" in skipped[k] for k in ("kpis", "time_view", "segments", "mix"))
        written(found["results"], tmp_path)

    def test_off_sections_say_their_parameter(self, demo_slice):
        found = run_page(demo_slice, segment_column="", mix_column="")
        assert found["segments"].skipped["segments"].startswith("off: give segment_column")
        assert found["mix"].skipped["mix"].startswith("off: give mix_column")


# ---------------------------------------------------------------- real-shaped exports


class TestRealShapedExports:
    def test_city_council_date_only_cases(self, made, tmp_path):
        e = made["city"]
        windows = Windows.from_parameters(before=list(e.before), after=list(e.after))
        found = run_page(e.path, mapping=str(e.mapping), windows=windows, period="M")
        facts = found["data"].record
        assert (facts["before"], facts["after"]) == (e.window(*e.before).n,
                                                      e.window(*e.after).n)
        assert facts["open_before"] == e.window(*e.before).n_open
        assert "00:00" in found["data"].sentences[0]  # a date-only export time
        assert found["check"].headline == "time_to_resolve"
        assert set(found["check"].record["kpis"]) == {"time_to_resolve"}
        assert found["check"].skipped["fcr"].startswith("needs the column")
        assert found["segments"].skipped["segments"].startswith("needs the column channel")
        assert found["mix"].skipped["mix"].startswith("none of mix_kpis (fcr, aht) can be "
                                                      "computed from this export")
        charts = found["distributions"].charts
        assert [c.title for c in charts] == ["Time to resolve"]
        stored = written(found["results"], tmp_path)
        assert stored.headline is not None

    def test_chinese_categories_in_the_mix_table(self, made, tmp_path):
        e = made["chinese"]
        windows = Windows.from_parameters(before=list(e.before), after=list(e.after))
        found = run_page(e.path, mapping=str(e.mapping), windows=windows, period="M",
                         mix_kpis=["resolution_rate", "time_to_resolve"])
        mix = found["mix"]
        (shares,) = mix.tables
        assert set(shares["category"]) <= set(exports.CATEGORIES_ZH)
        assert shares["share change"].str.fullmatch(r"[+-]\d+\.\d pts").all()
        # durations get the mix check too (mean time up to one horizon), issue 23 item 7
        assert "mix.time_to_resolve" not in mix.skipped
        assert "time_to_resolve" in found["results"]["mix"]
        assert list(mix.record) == ["resolution_rate", "time_to_resolve"]
        text = (tmp_path / "results.json")
        page.write_results(str(text), found["results"])
        assert "垃圾收集" in text.read_text(encoding="utf-8")

    def test_helpdesk_without_optional_columns(self, made):
        e = made["helpdesk"]
        windows = Windows.from_parameters(before=list(e.before), after=list(e.after))
        found = run_page(e.path, windows=windows)
        skipped = found["results"]["skipped"]
        for key in ("first_response_time", "aht", "complaint_rate"):
            assert key in skipped
        assert skipped["segments"].startswith("needs the column channel")
        assert all(k not in found["time_view"].views for k in ("first_response_time", "aht"))

    def test_export_without_resolved_at(self, made, tmp_path):
        e = made["helpdesk"]
        raw = pd.read_csv(e.path, dtype=str, keep_default_na=False)
        path = tmp_path / "no_resolution.csv"
        raw.drop(columns=["resolved_at"]).to_csv(path, index=False)
        windows = Windows.from_parameters(before=list(e.before), after=list(e.after))
        found = run_page(path, windows=windows)
        first = found["data"].sentences[0]
        assert first.endswith("the export has no resolved_at column, so open and resolved "
                              "tickets cannot be told apart.")
        assert any(s.startswith("Note: no resolved_at column") for s in
                   found["data"].sentences)
        assert found["data"].record["open_before"] is None
        assert "time_to_resolve" in found["results"]["skipped"]
        written(found["results"], tmp_path)


# ---------------------------------------------------------------- the demo's words


@pytest.fixture(scope="module")
def found(demo_slice):
    return run_page(demo_slice, targets={"fcr": 0.74})


class TestSectionsOnTheDemo:
    def test_verdict_sentences_table_and_adjustment(self, found):
        check = found["check"]
        changes = check.changes.changes
        shown = check.sentences[:2 * len(changes)]
        assert shown[::2] == [f"- {c.sentence}" for c in changes]
        assert all(line.startswith("Checks: ") for line in shown[1::2])
        assert check.sentences[2 * len(changes)] == check.changes.adjustment_sentence
        folds = [b for b in check.blocks if isinstance(b, page.Fold)]
        assert [f.title for f in folds if f.title.startswith("How we know")] == [
            f"How we know: {c.name}" for c in changes]
        assert folds[-1].title == "Terms used above" and any(
            line.startswith("**Holm") for line in folds[-1].lines)
        (table,) = check.tables
        # one row per KPI and estimand: a duration's median, then the estimand that decides
        assert table["KPI"].tolist() == [c.name for c in changes
                                         for _ in range(1 + (c.quoted is not None))]

    def test_why_table_names_the_test_that_carried_each_verdict(self, found):
        why = page.why_table(found["check"].changes)
        for row, change in zip(why.to_dict("records"), found["check"].changes.changes,
                               strict=True):
            assert row["Test"] == change.as_dict()["test"] == change.row()["Test"]
            assert row["Why"] == change.test_reason and not row["Why"].startswith("Why this")

    def test_time_view_assurance_only_for_a_kpi_with_a_target(self, found):
        view = found["time_view"]
        record = view.as_dict()
        assert record["fcr"]["assurance"]["target"] == 0.74
        assert "assurance" not in record["aht"]
        line = next(s for s in view.sentences if s.startswith("Period by period against"))
        assert "(74.0%)" in line and record["fcr"]["assurance"]["verdict"] in line
        # the one target rule's answer stands beside the period-by-period question
        fcr = found["check"].changes["fcr"]
        assert f"the target is {'met' if fcr.target_met else 'not met'}" in line
        assert len(view.charts) == len(view.views) == 3

    def test_segments_show_only_the_significant_ones_by_their_own_flag(self, found):
        shown = found["segments"].sentences
        for key, table in found["results"]["segments"].items():
            name = found["check"].changes[key].name
            for row in table["segments"]:
                named = any(s.startswith(f"- {name} in channel {row['segment']} ")
                            for s in shown)
                assert named == row["significant"]

    def test_summary_reads_the_verdicts(self, found):
        changes = found["check"].changes
        summary = found["summary"]
        assert summary.record["improved"] == [c.name for c in changes.changes
                                              if c.direction == "improved"]
        met = changes["fcr"].target_met
        assert ("Targets met: First contact resolution." if met else
                "No target is met yet.") in summary.sentence
        assert "The charted baselines were stable" in summary.sentence or (
            "Caution: the baseline of" in summary.sentence)

    def test_results_keep_the_contract(self, found, tmp_path):
        stored = written(found["results"], tmp_path)
        assert stored.headline is not None
        assert list(found["results"])[:5] == ["schema", "stage", "windows", "alpha",
                                               "multiplicity"]

    def test_show_writes_each_skip_once_in_page_order(self, found, capsys):
        ledger = Sections(frozenset({"id", "created_at"}), show=True)
        section = page.Section(blocks=(page.Skip("mix", "off"), page.Say("- a line"),
                                       page.Skip("mix", "again")))
        page.show(section, ledger)
        text = capsys.readouterr().out
        assert ledger.skipped == {"mix": "off"}
        assert text.index("Skipped: Mix check: off.") < text.index("a line")
        assert "again" not in text


# ---------------------------------------------------------------- significance


def test_significance_comes_from_the_kpi_change_never_recomputed(demo_slice):
    found = run_page(demo_slice, kpis=["fcr", "aht"], time_view_kpis=[], segment_kpis=[],
                     mix_kpis=[])
    changes = found["check"].changes
    fcr = changes["fcr"]
    assert fcr.direction == "improved"
    # An adjusted p above alpha makes the change not significant everywhere it is read.
    flipped = ChangeTable(tuple(replace(c, p_adjusted=0.5) for c in changes.changes),
                          changes.skipped, changes.multiplicity, changes.alpha)
    summary = page.compare_summary(flipped, found["time_view"], {})
    assert summary.record["improved"] == []
    assert sorted(summary.record["unchanged"] + summary.record["not_enough_data"]) == [
        "Average handle time", "First contact resolution"]


def test_the_notebook_holds_display_calls_only():
    """No decision in the compare script: (almost) no branching, no p-value read."""
    source = (ROOT / "notebooks" / "compare.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    branches = [n for n in ast.walk(tree)
                if isinstance(n, ast.If | ast.For | ast.While | ast.Try | ast.IfExp)]
    assert len(branches) <= 2
    code = "\n".join(line for line in source.splitlines() if not line.startswith("#"))
    assert not re.search(r"pvalue|p_adjusted|p_final|< *alpha|significant", code)


def test_segments_read_in_the_whole_kpis_unit():
    # a reviewer saw 'First response time ... 4.1 minutes' beside 'in channel email ...
    # median 4.0 hours': one KPI, two units on one page
    from pdcakit import data
    from pdcakit.stages.compare import compare_kpi, segment_changes

    tickets = data.load_tickets(ROOT / "data" / "demo" / "tickets.csv")
    before, after = Windows.around("2026-04-06", weeks_before=6, weeks_after=6).split(tickets)
    settings = CompareSettings.check(kpis=["first_response_time"])
    overall = compare_kpi(before, after, "first_response_time")
    found = segment_changes(before, after, "first_response_time", "channel", settings)
    assert overall.scale == "minutes"
    assert {c.scale for c in found.table.changes} == {"minutes"}
    email = next(c for c in found.table.changes if c.segment == "email")
    assert email.before.value > 120  # hours on its own, minutes beside the whole KPI
    assert " minutes before" in email.sentence and " hours" not in email.sentence
