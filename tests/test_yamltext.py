"""Hand-written YAML read within bounds: no alias bombs, no oversized text."""

from __future__ import annotations

import time

import pytest

from pdcakit.run.params import coerce_value
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker.record import CycleError, load_record
from pdcakit.yamltext import MAX_BYTES, load_bounded

# Nine levels of nine aliases: 9**9 strings if expanded (the "billion laughs").
BOMB = "\n".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]) + "\n"


def test_alias_bomb_is_refused_at_once():
    started = time.perf_counter()
    with pytest.raises(ValueError, match="anchors and aliases"):
        load_bounded(BOMB, "maps/evil.yaml")
    assert time.perf_counter() - started < 1.0  # refused, not expanded (generous bound)


def test_a_record_with_an_alias_bomb_title_is_an_error_not_a_hang(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pdca").mkdir()
    (tmp_path / "pdca" / "evil.yaml").write_text(
        "id: evil\n" + BOMB + "title: *l8\n", encoding="utf-8")
    with pytest.raises(CycleError, match=r"evil\.yaml: YAML anchors and aliases"):
        load_record(ProjectPaths(tmp_path), "evil")


def test_oversized_yaml_is_refused():
    with pytest.raises(ValueError, match="more than the"):
        load_bounded("a: '" + "x" * MAX_BYTES + "'", "pdca/big.yaml")


def test_asterisks_and_ampersands_in_text_are_fine():
    assert load_bounded('note: "5 * 3 & more"\nname: R&D', "x") == {
        "note": "5 * 3 & more", "name": "R&D"}
    assert coerce_value("kpis", "[fcr, aht]", "list") == ["fcr", "aht"]
    with pytest.raises(ValueError, match="aliases"):
        coerce_value("kpis", BOMB, "list")
