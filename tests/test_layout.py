"""The package laid out in wings (docs/layout.md): every old module path still imports, as
the same module object where it moved whole, and with a warning that names the new home;
every module the layout doc lists exists, and every module has a line in it."""

from __future__ import annotations

import importlib
import pkgutil
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import pdcakit
from pdcakit.moved import MOVED

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_module_path_imports_and_warns_with_the_new_one(old):
    code = (f"import warnings; warnings.simplefilter('error', DeprecationWarning)\n"
            f"try:\n    import {old}\nexcept DeprecationWarning as w:\n    print(w)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert f"{old} moved to {MOVED[old][0]}" in out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        module = importlib.import_module(old)
    if len(MOVED[old]) == 1:
        assert module is importlib.import_module(MOVED[old][0])


def test_a_split_module_finds_each_name_in_its_new_home():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from pdcakit.check import CompareSettings, MixCheck, Windows, compare_kpi, explore
        from pdcakit.check import phase_view as old_phase_view
    from pdcakit.stages.timeview import phase_view

    assert old_phase_view is phase_view
    assert Windows.__module__ == "pdcakit.stages.windows"
    assert CompareSettings.__module__ == "pdcakit.stages.windows"
    assert MixCheck.__module__ == "pdcakit.stats.stratified"
    assert compare_kpi.__module__ == "pdcakit.stages.compare"
    assert explore.__module__ == "pdcakit.stages.explore"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        check = importlib.import_module("pdcakit.check")
    with pytest.raises(AttributeError, match=r"moved to pdcakit\.stages\.compare"):
        check.no_such_name  # noqa: B018


def test_the_tracker_package_still_answers_the_old_tracker_names():
    from pdcakit import tracker
    from pdcakit.tracker import moves

    assert tracker.advance is moves.advance
    with pytest.raises(AttributeError, match="no attribute"):
        tracker.no_such_move  # noqa: B018


def _modules() -> set[str]:
    return {name for _, name, _ in pkgutil.walk_packages(pdcakit.__path__, "pdcakit.")}


def test_the_layout_doc_lists_every_module_and_only_real_ones():
    doc = (ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (?:\*\*)?`(pdcakit(?:\.\w+)*)`(?:\*\*)? \|", doc, flags=re.M))
    modules = _modules() | {"pdcakit"}
    assert listed - modules == set(), "the layout doc names modules that do not exist"
    assert modules - listed == set(), "modules without a line in docs/layout.md"


def test_no_module_imports_a_private_name_of_another_wing():
    # one home for each decision: a helper two wings share is public in its home
    bad = []
    for path in (ROOT / "lib" / "pdcakit").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"^\s*from pdcakit\.(\w+)(?:\.\w+)* import ([^\n(]*)", text,
                                 flags=re.M):
            wing = path.relative_to(ROOT / "lib" / "pdcakit").parts[0].removesuffix(".py")
            private = [n for n in re.findall(r"\b_\w+", match.group(2)) if n != "__version__"]
            if private and match.group(1) != wing:
                bad.append(f"{path.name}: {match.group(0).strip()}")
    assert bad == []
