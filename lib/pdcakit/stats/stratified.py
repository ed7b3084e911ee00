"""A change adjusted for mix: crude versus stratum-standardised difference (Simpson's check).

When the share of tickets per category (or channel, site) moves between the periods, the
crude before/after change mixes the change within each category with the change of the mix.
The adjusted difference weights each stratum's own change by its share of all tickets
(direct standardisation to the pooled mix); its p-value is the Cochran-Mantel-Haenszel test
for proportions (statsmodels ``StratifiedTable``) and a z test of the stratified difference
for means. Strata without at least 2 values on both sides cannot enter the adjusted figure
and are counted in ``left_out``; every stratum counts in the mix's chi-square test.

>>> import numpy as np
>>> before = np.array([1, 1, 0, 1, 0, 0, 1, 1, 0, 1.0])
>>> after = np.array([1, 1, 1, 0, 1, 1, 0, 1, 1, 1.0])
>>> strata = np.array(list("aaaaabbbbb"))
>>> mix = stratified_change(before, strata, after, strata, kind="proportion",
...                         column="channel")
>>> round(mix.crude, 2), round(mix.adjusted, 2), mix.strata_used
(0.2, 0.2, 2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as sps

from pdcakit.results import format_number, format_signed
from pdcakit.stats.parametric import welch_t
from pdcakit.stats.proportions import difference_ci
from pdcakit.stats.result import format_p

__all__ = ["MixCheck", "stratified_change"]


@dataclass(frozen=True)
class MixCheck:
    """Crude versus mix-adjusted change, and whether the mix itself moved."""

    key: str
    column: str
    mix: pd.DataFrame
    mix_pvalue: float
    crude: float
    crude_ci: tuple[float, float]
    adjusted: float
    adjusted_ci: tuple[float, float]
    adjusted_pvalue: float
    method: str
    unit: str
    confidence: float = 0.95
    strata_used: int = 0
    left_out: int = 0

    @property
    def disagree(self) -> bool:
        """Opposite signs, or one significant and the other not (Simpson's paradox)."""
        crude_sig = not (self.crude_ci[0] <= 0 <= self.crude_ci[1])
        adjusted_sig = not (self.adjusted_ci[0] <= 0 <= self.adjusted_ci[1])
        return bool(np.sign(self.crude) != np.sign(self.adjusted) or crude_sig != adjusted_sig)

    def _fmt(self, value: float) -> str:
        return (f"{format_number(100 * value, 1, sign=True)} points" if self.unit == "fraction"
                else f"{format_signed(value, 3)} {self.unit}")

    @property
    def sentence(self) -> str:
        shift = self.mix.loc[self.mix["share change"].abs().idxmax()]
        moved = "shifted" if self.mix_pvalue < 0.05 else "did not shift detectably"
        text = (f"The {self.column} mix {moved} "
                f"between the periods (chi-square {format_p(self.mix_pvalue)}; largest "
                f"move: {shift[self.column]} "
                f"{format_number(100 * shift['share change'], 1, sign=True)} points of "
                f"share). Crude change (all tickets, as in the verdict table) "
                f"{self._fmt(self.crude)} ({self.confidence:.0%} CI "
                f"{self._fmt(self.crude_ci[0])} to {self._fmt(self.crude_ci[1])}); adjusted "
                f"for {self.column} mix ({self.method}: each {self.column}'s own change, "
                f"weighted by its share of all tickets, over the {self.strata_used} values "
                f"with tickets on both sides) {self._fmt(self.adjusted)} "
                f"({self.confidence:.0%} CI {self._fmt(self.adjusted_ci[0])} to "
                f"{self._fmt(self.adjusted_ci[1])}, {format_p(self.adjusted_pvalue)}).")
        if self.left_out:
            text += (f" {self.left_out:,} tickets in {self.column} values seen on one side "
                     "only (or with fewer than 2 tickets on a side) count in the mix test and "
                     "the crude change but cannot enter the adjusted one.")
        if self.disagree:
            text += (" Warning: the crude and mix-adjusted comparisons disagree in direction or "
                     "significance (Simpson's paradox): part of the crude change comes from "
                     "the changed mix, so quote the adjusted figure.")
        else:
            text += (" The crude and adjusted figures agree in direction and significance, so "
                     "the change is not an artefact of the mix.")
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"kpi": self.key, "column": self.column, "mix_pvalue": self.mix_pvalue,
                "crude": self.crude, "crude_ci": list(self.crude_ci),
                "adjusted": self.adjusted, "adjusted_ci": list(self.adjusted_ci),
                "adjusted_pvalue": self.adjusted_pvalue, "method": self.method,
                "disagree": self.disagree, "sentence": self.sentence}


def stratified_change(before: Sequence[float], strata_before: Sequence[Any],
                      after: Sequence[float], strata_after: Sequence[Any], *, kind: str,
                      column: str, key: str = "", unit: str = "fraction",
                      confidence: float = 0.95) -> MixCheck:
    """Crude and ``column``-mix-adjusted change (after - before) of 0/1 values
    (``kind="proportion"``) or numbers (``kind="mean"``), each value with its stratum.

    NaN values are dropped with their stratum.
    """
    if kind not in ("proportion", "mean"):
        raise ValueError(f"kind: {kind!r} is not one of proportion, mean (the mix check "
                         "covers rates and means, not durations)")
    frames = []
    for label, values, strata in (("before", before, strata_before),
                                  ("after", after, strata_after)):
        frames.append(pd.DataFrame({"period": label, "stratum": np.asarray(strata).astype(str),
                                    "value": np.asarray(values, float)}).dropna())
    both = pd.concat(frames)
    stats_by = both.groupby(["stratum", "period"])["value"].agg(["mean", "var", "count", "sum"])
    all_counts = stats_by["count"].unstack("period").reindex(
        columns=["before", "after"]).fillna(0)
    table = stats_by.unstack("period").dropna()
    table = table[(table[("count", "before")] >= 2) & (table[("count", "after")] >= 2)]
    if table.empty:
        raise ValueError(f"no {column} value has tickets in both periods: cannot adjust")
    left_out = int(all_counts.drop(index=table.index).to_numpy().sum())
    counts = table["count"]
    weights = counts.sum(axis=1) / counts.to_numpy().sum()
    means = table["mean"]
    diffs = means["after"] - means["before"]
    adjusted = float((weights * diffs).sum())
    if kind == "proportion":
        var_b = means["before"] * (1 - means["before"]) / counts["before"]
        var_a = means["after"] * (1 - means["after"]) / counts["after"]
    else:
        var_b = table["var"]["before"] / counts["before"]
        var_a = table["var"]["after"] / counts["after"]
    se = float(np.sqrt((weights**2 * (var_a + var_b)).sum()))
    z = sps.norm.isf((1 - confidence) / 2)
    if kind == "proportion":
        from statsmodels.stats.contingency_tables import StratifiedTable

        sums = table["sum"]
        tables = [np.array([[sums.loc[s, p], counts.loc[s, p] - sums.loc[s, p]]
                            for p in ("after", "before")]) for s in table.index]
        pvalue = float(StratifiedTable(tables).test_null_odds(correction=False).pvalue)
        method = "Mantel-Haenszel test, standardized difference"
    else:
        pvalue = float(2 * sps.norm.sf(abs(adjusted / se))) if se > 0 else math.nan
        method = "stratified difference, z test"
    crude_b, crude_a = (f["value"] for f in frames)  # all values, as the verdict table
    crude = float(crude_a.mean() - crude_b.mean())
    if kind == "proportion":
        crude_ci = difference_ci(int(crude_b.sum()), crude_b.size, int(crude_a.sum()),
                                 crude_a.size, confidence=confidence)
    else:
        crude_ci = welch_t(crude_b, crude_a, confidence=confidence).ci
    share_b = all_counts["before"] / all_counts["before"].sum()
    share_a = all_counts["after"] / all_counts["after"].sum()
    mix = pd.DataFrame({column: all_counts.index, "share before": share_b.to_numpy(),
                        "share after": share_a.to_numpy(),
                        "share change": (share_a - share_b).to_numpy(),
                        "before": means["before"].reindex(all_counts.index).to_numpy(),
                        "after": means["after"].reindex(all_counts.index).to_numpy()})
    # every category counts in the mix test, also one that vanished after the change
    mix_p = float(sps.chi2_contingency(all_counts.to_numpy().T)[1])
    return MixCheck(key=key, column=column, mix=mix, mix_pvalue=mix_p, crude=crude,
                    crude_ci=(float(crude_ci[0]), float(crude_ci[1])), adjusted=adjusted,
                    adjusted_ci=(adjusted - z * se, adjusted + z * se), adjusted_pvalue=pvalue,
                    method=method, unit=unit, confidence=confidence,
                    strata_used=len(table), left_out=left_out)
