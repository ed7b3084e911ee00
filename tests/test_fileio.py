"""Atomic writes and checksums (pdcakit.fileio)."""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pytest

from pdcakit import fileio


def test_atomic_write_leaves_no_temp_files(tmp_path):
    target = tmp_path / "sub" / "record.yaml"
    fileio.atomic_write_yaml(target, {"id": "x", "title": "标题"})
    assert target.read_text(encoding="utf-8") == "id: x\ntitle: 标题\n"
    assert [p.name for p in target.parent.iterdir()] == ["record.yaml"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "results.json"
    target.write_text("old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(fileio.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        fileio.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_json_handles_numpy_and_nan(tmp_path):
    target = tmp_path / "r.json"
    fileio.atomic_write_json(target, {"n": np.int64(3), "p": math.nan, "ci": (0.1, 0.2)})
    assert json.loads(target.read_text()) == {"n": 3, "p": None, "ci": [0.1, 0.2]}


def test_sha256_matches_hashlib(tmp_path):
    target = tmp_path / "data.csv"
    target.write_bytes(b"id,created_at\n1,2026-01-01\n" * 1000)
    assert fileio.sha256_file(target) == hashlib.sha256(target.read_bytes()).hexdigest()
