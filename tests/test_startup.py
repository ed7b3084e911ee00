"""The driving processes skip the optional import that costs ~3 s and is never used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys, warnings
from pdcakit import cli
code = cli.main(["params", "baseline"])        # imports papermill and nbformat
import nbformat
valid = nbformat.read("notebooks/baseline.ipynb", as_version=4)
nbformat.validate(valid)
broken = nbformat.from_dict({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                             "cells": [{"cell_type": "code", "source": "x", "id": "a"}]})
try:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nbformat.validate(broken)
    caught = False
except nbformat.ValidationError:
    caught = True
print(json.dumps({"code": code, "skipped": sys.modules.get("rfc3987_syntax", 0) is None,
                  "lark": "lark" in sys.modules, "caught": caught}))
"""


def test_pdca_skips_rfc3987_syntax_and_still_validates_notebooks():
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["code"] == 0
    assert found["skipped"] and not found["lark"]  # the grammar was never built
    assert found["caught"]  # a notebook missing its outputs is still refused


def test_library_import_alone_changes_nothing():
    done = subprocess.run([sys.executable, "-c",
                           "import sys, pdcakit, pdcakit.run.runner; "
                           "print('rfc3987_syntax' in sys.modules and "
                           "sys.modules['rfc3987_syntax'] is None)"],
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False"


def test_tracker_and_reviewer_pages_load_without_the_statistics_stack():
    # pdca status / report / advance / act name KPIs from pdcakit.kpis and read the
    # runs' results.json: no scipy, pandas or numpy to import (about 2 s on 2 cores)
    probe = ("import sys; from pdcakit import cli, report, tracker, predictions; "
             "print([m for m in ('scipy', 'pandas', 'numpy', 'statsmodels') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_the_catalogue_names_exactly_the_computable_kpis():
    from pdcakit.kpis import KPI_INFO
    from pdcakit.metrics import KPIS

    assert set(KPI_INFO) == set(KPIS)
    for key, spec in KPIS.items():
        info = KPI_INFO[key]
        assert (spec.name, spec.kind, spec.unit, spec.higher_is_better) == \
            (info.name, info.kind, info.unit, info.higher_is_better)
