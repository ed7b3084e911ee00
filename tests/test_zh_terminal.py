"""What a zh-CN run says outside its page (issue 26): the progress lines ``pdca run`` writes
on the terminal, and the skipped-section lines and reasons a stage's ledger words.

The progress lines name every ``##`` section of the three stage notebooks (their jupytext
sources, as a run executes them) by the heading the zh-CN page shows; a skipped line and
the reasons the ledger gives itself are Chinese but for the column and parameter names a
user types. Each check names what is left in English, so it fails when a heading or a
reason loses its translation.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import jupytext
import pandas as pd
import pytest

from pdcakit.run.runner import _progress
from pdcakit.stages.sections import Sections, section_name, skip_line, skipped_summary

ROOT = Path(__file__).resolve().parents[1]
#: Latin words a zh-CN line may keep: names a user types (columns, parameters, KPI keys),
#: the method's abbreviations and the proper names of methods.
TYPED = re.compile(r"(?<![A-Za-z])(?:[^\s（]+\.csv|[a-z]+(?:_[a-z]+)+|[a-z]+_path|kpis|fcr|"
                   r"aht|csat|nps|D|KPI|CSI|TPS|TDS|SLA|FCR|AHT|ROI|FTE|Simpson|Pareto|"
                   r"channel|site|agent|team)(?![A-Za-z])")


def _english(text: str) -> list[str]:
    """Runs of Latin words left once the typed names and abbreviations are taken out."""
    return re.findall(r"[A-Za-z]{2,}(?:[\s,:/-]+[A-Za-z]{2,})*", TYPED.sub(" ", text))


def _progress_lines(stage: str, language: str) -> list[str]:
    nb = jupytext.read(ROOT / "notebooks" / f"{stage}.py")
    progress = _progress(stage, {"language": language})
    out = io.StringIO()
    progress.stream, progress.after_seconds, progress.clock = out, 0.0, lambda: 0.0
    progress.start(nb.cells)
    for index in range(len(nb.cells)):
        progress.cell_started(index)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("stage", ["baseline", "compare", "efficiency"])
def test_progress_lines_name_each_section_in_chinese(stage):
    lines = _progress_lines(stage, "zh-CN")
    english = _progress_lines(stage, "en")
    assert len(lines) == len(english) >= 5, lines
    assert all(re.match(r"^\S+：第 \d+/\d+ 节 .+ ……$", line) for line in lines), lines
    left = {line: _english(line) for line in lines if _english(line)}
    assert not left, f"English left in the progress lines of {stage}: {left}"
    assert english[0].startswith(f"{stage}: section 1/")


def test_an_unknown_language_keeps_english_progress():
    assert _progress_lines("efficiency", "fr") == _progress_lines("efficiency", "en")


@pytest.fixture
def ledger():
    """A zh-CN ledger of an export with an id, dates and no optional column."""
    tickets = pd.DataFrame({"id": ["T1", "T1", "T2"],  # several rows per case
                            "created_at": pd.to_datetime(["2026-01-05", "2026-01-05",
                                                          "2026-01-06"]),
                            "resolved_at": pd.to_datetime([None, None, "2026-01-07"]),
                            "渠道": ["电话", "电话", "在线"]})
    return Sections.of(tickets, show=False, language="zh-CN")


class TestSkippedLines:
    def test_a_missing_column_is_said_in_chinese(self, ledger):
        assert ledger.kpis(["fcr", "time_to_resolve", "csat"]) == ("time_to_resolve",)
        assert ledger.skipped["fcr"] == ("需要 first_contact_resolved 列"
                                         "（在映射文件的 columns: 下映射）")
        line = skip_line("fcr", ledger.skipped["fcr"], language="zh-CN")
        assert line.startswith("已跳过：**首次解决率**：需要 ") and line.endswith("。")
        assert not _english(line.replace("columns:", "")), line

    def test_every_reason_the_ledger_words_itself_is_chinese(self, ledger, tmp_path):
        ledger.runs("sla_first_response", "created_at", "first_response_at")
        ledger.headline("aht", [])
        ledger.table("surveys_path", "", "surveys", key="csi")
        empty = tmp_path / "调查.csv"
        empty.write_text("respondent_id,date,score\nR1,2025-01-01,4\nR2,2025-01-02,5\n",
                         encoding="utf-8")
        ledger.table("surveys_path", str(empty), "surveys", key="csi_window",
                     window=("2026-01-05", "2026-04-06"))
        reasons = dict(ledger.skipped)
        assert reasons["csi"] == "已关闭：给出 surveys_path（调查数据表）即可启用"
        assert reasons["csi_window"].startswith("调查.csv（surveys_path）没有日期在时间窗")
        assert reasons["stability"].startswith("核心 KPI aht 需要 handle_minutes 列")
        left = {key: _english(why.replace("columns:", "")) for key, why in reasons.items()
                if _english(why.replace("columns:", ""))}
        assert not left, left

    def test_the_summary_names_parts_in_chinese(self):
        names = ["automation_share", "time_view.aht", "mix.fcr", "csi", "units"]
        line = skipped_summary(names, "zh-CN")
        assert line.startswith("本次导出数据跳过：自动化占比、时间视图：平均处理时长、")
        assert not _english(line), line
        assert section_name("time_view.aht") == "Time view: Average handle time"

    def test_many_values_in_a_segment_column(self):
        frame = pd.DataFrame({"id": [f"T{i}" for i in range(60)],
                              "created_at": pd.to_datetime(["2026-01-05"] * 60),
                              "site": [f"网点{i}" for i in range(60)]})
        ledger = Sections.of(frame, show=False, language="zh-CN")
        assert not ledger.segments(frame, "site")
        assert ledger.skipped["segments"].startswith(
            "site 有 60 个不同取值；细分群体适用于少数几组")
