"""Atomic writes and checksums (pdcakit.fileio)."""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat

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


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_new_files_follow_the_umask(tmp_path, umask, expected):
    # A team share or a web server reads the pages: a new file gets 0666 less the umask,
    # as open() gives it, not mkstemp's private 0600.
    old = os.umask(umask)
    try:
        target = tmp_path / "page.html"
        fileio.atomic_write_text(target, "<p>hi</p>")
        json_target = tmp_path / "results.json"
        fileio.atomic_write_json(json_target, {"a": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == expected
    assert stat.S_IMODE(json_target.stat().st_mode) == expected


def test_rewriting_a_file_keeps_its_mode(tmp_path):
    target = tmp_path / "record.yaml"
    target.write_text("a: 1\n")
    target.chmod(0o640)
    fileio.atomic_write_text(target, "a: 2\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "a: 2\n"


def test_exclusive_create_under_a_race_gives_one_winner(tmp_path):
    # Many writers creating one record at once: exactly one succeeds, the file is whole
    # and is that writer's; no temporary file is left (repeated 20 times).
    from concurrent.futures import ThreadPoolExecutor

    for trial in range(20):
        target = tmp_path / f"cycle-{trial}.yaml"

        def create(i, target=target):
            try:
                fileio.create_text(target, f"id: writer-{i}\n" + "x" * 10_000)
            except FileExistsError:
                return None
            return i

        with ThreadPoolExecutor(8) as pool:
            winners = [i for i in pool.map(create, range(8)) if i is not None]
        assert len(winners) == 1
        assert target.read_text().startswith(f"id: writer-{winners[0]}\n")
    assert not list(tmp_path.glob(".*.tmp"))
