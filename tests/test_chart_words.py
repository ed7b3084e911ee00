"""Every word a chart writes itself goes through the words layer (issue 26).

Each chart is drawn in ``zh-CN`` with a catalogue that marks every message it is asked for
(‹like this›); whatever a chart shows that is neither marked, nor the caller's own text
(titles, axis labels, category and event names: data), nor numbers and dates, is an English
word the catalogue can never translate, and fails here. Independent of how far the real
catalogue is translated.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text

import pdcakit.words
from pdcakit import plots, unitcharts
from pdcakit.metrics.durations import kaplan_meier
from pdcakit.stages.display import figure_alt, figure_svg

WEEKS = pd.date_range("2026-01-05", periods=26, freq="W-MON")
#: The caller's words and the data's: drawn as given.
GIVEN = ["Caller title", "Caller axis", "Write scripts for the top reasons",
         "demo-helpdesk: change live", "Write", "phone", "电话", "walk-in", "agent 3",
         "Triage", "Fix", "waiting", "value-added", "Category 1", "Category 2", "KPI one",
         "% of tickets", "Week"]


class _Marking:
    """Translations that mark each message they are asked for."""

    def gettext(self, message: str) -> str:
        return f"‹{message}›"

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return f"‹{singular if count == 1 else plural}›"


@pytest.fixture()
def marked(monkeypatch):
    monkeypatch.setattr(pdcakit.words, "translation", lambda language="en": _Marking())


def _texts(fig) -> list[str]:
    """Every non-empty text the figure draws (laid out first, so ticks are labelled)."""
    figure_svg(fig, key="words")
    found = [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]
    for ax in fig.axes:  # tick labels as drawn, formatted for the view
        for axis in (ax.xaxis, ax.yaxis):
            found += [label.get_text() for label in axis.get_ticklabels() if label.get_text()]
    return found


def _english_left(text: str) -> str:
    """What is left of ``text`` once marked messages, given words and numbers are taken
    out: English letters left there came from an unmarked literal."""
    while re.search(r"‹[^‹›]*›", text):
        text = re.sub(r"‹[^‹›]*›", " ", text)
    text = re.sub(r"‹[^‹›]*…$", " ", text)  # a marked message cut short to fit (Pareto bars)
    for given in sorted(GIVEN, key=len, reverse=True):
        text = text.replace(given, " ")
    text = re.sub(r"\b\d+ \w+\b", " ", text)  # an event's tag: its number and first word
    return " ".join(re.findall(r"[A-Za-z]{2,}", text))


def _control_chart():
    values = np.r_[np.full(13, 0.68), np.full(13, 0.73)] + np.linspace(0, 0.01, 26)
    centre = np.r_[np.full(13, 0.683), np.full(13, 0.735)]
    return plots.control_chart(
        WEEKS, values, centre=centre, lcl=centre - 0.03, ucl=centre + 0.03,
        signals=[False] * 25 + [True], target=0.74, title="Caller title", ylabel="Caller axis",
        percent=True, phase_starts=[WEEKS[13]], change=WEEKS[13], carried_centre=0.683,
        sparse=[False] * 25 + [True],
        events=[("2026-03-20", "Write scripts for the top reasons"),
                ("2026-04-06", "demo-helpdesk: change live")], language="zh-CN")


def _duration_chart():
    medians = np.r_[np.full(13, 130.0), np.full(13, 75.0)] * np.linspace(1, 1.2, 26)
    return plots.control_chart(
        WEEKS, medians, centre=np.r_[np.full(13, 128.0), np.full(13, 74.0)], title="Caller title",
        ylabel="Caller axis", scale="hours", share_open=np.r_[np.full(25, 0.01), 0.6],
        log_y=True, unreached=[False] * 25 + [True], change=WEEKS[13], language="zh-CN")


def _survival():
    rng = np.random.default_rng(26)
    km = kaplan_meier(rng.exponential(100, 500), rng.random(500) > 0.4)
    return plots.survival_curve({"phone": (km.times, km.survival)}, title="Caller title",
                                unit="minutes", language="zh-CN")


CHARTS = {
    "control chart": _control_chart,
    "duration chart": _duration_chart,
    "pareto with Other": lambda: plots.pareto_chart(
        [f"Category {k}" for k in range(30)], np.arange(30) + 1.0, title="Caller title",
        language="zh-CN"),
    "survival": _survival,
    "histogram with zeros": lambda: plots.duration_histogram(
        np.r_[np.zeros(20), np.linspace(10, 5000, 200)], median=300.0, p90=3000.0,
        threshold=1440.0, title="Caller title", language="zh-CN"),
    "power": lambda: plots.power_curve(np.linspace(10, 2000, 30), np.linspace(0.05, 0.99, 30),
                                       target_power=0.8, required_n=900, title="Caller title",
                                       language="zh-CN"),
    "forest": lambda: plots.forest_plot(["phone", "电话", "walk-in"], [0.1, -0.2, 0.3],
                                        [0.0, -0.4, 0.1], [0.2, 0.0, 0.5], title="Caller title",
                                        xlabel="Caller axis", significant=[True, False, True],
                                        overall=(0.1, 0.0, 0.2), language="zh-CN"),
    "ecdf": lambda: plots.ecdf_plot({"phone": np.linspace(1, 1000, 300),
                                     "电话": np.linspace(2, 900, 300)},
                                    title="Caller title", xlabel="Caller axis",
                                    unit="minutes", language="zh-CN"),
    "step bars": lambda: plots.step_bars(["Triage", "Fix"], [3, 9], [2, 7],
                                         kinds=["value-added", "waiting"],
                                         title="Caller title", language="zh-CN"),
    "funnel": lambda: unitcharts.funnel_chart(
        [100, 200, 300], [0.7, 0.74, 0.5], ["agent 1", "agent 2", "agent 3"],
        outside=["", "", "below"], target=0.68, curve_sizes=[50, 300],
        curves={0.95: ([0.55, 0.63], [0.8, 0.73]), 0.998: ([0.5, 0.6], [0.85, 0.76])},
        title="Caller title", xlabel="Caller axis", ylabel="Caller axis", language="zh-CN"),
    "event study": lambda: unitcharts.event_study_chart(
        [-2, -1, 0, 1], [0.01, 0.0, 0.05, 0.07], [-0.03, 0.0, 0.01, 0.02],
        [0.05, 0.0, 0.09, 0.12], title="Caller title", xlabel="Caller axis",
        ylabel="Caller axis", language="zh-CN"),
    "kpi panels": lambda: plots.kpi_panels(
        [plots.KpiPanel("KPI one", "% of tickets", WEEKS, np.linspace(0.6, 0.7, 26), change=13,
                        centre=0.61, special=(20, 21), improving=True, target=0.74,
                        percent=True, sparse=[False] * 25 + [True])],
        title="Caller title", events=[("2026-03-20", "Write scripts for the top reasons")],
        language="zh-CN"),
}


@pytest.mark.parametrize("build", CHARTS.values(), ids=CHARTS.keys())
def test_no_english_word_a_chart_writes_itself(marked, build):
    fig = build()
    for phone in (False, True):
        shown = fig if not phone else plots.phone_figure(fig)
        left = {text: _english_left(text) for text in _texts(shown)}
        assert not {text: rest for text, rest in left.items() if rest}, \
            "unmarked words on the " + ("phone" if phone else "desktop") + " chart"


def test_the_check_finds_an_english_literal(marked):
    # a literal written on the chart without the words layer is found
    fig = _control_chart()
    fig.axes[0].text(0.5, 0.5, "Upper limit", transform=fig.axes[0].transAxes)
    assert _english_left("Upper limit") == "Upper limit"
    assert any(_english_left(text) for text in _texts(fig))


def test_alt_text_words_come_from_the_catalogue(marked):
    fig = _control_chart()
    alt = figure_alt(fig, "zh-CN")
    assert alt.startswith("‹Chart: ") and not _english_left(alt)


def test_chinese_dates_on_the_time_axis_and_in_the_legend():
    fig = _control_chart()
    texts = _texts(fig)
    ticks = [label.get_text() for label in fig.axes[0].xaxis.get_ticklabels()]
    assert any(tick.endswith("月") for tick in ticks) and not any(
        re.search(r"[A-Za-z]", tick) for tick in ticks), ticks
    assert any("2026年3月20日" in text for text in texts)  # the event's date, from Babel
    english = _texts(plots.control_chart(
        WEEKS, np.linspace(0.6, 0.7, 26), centre=0.65, title="t", ylabel="y",
        events=[("2026-03-20", "Write scripts")]))
    assert any("20 Mar 2026" in text for text in english)
