"""A change adjusted for mix: crude versus stratum-standardised difference (Simpson's check).

When the share of tickets per category (or channel, site) moves between the periods, the
crude before/after change mixes the change within each category with the change of the mix.
The adjusted difference weights each stratum's own change by its share of all tickets
(direct standardisation to the pooled mix); its p-value is the Cochran-Mantel-Haenszel test
for proportions (statsmodels ``StratifiedTable``) and a z test of the stratified difference
for means. Strata without at least 2 values on both sides cannot enter the adjusted figure
and are counted in ``left_out``; every stratum counts in the mix's chi-square test.

Durations (:func:`stratified_rmst_change`): the estimand is the restricted mean time up
to a horizon (the area under the Kaplan-Meier curve, open cases censored), crude over all
tickets and directly standardised over the strata (each stratum's own RMST change weighted
by its pooled share), with R ``survRM2::rmst2``'s variance per curve and a z test.

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

from pdcakit.results import format_number, format_signed, format_value
from pdcakit.stats.parametric import welch_t
from pdcakit.stats.proportions import difference_ci
from pdcakit.stats.result import format_p
from pdcakit.stats.shape import rmst, rmst_difference
from pdcakit.stats.survival import _clean
from pdcakit.words import N_

__all__ = ["MixCheck", "stratified_change", "stratified_rmst_change"]


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
    estimand: str = ""
    scale: str | None = None
    horizon: float | None = None
    min_per_side: int = 2

    @property
    def disagree(self) -> bool:
        """Opposite signs, or one significant and the other not (Simpson's paradox)."""
        crude_sig = not (self.crude_ci[0] <= 0 <= self.crude_ci[1])
        adjusted_sig = not (self.adjusted_ci[0] <= 0 <= self.adjusted_ci[1])
        return bool(np.sign(self.crude) != np.sign(self.adjusted) or crude_sig != adjusted_sig)

    def _fmt(self, value: float) -> str:
        if self.unit == "fraction":
            return N_("{value} points").format(value=format_number(100 * value, 1, sign=True))
        if self.unit == "minutes":
            words = format_value(value, "minutes", scale=self.scale)
            return words if words.startswith("-") or value == 0 else f"+{words}"
        return f"{format_signed(value, 3)} {self.unit}"

    @property
    def sentence(self) -> str:
        shift = self.mix.loc[self.mix["share change"].abs().idxmax()]
        moved = (N_("The {column} mix shifted between the periods (chi-square {p}; largest "
                    "move: {value} {change} points of share).") if self.mix_pvalue < 0.05 else
                 N_("The {column} mix did not shift detectably between the periods "
                    "(chi-square {p}; largest move: {value} {change} points of share)."))
        level = f"{self.confidence:.0%}"
        parts = [moved.format(
            column=self.column, p=format_p(self.mix_pvalue), value=shift[self.column],
            change=format_number(100 * shift["share change"], 1, sign=True)),
            N_("Crude change{of} (all tickets{as_verdict}) {crude} ({level} CI {low} to "
               "{high}); adjusted for {column} mix ({method}: each {column}'s own change, "
               "weighted by its share of all tickets, over the {strata} values with tickets "
               "on both sides) {adjusted} ({level} CI {adjusted_low} to {adjusted_high}, "
               "{p}).").format(
                of=self._of, as_verdict=self._as_verdict, crude=self._fmt(self.crude),
                level=level, low=self._fmt(self.crude_ci[0]), high=self._fmt(self.crude_ci[1]),
                column=self.column, method=self.method, strata=self.strata_used,
                adjusted=self._fmt(self.adjusted), adjusted_low=self._fmt(self.adjusted_ci[0]),
                adjusted_high=self._fmt(self.adjusted_ci[1]),
                p=format_p(self.adjusted_pvalue))]
        if self.left_out:
            parts.append((N_(
                "{count} tickets in {column} values seen on one side only (or with fewer than "
                "{least} tickets on a side or not followed up to the horizon on both sides) "
                "count in the mix test and the crude change but cannot enter the adjusted "
                "one.") if self.horizon is not None else N_(
                "{count} tickets in {column} values seen on one side only (or with fewer than "
                "{least} tickets on a side) count in the mix test and the crude change but "
                "cannot enter the adjusted one.")).format(
                count=f"{self.left_out:,}", column=self.column, least=self.min_per_side))
        parts.append(N_(
            "Warning: the crude and mix-adjusted comparisons disagree in direction or "
            "significance (Simpson's paradox): part of the crude change comes from the "
            "changed mix, so quote the adjusted figure.") if self.disagree else N_(
            "The crude and adjusted figures agree in direction and significance, so the "
            "change is not an artefact of the mix."))
        return " ".join(parts)

    @property
    def _of(self) -> str:
        return N_(" in the {estimand}").format(estimand=self.estimand) if self.estimand else ""

    @property
    def _as_verdict(self) -> str:
        return "" if self.horizon is not None else N_(", as in the verdict table")

    def as_dict(self) -> dict[str, Any]:
        return {"kpi": self.key, "column": self.column, "mix_pvalue": self.mix_pvalue,
                "estimand": self.estimand or None, "horizon": self.horizon,
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
        method = N_("Mantel-Haenszel test, standardized difference")
    else:
        pvalue = float(2 * sps.norm.sf(abs(adjusted / se))) if se > 0 else math.nan
        method = N_("stratified difference, z test")
    crude_b, crude_a = (f["value"] for f in frames)  # all values, as the verdict table
    crude = float(crude_a.mean() - crude_b.mean())
    if kind == "proportion":
        crude_ci = difference_ci(int(crude_b.sum()), crude_b.size, int(crude_a.sum()),
                                 crude_a.size, confidence=confidence)
    else:
        crude_ci = welch_t(crude_b, crude_a, confidence=confidence).ci
    mix, mix_p = _mix_shares(all_counts, means["before"], means["after"], column)
    return MixCheck(key=key, column=column, mix=mix, mix_pvalue=mix_p, crude=crude,
                    crude_ci=(float(crude_ci[0]), float(crude_ci[1])), adjusted=adjusted,
                    adjusted_ci=(adjusted - z * se, adjusted + z * se), adjusted_pvalue=pvalue,
                    method=method, unit=unit, confidence=confidence,
                    strata_used=len(table), left_out=left_out)


def _mix_shares(all_counts: pd.DataFrame, before: pd.Series, after: pd.Series,
                column: str) -> tuple[pd.DataFrame, float]:
    """Each stratum's share before and after with its values, and the mix's chi-square p
    (every stratum counts, also one that vanished after the change)."""
    share_b = all_counts["before"] / all_counts["before"].sum()
    share_a = all_counts["after"] / all_counts["after"].sum()
    mix = pd.DataFrame({column: all_counts.index, "share before": share_b.to_numpy(),
                        "share after": share_a.to_numpy(),
                        "share change": (share_a - share_b).to_numpy(),
                        "before": before.reindex(all_counts.index).to_numpy(),
                        "after": after.reindex(all_counts.index).to_numpy()})
    return mix, float(sps.chi2_contingency(all_counts.to_numpy().T)[1])


def _followed_to(minutes: np.ndarray, observed: np.ndarray) -> float:
    """How far a Kaplan-Meier curve is defined: its last time, or for ever once it reaches
    0 (the last case finished)."""
    last = float(minutes.max())
    finished_last = bool(observed[minutes == last].any()) and not bool(
        (~observed[minutes == last]).any())
    return math.inf if finished_last else last


def stratified_rmst_change(before_minutes: Sequence[float], before_observed: Sequence[bool],
                           strata_before: Sequence[Any], after_minutes: Sequence[float],
                           after_observed: Sequence[bool], strata_after: Sequence[Any], *,
                           column: str, key: str = "", horizon: float | None = None,
                           min_per_side: int = 10, confidence: float = 0.95,
                           scale: str | None = None) -> MixCheck:
    """Crude and ``column``-mix-adjusted change (after - before) of a duration's restricted
    mean time up to ``horizon`` (RMST, the area under the Kaplan-Meier curve; open cases
    censored: ``observed`` False).

    The adjusted change is directly standardised: ``sum_k w_k (RMST_after,k -
    RMST_before,k)`` with ``w_k`` stratum ``k``'s share of the pooled tickets of the strata
    that enter, its variance ``sum_k w_k^2 (se_after,k^2 + se_before,k^2)`` (each ``se``
    survRM2's, :func:`pdcakit.stats.shape.rmst`) and a two-sided z test. A stratum enters
    with at least ``min_per_side`` tickets on each side whose curves both reach the horizon
    (a curve whose last case finished reaches every horizon). The horizon, when not given,
    is the largest every entering curve reaches (at most the shorter last follow-up of the
    two periods, the verdict's default); the crude change is taken at the same horizon.
    ``scale`` ("minutes", "hours", "days") is the unit the sentence reads in.

    >>> minutes = [5, 10, 20, 40, 80, 160] * 4
    >>> done = [True, True, True, True, True, False] * 4
    >>> strata = ["a"] * 12 + ["b"] * 12
    >>> mix = stratified_rmst_change(minutes, done, strata, minutes, done, strata,
    ...                              column="category", min_per_side=5, horizon=100)
    >>> mix.crude, mix.adjusted, mix.strata_used, mix.estimand
    (0.0, 0.0, 2, 'mean time up to 100.0 minutes')
    """
    parts = []
    for label, minutes, observed, strata in (
            ("before", before_minutes, before_observed, strata_before),
            ("after", after_minutes, after_observed, strata_after)):
        t, o = _clean(minutes, observed, label)
        raw, labels = np.asarray(minutes, float), np.asarray(strata).astype(str)
        if labels.shape != raw.shape:
            raise ValueError(f"{column}: {labels.size} values for {raw.size} {label} "
                             f"durations: give one {column} value per ticket")
        kept = labels[np.isfinite(raw) & (raw >= 0)]  # the rows _clean keeps
        parts.append(pd.DataFrame({"period": label, "stratum": kept, "t": t, "o": o}))
    both = pd.concat(parts)
    all_counts = both.groupby(["stratum", "period"]).size().unstack("period").reindex(
        columns=["before", "after"]).fillna(0)
    groups = {name: (g["t"].to_numpy(float), g["o"].to_numpy(bool))
              for name, g in both.groupby(["stratum", "period"])}
    big = [s for s in all_counts.index
           if min(all_counts.loc[s, "before"], all_counts.loc[s, "after"]) >= min_per_side]
    reach = {s: min(_followed_to(*groups[(s, "before")]), _followed_to(*groups[(s, "after")]))
             for s in big}
    crude_reach = min(float(parts[0]["t"].max()), float(parts[1]["t"].max()))
    tau = min([crude_reach, *reach.values()]) if horizon is None else float(horizon)
    entering = [s for s in big if reach[s] >= tau]
    if not entering or not tau > 0:
        raise ValueError(f"no {column} value has {min_per_side} or more tickets on both sides "
                         "followed up to a common horizon: cannot adjust the duration for "
                         f"the {column} mix")
    table = pd.DataFrame(
        [(s, *rmst(*groups[(s, "before")], tau), *rmst(*groups[(s, "after")], tau))
         for s in entering],
        columns=["stratum", "rmst_b", "se_b", "rmst_a", "se_a"]).set_index("stratum")
    counts = all_counts.loc[entering]
    weights = counts.sum(axis=1) / counts.to_numpy().sum()
    adjusted = float((weights * (table["rmst_a"] - table["rmst_b"])).sum())
    se = float(np.sqrt((weights**2 * (table["se_a"] ** 2 + table["se_b"] ** 2)).sum()))
    z = float(sps.norm.isf((1 - confidence) / 2))
    pvalue = float(2 * sps.norm.sf(abs(adjusted) / se)) if se > 0 else math.nan
    crude = rmst_difference(parts[0]["t"], parts[0]["o"], parts[1]["t"], parts[1]["o"],
                            horizon=tau, confidence=confidence)
    mix, mix_p = _mix_shares(all_counts, table["rmst_b"], table["rmst_a"], column)
    words = format_value(tau, "minutes", scale=scale)
    return MixCheck(key=key, column=column, mix=mix, mix_pvalue=mix_p,
                    crude=float(crude.difference),
                    crude_ci=(float(crude.ci[0]), float(crude.ci[1])), adjusted=adjusted,
                    adjusted_ci=(adjusted - z * se, adjusted + z * se),
                    adjusted_pvalue=pvalue, method=N_("direct standardisation, z test"),
                    unit="minutes", confidence=confidence, strata_used=len(entering),
                    left_out=int(all_counts.drop(index=entering).to_numpy().sum()),
                    estimand=N_("mean time up to {horizon}").format(horizon=words),
                    scale=scale, horizon=tau,
                    min_per_side=min_per_side)
