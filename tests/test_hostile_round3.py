"""Nothing lost, round 3 (issue 25), the tracker and command-line half: a refused command
leaves nothing behind, one bad file never blocks the workbook, every failure is a
``pdca:`` line with its documented exit status, gates hold against hand edits, and the
terminal output is safe.

Each case runs in a fresh workbook made by ``pdca init`` and goes through ``cli.main``
as a user's command would; a traceback fails the test. A kernel never starts here:
``run_stage`` is replaced by a function that fails the test if it is reached.
"""

from __future__ import annotations

import errno
import json
import os
import shlex
import stat
from pathlib import Path

import pytest

from pdcakit import cli
from pdcakit.run.project import ProjectPaths
from pdcakit.run.workbooks import init_workbook
from pdcakit.tracker import moves as tracker
from pdcakit.tracker.record import CycleError, edit_record, load_all, read_cycle
from test_results_contract import baseline_results, compare_results, write_run

ROOT = Path(__file__).resolve().parents[1]
DEMO_TICKETS = ROOT / "data" / "demo" / "tickets.csv"


@pytest.fixture()
def workbook(tmp_path, monkeypatch) -> ProjectPaths:
    """A workbook made by ``pdca init``, the commands run inside it."""
    root = init_workbook(tmp_path / "wb").root
    monkeypatch.setenv("PDCA_HOME", str(root))
    monkeypatch.chdir(root)
    return ProjectPaths(root)


@pytest.fixture()
def no_kernel(monkeypatch):
    """Fail the test if a run reaches the kernel (the case must be refused before it)."""
    def refuse(*args, **kwargs):
        raise AssertionError("a kernel was started for a run that should be refused")

    monkeypatch.setattr(cli, "run_stage", refuse)


def pdca(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def records(paths: ProjectPaths) -> list[str]:
    """Every file in pdca/ but the lock files (which hold nothing)."""
    return sorted(p.name for p in paths.records.iterdir() if not p.name.endswith(".lock"))


# --- Check, then write ---------------------------------------------------------------

@pytest.mark.parametrize("cycle_id", ["2026", "yes", "off", "true", "2026-01-05", "0x1f",
                                      "null", "1e3", "0o17", "no"])
def test_ids_yaml_reads_as_another_type_round_trip_as_text(workbook, capsys, cycle_id):
    status, _, err = pdca(capsys, "new", cycle_id, "--title", "Faster email")
    assert status == cli.EXIT_OK, err
    assert read_cycle(workbook, cycle_id).id == cycle_id
    assert pdca(capsys, "list")[0] == cli.EXIT_OK
    status, out, err = pdca(capsys, "status", cycle_id)
    assert status == cli.EXIT_OK and cycle_id in out, err


@pytest.mark.parametrize("cycle_id", ["con", "nul", "aux", "prn", "com1", "lpt1", "lpt9"])
def test_ids_windows_cannot_check_out_are_refused(workbook, capsys, cycle_id):
    status, _, err = pdca(capsys, "new", cycle_id, "--title", "T")
    assert status == cli.EXIT_USAGE and "Windows" in err and err.startswith("pdca: ")
    assert records(workbook) == []


@pytest.mark.parametrize(("option", "value", "said"), [
    ("--title", "", "title"), ("--title", "   ", "title"),
    ("--title", "caf\udce9", "UTF-8"),  # what Python makes of the bytes caf\xe9 in argv
    ("--target", "nan", "target"), ("--target", "inf", "target"),
    ("--target", "1e999", "target"), ("--target", "-inf", "target")])
def test_a_refused_new_leaves_nothing(workbook, capsys, option, value, said):
    args = ["new", "c1", "--title", "T", f"{option}={value}"]
    status, _, err = pdca(capsys, *args)
    assert status == cli.EXIT_USAGE and said in err and err.startswith("pdca: ")
    assert records(workbook) == []
    assert pdca(capsys, "list")[0] == cli.EXIT_OK


def test_next_with_an_id_yaml_retypes_round_trips_and_a_bad_one_leaves_nothing(
        workbook, capsys):
    pdca(capsys, "new", "c1", "--title", "T")
    with edit_record(workbook, "c1") as data:
        data["decision"] = {"decision": "abandon", "date": "2026-05-01", "rationale": "why"}
        data["stage"] = "act"
    assert pdca(capsys, "next", "c1", "2027")[0] == cli.EXIT_OK
    assert read_cycle(workbook, "2027").previous == "c1"
    before = records(workbook)
    status, _, err = pdca(capsys, "next", "c1", "com1")
    assert status == cli.EXIT_USAGE and "Windows" in err
    assert records(workbook) == before


def test_a_note_with_invalid_utf8_is_refused_and_the_record_stays_readable(workbook, capsys):
    pdca(capsys, "new", "c1", "--title", "T")
    before = workbook.record("c1").read_bytes()
    with pytest.raises(CycleError, match="UTF-8"), edit_record(workbook, "c1") as data:
        data["owner"] = "Ren\udce9"
    assert workbook.record("c1").read_bytes() == before


# --- One bad file never blocks the workbook --------------------------------------------

@pytest.mark.parametrize("leftover", [".#c1.yaml", "._c1.yaml", "Copy of c1.yaml",
                                      ".c1.yaml.swp", "c1.yaml~", "C1.yaml"])
def test_editor_and_system_leftovers_are_not_records(workbook, capsys, leftover):
    pdca(capsys, "new", "c1", "--title", "Faster email")
    (workbook.records / leftover).write_bytes(b"\x00\x05Mac OS X lock junk \xff")
    status, out, err = pdca(capsys, "list")
    assert status == cli.EXIT_OK and "Faster email" in out, err
    assert "invalid cycle id" not in err
    assert pdca(capsys, "report")[0] == cli.EXIT_OK


def test_a_folder_named_like_a_record_is_skipped(workbook, capsys):
    pdca(capsys, "new", "c1", "--title", "Faster email")
    (workbook.records / "x.yaml").mkdir()
    status, out, err = pdca(capsys, "list")
    assert status == cli.EXIT_OK and "Faster email" in out
    assert "cannot write" not in err
    status, _, err = pdca(capsys, "status", "x")
    assert status == cli.EXIT_USAGE and "cannot write" not in err and "x.yaml" in err
    assert pdca(capsys, "report")[0] == cli.EXIT_OK


def test_an_unreadable_record_is_named_and_the_others_listed(workbook, capsys):
    pdca(capsys, "new", "c1", "--title", "Faster email")
    pdca(capsys, "new", "c2", "--title", "Shorter calls")
    workbook.record("c1").write_text("id: c1\ntitle: [unclosed\n")
    status, out, err = pdca(capsys, "list")
    assert "Shorter calls" in out and "c1.yaml" in err and "Traceback" not in err
    assert status == cli.EXIT_USAGE  # as the README's CLI reference says
    listed, problems = load_all(workbook)
    assert [r.id for r in listed] == ["c2"] and [p.path.name for p in problems] == ["c1.yaml"]


def test_a_record_saved_in_latin1_is_named_not_a_traceback(workbook, capsys):
    workbook.record("c1").write_bytes("id: c1\ntitle: Caf\xe9 queue\n".encode("latin-1"))
    status, _, err = pdca(capsys, "status", "c1")
    assert status == cli.EXIT_USAGE and "c1.yaml" in err and "UTF-8" in err
    status, _, err = pdca(capsys, "advance", "c1")
    assert status == cli.EXIT_USAGE and "UTF-8" in err


def test_a_record_with_stage_twice_is_refused_alike_by_status_and_advance(workbook, capsys):
    workbook.record("c1").write_text("id: c1\ntitle: T\nstage: plan\nstage: act\n")
    status_said = pdca(capsys, "status", "c1")
    advance_said = pdca(capsys, "advance", "c1")
    assert status_said[0] == advance_said[0] == cli.EXIT_USAGE
    for said in (status_said[2], advance_said[2]):
        assert "stage" in said and "c1.yaml" in said


# --- Every failure is a pdca: line ----------------------------------------------------

def _loop(folder: Path) -> Path:
    a, b = folder / "loop-a", folder / "loop-b"
    a.symlink_to(b)
    b.symlink_to(a)
    return a


def test_symlink_loops_are_pdca_errors(workbook, capsys, tmp_path, monkeypatch, no_kernel):
    loop = _loop(tmp_path)
    said = "loop of symbolic links"
    status, _, err = pdca(capsys, "init", str(loop))
    assert status == cli.EXIT_USAGE and err.startswith("pdca: ") and said in err
    pdca(capsys, "new", "c1", "--title", "T")
    status, _, err = pdca(capsys, "run", "c1", "baseline", "--data", str(loop))
    assert status == cli.EXIT_USAGE and said in err
    status, _, err = pdca(capsys, "check-data", str(loop))
    assert status == cli.EXIT_USAGE and err.startswith("pdca: ")
    monkeypatch.setenv("PDCA_HOME", str(loop))
    status, _, err = pdca(capsys, "list")
    assert status == cli.EXIT_USAGE and "PDCA_HOME" in err and said in err


def test_a_workbook_notebook_that_is_not_json_is_named(workbook, capsys, no_kernel):
    workbook.notebooks.mkdir(exist_ok=True)
    (workbook.notebooks / "baseline.ipynb").write_text("{not json")
    status, _, err = pdca(capsys, "params", "baseline")
    assert status == cli.EXIT_USAGE and "baseline.ipynb" in err
    pdca(capsys, "new", "c1", "--title", "T")
    status, _, err = pdca(capsys, "run", "c1", "baseline", "--data", str(DEMO_TICKETS))
    assert status == cli.EXIT_USAGE and "baseline.ipynb" in err


@pytest.mark.parametrize("content", ["null", "[1, 2]", "\"running\"", "42"])
def test_a_provenance_that_is_not_a_mapping_does_not_stop_status(workbook, capsys, content):
    pdca(capsys, "new", "c1", "--title", "T", "--metric", "fcr")
    run_dir = write_run(workbook, "c1", "baseline", baseline_results())
    (run_dir / "provenance.json").write_text(content)
    status, out, err = pdca(capsys, "status")
    assert status == cli.EXIT_OK and "c1" in out, err
    assert pdca(capsys, "status", "c1")[0] == cli.EXIT_OK


def test_kpis_nested_3000_deep_is_a_parameter_error(workbook, capsys, no_kernel):
    pdca(capsys, "new", "c1", "--title", "T")
    deep = "[" * 3000 + "]" * 3000
    status, _, err = pdca(capsys, "run", "c1", "baseline", "--data", str(DEMO_TICKETS),
                          "-p", "kpis", deep)
    assert status == cli.EXIT_USAGE and "kpis" in err and "deep" in err
    assert len(err) < 2000


def test_a_read_only_runs_folder_is_exit_4_for_run_and_report(workbook, capsys, no_kernel,
                                                              monkeypatch):
    pdca(capsys, "new", "c1", "--title", "T")
    if os.geteuid() == 0:  # root writes anywhere: the folder refuses as it would a user
        from pdcakit.tracker import report

        def refuse(path, text):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(cli.os, "access", lambda path, mode: False)
        monkeypatch.setattr(report, "atomic_write_text", refuse)
    workbook.runs.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        run = pdca(capsys, "run", "c1", "baseline", "--data", str(DEMO_TICKETS))
        report = pdca(capsys, "report")
    finally:
        workbook.runs.chmod(0o755)
    assert run[0] == report[0] == cli.EXIT_CANNOT_WRITE
    assert "runs" in run[2] and "writable" in run[2]


# --- Gates hold against hand edits ----------------------------------------------------

def test_a_record_hand_edited_to_act_cannot_take_a_decision_without_runs(workbook, capsys):
    pdca(capsys, "new", "c1", "--title", "T", "--metric", "fcr")
    text = workbook.record("c1").read_text().replace("stage: plan", "stage: act")
    workbook.record("c1").write_text(text)
    status, _, err = pdca(capsys, "act", "c1", "--decision", "adopt", "--note", "looks fine")
    assert status == cli.EXIT_USAGE and "compare run" in err
    assert read_cycle(workbook, "c1").decision is None


def test_a_record_hand_edited_to_act_cannot_close_without_a_decision(workbook, capsys):
    pdca(capsys, "new", "c1", "--title", "T", "--metric", "fcr")
    text = workbook.record("c1").read_text().replace("stage: plan", "stage: check")
    workbook.record("c1").write_text(text)
    status, out, _ = pdca(capsys, "advance", "c1")
    assert status == cli.EXIT_NOT_READY and "compare run" in out
    workbook.record("c1").write_text(text.replace("stage: check", "stage: act"))
    status, out, _ = pdca(capsys, "advance", "c1")
    assert status == cli.EXIT_NOT_READY and "a decision" in out
    assert read_cycle(workbook, "c1").stage == "act"


# --- Empty exports refused before a kernel starts -------------------------------------

def test_an_export_with_a_header_and_no_rows_is_refused_before_a_kernel(
        workbook, capsys, no_kernel):
    empty = workbook.root / "data" / "empty.csv"
    empty.write_text(DEMO_TICKETS.read_text().splitlines()[0] + "\n")
    pdca(capsys, "new", "c1", "--title", "T")
    status, _, err = pdca(capsys, "run", "c1", "baseline", "--data", str(empty))
    assert status == cli.EXIT_USAGE and "empty.csv" in err and "no rows" in err
    assert not (workbook.runs / "c1").exists()


# --- Terminal output is safe ----------------------------------------------------------

def test_control_characters_in_titles_are_shown_escaped(workbook, capsys):
    title = "Faster \x1b]0;pwned\x07email\x1b[2J\r\x9b"
    pdca(capsys, "new", "c1", "--title", title)
    for command in (["list"], ["status"], ["status", "c1"]):
        status, out, _ = pdca(capsys, *command)
        assert status == cli.EXIT_OK
        assert not any(ch in out for ch in "\x1b\x07\r\x9b"), command
        assert "\\x1b]0;pwned" in out
    status, out, _ = pdca(capsys, "list", "--json")
    assert json.loads(out)[0]["title"] == title  # JSON keeps the text, escaped by JSON


def test_print_command_is_shell_quoted(tmp_path, monkeypatch, capsys):
    root = init_workbook(tmp_path / "my wb; touch PWNED #").root
    monkeypatch.setenv("PDCA_HOME", str(root))
    status, out, _ = pdca(capsys, "lab", "--print-command", "--no-browser")
    assert status == cli.EXIT_OK
    words = shlex.split(out.strip())
    assert f"--ServerApp.root_dir={root}" in words and ";" not in [w for w in words]


def test_ten_thousand_unknown_kpis_give_a_short_error(workbook, capsys, no_kernel):
    pdca(capsys, "new", "c1", "--title", "T")
    names = ", ".join(f"kpi{i}" for i in range(10_000))
    status, _, err = pdca(capsys, "run", "c1", "baseline", "--data", str(DEMO_TICKETS),
                          "-p", "kpis", f"[{names}]")
    assert status == cli.EXIT_USAGE and "10,000 unknown KPIs" in err
    assert len(err) < 4000


def test_init_through_a_dangling_symlink_creates_nothing(tmp_path, capsys):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "missing" / "target")
    status, _, err = pdca(capsys, "init", str(link))
    assert status == cli.EXIT_USAGE and "link" in err and "does not exist" in err
    assert not (tmp_path / "missing").exists()


def test_pdca_home_on_a_regular_file_does_not_suggest_init_on_it(tmp_path, monkeypatch,
                                                                 capsys):
    file = tmp_path / "notes.txt"
    file.write_text("x")
    monkeypatch.setenv("PDCA_HOME", str(file))
    status, _, err = pdca(capsys, "list")
    assert status == cli.EXIT_USAGE and "is a file" in err and f"pdca init {file}" not in err


def test_init_into_a_folder_with_its_own_gitignore_adds_the_entries(tmp_path, capsys):
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / ".gitignore").write_text("*.pyc\n")
    status, out, _ = pdca(capsys, "init", str(folder))
    assert status == cli.EXIT_OK and ".gitignore" in out
    text = (folder / ".gitignore").read_text()
    assert text.startswith("*.pyc\n") and "runs/" in text and "data/*" in text
    assert pdca(capsys, "init", str(folder))[0] == cli.EXIT_OK
    assert (folder / ".gitignore").read_text() == text  # added once


@pytest.mark.parametrize("segment", ["=", "channel=", "=email", "channel"])
def test_a_segment_without_column_and_value_is_refused(workbook, capsys, segment):
    pdca(capsys, "new", "c1", "--title", "T")
    before = workbook.record("c1").read_bytes()
    status, _, err = pdca(capsys, "predict", "c1", "--kpi", "fcr", "--direction", "rise",
                          "--size", "3", "--unit", "points", "--segment", segment)
    assert status == cli.EXIT_USAGE and "COLUMN=VALUE" in err
    assert workbook.record("c1").read_bytes() == before


def test_status_says_periods_in_words(workbook, capsys):
    # issue 23: a compare run's sentence held pandas' repr of a week
    pdca(capsys, "new", "c1", "--title", "T", "--metric", "fcr")
    results = compare_results()
    results["kpis"]["fcr"]["sentence"] = (
        "First contact resolution rose; the after window's first signal is in "
        "Period('2016-03-28/2016-04-03', 'W-SUN').")
    write_run(workbook, "c1", "compare", results)
    status, out, _ = pdca(capsys, "status", "c1")
    assert status == cli.EXIT_OK
    assert "in week of 28 Mar 2016." in out and "Period(" not in out
    said = tracker.readable_periods(
        "FCR rose in Period('2016-03-28/2016-04-03', 'W-SUN') and Period('2016-03', 'M'), "
        "Period('2016-03-29', 'D')")
    assert said == "FCR rose in week of 28 Mar 2016 and Mar 2016, 29 Mar 2016"


def test_a_failed_read_is_never_reported_as_cannot_write(workbook, capsys, monkeypatch):
    def folder(*args, **kwargs):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", "pdca/x.yaml")

    monkeypatch.setattr(tracker, "workbook_status", folder)
    status, _, err = pdca(capsys, "list")
    assert status == cli.EXIT_USAGE and "cannot read pdca/x.yaml" in err
    assert "cannot write" not in err


def test_a_hand_written_id_yaml_retypes_says_how_to_quote_it(workbook, capsys):
    workbook.record("yes").write_text("id: yes\ntitle: T\n")
    workbook.record("2027").write_text("id: 2026\ntitle: T\n")
    err = pdca(capsys, "status", "yes")[2]
    assert "its id True differs" in err and 'id: "yes"' in err
    err = pdca(capsys, "status", "2027")[2]
    assert "its id 2026 differs" in err and "quoted" not in err  # a real mismatch


def test_an_error_naming_user_text_is_shown_escaped(workbook, capsys, no_kernel):
    pdca(capsys, "new", "c1", "--title", "T")
    status, _, err = pdca(capsys, "run", "c1", "baseline", "--data", "exports/\x1b[2Jcases.csv")
    assert status == cli.EXIT_USAGE and "\x1b" not in err and "\\x1b[2Jcases.csv" in err
    assert err.count("\n") > 1  # the list of problems keeps its lines
