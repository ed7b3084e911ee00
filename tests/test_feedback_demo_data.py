"""The demo registers (data/generate_registers.py): seeded, committed byte for byte, with
the injected shift the pages should find (issue 28)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location("generate_registers",
                                                  ROOT / "data" / "generate_registers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_files_regenerate_byte_for_byte(tmp_path):
    for path in _module().write_registers(tmp_path):
        assert path.read_bytes() == (ROOT / "data" / "demo" / path.name).read_bytes(), path


def test_the_injected_shift_and_the_mix_of_languages():
    module = _module()
    feedback = module.generate_feedback()
    after = pd.to_datetime(feedback["received_at"]) >= module.CHANGE
    # the team's own classes (right 92% of the time) show the shift of response speed
    given = feedback["class"].where(feedback["class"] != "")
    speed = given == "响应速度"
    before_share = speed[~after & given.notna()].mean()
    after_share = speed[after & given.notna()].mean()
    assert 0.28 < before_share < 0.42 and 0.12 < after_share < 0.24
    chinese = feedback["text"].str.contains(r"[\u4e00-\u9fff]")
    assert 0.5 < chinese.mean() < 0.7
    complaints = module.generate_complaints()
    assert (complaints["closed_at"] == "").sum() >= 2          # open cases
    assert (complaints["repeat_of"] != "").mean() > 0.05
