"""Property tests of the record writer (issue 25): any id or title either round-trips
(the record reads back with the same id and title, and `pdca list` shows it) or is
refused with nothing written.

Ids are drawn from the id alphabet and from words YAML reads as another type (numbers,
booleans, dates, null, hex and octal); titles from all of Unicode, lone surrogates
(bytes that are not UTF-8 on a command line), control characters, line breaks, quotes
and YAML's own syntax included.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pdcakit.errors import PdcaError
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import edit_record, load_all, read_cycle

#: Words YAML 1.1 reads as something other than the text (and a few that look so).
RETYPED = ["2026", "yes", "no", "on", "off", "true", "false", "y", "n", "null", "nan",
           "inf", "2026-01-05", "2026-1-5", "0x1f", "0o17", "017", "1e3", "1-2", "12-30",
           "190-20-30", "1-0", "0b101", "con", "nul", "lpt1", "com9", "aux", "prn"]

ids = st.one_of(st.sampled_from(RETYPED),
                st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True),
                st.text(max_size=12))
titles = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=("Cc", "Cs", "Zl", "Zp", "Zs", "Po", "Sm")),
            max_size=20),
    st.sampled_from(["", " ", "\t", "yes", "2026-01-05", "null", "- a", "a: b", "# x",
                     "'", '"', "\\", "{a: 1}", "[x]", "&a", "*a", "!!python/object", "%TAG",
                     "---", "...", "\ufeffBOM", "line\nbreak", "更快的邮件回复", "\x85",
                     "\u2028", "caf\udce9"]))

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _workbook() -> ProjectPaths:
    root = Path(tempfile.mkdtemp(prefix="pdca-prop-"))
    (root / "pdca").mkdir()
    (root / "runs").mkdir()
    return ProjectPaths(root)


def _files(paths: ProjectPaths) -> list[str]:
    return sorted(p.name for p in paths.records.iterdir() if not p.name.endswith(".lock"))


@SETTINGS
@given(cycle_id=ids, title=titles)
def test_a_new_record_round_trips_or_leaves_nothing(cycle_id, title):
    paths = _workbook()
    try:
        try:
            tracker.new_cycle(paths, cycle_id, title=title)
        except (PdcaError, ValueError):
            assert _files(paths) == []
            return
        record = read_cycle(paths, cycle_id)
        assert (record.id, record.title) == (cycle_id, title)
        listed, problems = load_all(paths)
        assert [r.id for r in listed] == [cycle_id] and problems == []
    finally:
        shutil.rmtree(paths.root)


@SETTINGS
@given(owner=titles, note=titles)
def test_an_edit_round_trips_or_leaves_the_record_as_it_was(owner, note):
    paths = _workbook()
    try:
        tracker.new_cycle(paths, "c1", title="Faster email")
        before = paths.record("c1").read_bytes()
        try:
            with edit_record(paths, "c1") as data:
                data["owner"] = owner
                data["problem"] = note
        except (PdcaError, ValueError):
            assert paths.record("c1").read_bytes() == before
            return
        record = read_cycle(paths, "c1")
        assert (record.owner, record.problem) == (owner, note)
    finally:
        shutil.rmtree(paths.root)
