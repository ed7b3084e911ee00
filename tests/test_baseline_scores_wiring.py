"""Baseline section 8 wired to the issue-27 parts: standards with a rule measured on the
baseline's tickets (pdcakit.stages.standards), a wide survey export read through its
scored mapping, and the method's 30-minute first-response standard as the default."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest

from pdcakit.stages import baseline_page
from pdcakit.stages.baseline import BaselineSettings
from pdcakit.stages.baseline_page import (
    PageLedger,
    scorecard_section,
    scores_section,
    sla_section,
)

SNAPSHOT = pd.Timestamp("2026-04-06")


def _tickets(n: int = 240, seed: int = 27) -> pd.DataFrame:
    """Baseline tickets as the loader leaves them: date-and-time creation, a first response
    for most (minutes skewed), none for some (long overdue at the export), CSAT on a third,
    FCR flags; Chinese categories."""
    rng = np.random.default_rng(seed)
    created = pd.Timestamp("2026-01-05 08:00") + pd.to_timedelta(
        rng.integers(0, 60 * 24 * 80, n), unit="min")
    minutes = rng.lognormal(3.0, 0.9, n)
    first = created + pd.to_timedelta(minutes, unit="min")
    first = first.where(rng.random(n) > 0.1)  # a tenth never answered: open, overdue
    csat = pd.Series(rng.integers(1, 6, n), dtype="float").where(rng.random(n) < 0.35)
    frame = pd.DataFrame({
        "id": [f"T{i:05d}" for i in range(n)], "created_at": created,
        "first_response_at": first, "csat": csat,
        "first_contact_resolved": rng.random(n) < 0.7,
        "category": rng.choice(["账户", "网络", "打印机"], n)})
    frame.attrs["snapshot"] = SNAPSHOT
    return frame


def _section(tmp_path, tickets, standards, **extra):
    path = tmp_path / "standards.csv"
    standards.to_csv(path, index=False)
    ledger = PageLedger.of(tickets)
    settings = BaselineSettings.check(kpis=["csat", "fcr"], headline_kpi="", period="W",
                                      target_value=None)
    card = scorecard_section(tickets, ledger, settings)
    sla = sla_section(tickets, ledger)
    return ledger, scores_section(ledger, settings, card, sla, standards_path=str(path),
                                  tickets=tickets, **extra)


def test_typed_in_standards_give_the_method_example(tmp_path):
    # the source text's example (4.2): 20% x 95% + 30% x 88% + 50% x 92% = 91.4%
    standards = pd.DataFrame({"standard": ["Response within 30 minutes",
                                           "One-time resolution", "Score >= 4.5"],
                              "weight": [0.2, 0.3, 0.5], "conformance": [0.95, 0.88, 0.92]})
    _, found = _section(tmp_path, _tickets(), standards)
    assert found.estimates["standards"].value == pytest.approx(0.914)
    assert found.estimates["standards"].ci is None


def test_rules_are_measured_on_the_baseline_tickets(tmp_path):
    tickets = _tickets()
    standards = pd.DataFrame({
        "standard": ["Response within 30 minutes", "One-time resolution", "满意度 >= 4.5"],
        "weight": [0.2, 0.3, 0.5],
        "rule": ["first_response_minutes <= 30", "first_contact_resolved", None],
        "conformance": [None, None, 0.92]})
    _, found = _section(tmp_path, tickets, standards)
    # counted by hand: answered within 30 minutes, or not answered (overdue: a miss)
    waited = (tickets["first_response_at"] - tickets["created_at"]).dt.total_seconds() / 60
    response = float((waited <= 30).sum()) / len(tickets)
    one_time = float(tickets["first_contact_resolved"].mean())
    weighted = found.estimates["standards"]
    assert weighted.value == pytest.approx(0.2 * response + 0.3 * one_time + 0.5 * 0.92)
    low, high = weighted.ci
    assert low < weighted.value < high
    assert weighted.extra == {"measured": 2, "typed_in": 1}
    assert found.record["scores"]["standards"]["source"].startswith("standards.csv")


def test_a_rule_the_tickets_cannot_answer_is_a_line_naming_file_column_and_fix(tmp_path):
    tickets = _tickets().drop(columns="first_contact_resolved")
    standards = pd.DataFrame({"standard": ["Response within 30 minutes", "One-time resolution"],
                              "weight": [0.4, 0.6],
                              "rule": ["first_response_minutes <= 30", "first_contact_resolved"],
                              "conformance": [None, None]})
    ledger, found = _section(tmp_path, tickets, standards)
    assert "standards" not in found.estimates
    line = ledger.skipped["standards"]
    assert line.startswith("standards.csv: ")
    assert "needs the column first_contact_resolved" in line
    assert "type the conformance in" in line


def test_a_wide_survey_export_is_read_through_its_scored_mapping(tmp_path):
    answers = ["Very satisfied", "Satisfied", "Neutral", "Don't know", "Dissatisfied",
               "Satisfied", "Very satisfied", ""]
    export = pd.DataFrame({
        "Response ID": [f"S-{i:03d}" for i in range(8)],
        "Submitted": [f"{5 + 10 * i:02d}/01/2026" if i < 3 else f"{i:02d}/02/2026"
                      for i in range(8)],
        "Office": ["Leeds", "Glasgow"] * 4,
        "How satisfied are you with how the problem was solved?": answers})
    survey = tmp_path / "survey_export.csv"
    export.to_csv(survey, index=False)
    mapping = tmp_path / "my_survey.yaml"
    mapping.write_text(
        "table: surveys\ncolumns: {respondent_id: Response ID, date: Submitted, site: Office}\n"
        "date_format: '%d/%m/%Y'\nscales:\n  satisfaction:\n    range: [1, 5]\n"
        "    better: higher\n    answers: {Very dissatisfied: 1, Dissatisfied: 2, Neutral: 3,"
        " Satisfied: 4, Very satisfied: 5}\n    not_scored: [Don't know]\nquestions:\n"
        "  How satisfied are you with how the problem was solved?:\n"
        "    {question: resolution, dimension: resolution, scale: satisfaction}\n",
        encoding="utf-8")
    tickets = _tickets()
    ledger = PageLedger.of(tickets)
    settings = BaselineSettings.check(kpis=["csat"], headline_kpi="", period="W",
                                      target_value=None)
    found = scores_section(ledger, settings, scorecard_section(tickets, ledger, settings),
                           sla_section(tickets, ledger), surveys_path=str(survey),
                           mappings={"surveys_mapping": str(mapping)},
                           window=("2026-01-05", "2026-02-06"))
    # dated inside the window: 05/01, 15/01, 25/01, 03/02, 04/02, 05/02 (06/02 and 07/02
    # fall after it); "Don't know" is never scored: 5, 4, 3, 2, 4 -> 5 questionnaires
    csi = found.estimates["csi"]
    assert csi.n == 5
    assert csi.value == pytest.approx(3.6)
    assert ledger.inputs["surveys_path"].endswith("survey_export.csv")
    assert ledger.inputs["surveys_mapping"].endswith("my_survey.yaml")  # hashed by the runner


def test_the_first_response_standard_defaults_to_the_methods_30_minutes():
    for function in (baseline_page.scorecard_section, baseline_page.sla_section,
                     baseline_page.segments_section, baseline_page.units_section):
        default = inspect.signature(function).parameters["sla_first_response_minutes"].default
        assert default == 30.0, function.__name__
