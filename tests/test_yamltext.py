"""Hand-written YAML read within bounds: no alias bombs, no oversized text."""

from __future__ import annotations

import time

import pytest

from pdcakit.run.params import coerce_value
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker.record import CycleError, load_record
from pdcakit.yamltext import MAX_BYTES, DuplicateKeyError, load_bounded

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


# -- issue 25: a key written twice is an error naming both lines --------------------------

@pytest.mark.parametrize("text, key, lines", [
    ("id: c1\nstage: plan\ntitle: x\nstage: act\n", "stage", "on line 2 and on line 4"),
    ("columns:\n  created_at: Opened\n  id: No\n  created_at: Closed\n", "created_at",
     "on line 2 and on line 4"),
    ("kpis: {fcr: 0.7, fcr: 0.8}", "fcr", "on line 1"),
])
def test_a_key_written_twice_is_refused_naming_both_lines(text, key, lines):
    with pytest.raises(DuplicateKeyError) as e:
        load_bounded(text, "pdca/c1.yaml")
    assert f"the key {key!r} is written twice, {lines}" in str(e.value)
    assert str(e.value).startswith("pdca/c1.yaml: ")
    assert isinstance(e.value, ValueError)      # callers that catch ValueError still do


def test_keys_that_differ_are_fine_and_libyaml_is_still_used():
    assert load_bounded("a: 1\nb: {a: 2}\nc: [{a: 1}, {a: 2}]", "x") == {
        "a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}


def test_a_record_with_stage_twice_is_refused_by_every_reader(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pdca").mkdir()
    (tmp_path / "pdca" / "c1.yaml").write_text(
        "id: c1\ntitle: Faster replies\nstage: plan\nstage: act\n", encoding="utf-8")
    with pytest.raises(CycleError, match=r"'stage' is written twice, on line 3 and on line 4"):
        load_record(ProjectPaths(tmp_path), "c1")


def test_a_p_value_with_a_key_twice_is_refused():
    # run/params.py words the refusal (not owned here); it names the key once it shows
    # DuplicateKeyError's text as it shows the alias refusal's
    with pytest.raises(ValueError, match="expects dict"):
        coerce_value("targets", "{fcr: 0.7, fcr: 0.8}", "dict")
