"""pdcakit.spc on real data: NHS England A&E 4-hour breaches.

Data: NHS England A&E attendances and emergency admissions (Statistical Work
Areas, Open Government Licence v3.0), tidied as NHSRdatasets::ae_attendances (CC0);
kept in tests/data/ae_attendances.csv (see tests/data/README.md).
One provider (org_code RF4), type 1 departments, April 2016 - March 2019:
36 months with about 15,000-22,000 attendances each.

The expected values are the textbook formulas (Montgomery; NIST 6.3.3.2;
Laney 2002) recomputed here independently of the library.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pdcakit import spc

AE_CSV = Path(__file__).resolve().parent / "data" / "ae_attendances.csv"


@pytest.fixture(scope="module")
def rf4():
    assert AE_CSV.is_file(), f"real A&E data missing: {AE_CSV} (see tests/data/README.md)"
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(AE_CSV, dtype={"org_code": str, "type": str})
    one = df[(df["org_code"] == "RF4") & (df["type"] == "1")].sort_values("period")
    return (
        one["breaches"].to_numpy(dtype=float),
        one["attendances"].to_numpy(dtype=float),
        one["period"].to_numpy(),
    )


def test_p_chart_limits_follow_the_textbook_formula(rf4) -> None:
    breaches, attendances, period = rf4
    assert len(period) == 36
    assert period[0] == "2016-04-01" and period[-1] == "2019-03-01"
    r = spc.p_chart(breaches, attendances)
    pbar = breaches.sum() / attendances.sum()
    half = 3 * np.sqrt(pbar * (1 - pbar) / attendances)
    assert r.lcl.shape == r.ucl.shape == (36,)
    assert abs(r.centre - pbar) < 1e-12
    assert np.all(np.abs(r.lcl - (pbar - half)) < 1e-12)
    assert np.all(np.abs(r.ucl - (pbar + half)) < 1e-12)
    assert np.all(r.lcl < r.centre) and np.all(r.centre < r.ucl)
    assert np.all(np.abs(r.values - breaches / attendances) < 1e-12)
    # ~20,000 attendances a month: binomial limits ±0.9 percentage points
    # around 21.5%, so most months fall outside (overdispersion)
    assert r.signals.sum() > 18
    assert "laney=True" in r.sentence
    json.dumps(r.as_dict(), allow_nan=False)


def test_laney_p_prime_widens_the_limits(rf4) -> None:
    breaches, attendances, _ = rf4
    p = spc.p_chart(breaches, attendances)
    pp = spc.p_chart(breaches, attendances, laney=True)
    pbar = breaches.sum() / attendances.sum()
    s = np.sqrt(pbar * (1 - pbar) / attendances)
    z = (breaches / attendances - pbar) / s
    sigma_z = np.abs(np.diff(z)).mean() / 1.128  # Laney (2002)
    assert pp.centre == p.centre
    assert abs(pp.sigma_z - sigma_z) < 1e-12
    assert pp.sigma_z > 1
    assert np.all(np.abs(pp.ucl - np.minimum(pbar + 3 * s * sigma_z, 1)) < 1e-12)
    assert np.all(np.abs(pp.lcl - np.maximum(pbar - 3 * s * sigma_z, 0)) < 1e-12)
    assert np.all(pp.ucl - pp.lcl > p.ucl - p.lcl)  # wider every month
    assert pp.signals.sum() < p.signals.sum()
    assert "Laney p'" in pp.sentence


def test_run_chart_gives_an_anhoej_verdict(rf4) -> None:
    breaches, attendances, _ = rf4
    r = spc.run_chart(breaches / attendances)
    assert isinstance(r.signal, bool)
    assert r.n_obs == 36
    assert (r.longest_run_max, r.n_crossings_min) == spc.anhoej_limits(r.n_useful)
    # counted independently in R 4.x on the same rows: y <- breaches / attendances;
    # s <- sign(y - median(y)); s <- s[s != 0]; rle(s): 36 useful points, longest run 9,
    # 6 crossings; Anhoej limits round(log2(36) + 3) = 8 and qbinom(0.05, 35, 0.5) = 13
    assert (r.n_useful, r.longest_run, r.n_crossings) == (36, 9, 6)
    assert (r.longest_run_max, r.n_crossings_min) == (8, 13)
    assert r.runs_signal and r.crossings_signal and r.signal
    assert r.sentence.startswith("Signal of non-random variation")  # not "No signal of"


def test_phases_by_financial_year(rf4) -> None:
    breaches, attendances, period = rf4
    fy = np.where(period < "2017-04-01", "2016/17", np.where(period < "2018-04-01", "2017/18",
                                                              "2018/19"))  # fmt: skip
    r = spc.p_chart(breaches, attendances, part=fy, laney=True)
    assert [p.label for p in r.phases] == ["2016/17", "2017/18", "2018/19"]
    for ph in r.phases:
        sl = slice(ph.start, ph.stop)
        assert ph.stop - ph.start == 12
        assert abs(ph.centre - breaches[sl].sum() / attendances[sl].sum()) < 1e-12
