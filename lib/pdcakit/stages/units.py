"""Fair comparison of agents, teams and sites: a funnel plot per KPI.

A raw table of each agent's FCR ranks noise: an agent with 20 tickets can sit at 50% by
chance alone. The funnel (:mod:`pdcakit.stats.funnel`) draws each unit against its
number of tickets with the limits chance allows at that size (95% and 99.8%), widened
when units differ more than chance (overdispersion); case mix (channel, category) can
be taken out by indirect standardisation. The page names the units outside the limits,
says the others cannot be told apart, names units too thin to judge, and never ranks
units by their raw values.

Computation (:func:`unit_report`) and words (:func:`funnel_sentences`,
:func:`outside_table`, :func:`funnel_figure`) are apart; the baseline page
(:mod:`pdcakit.stages.baseline_page`) shows them. Aggregate first: the rows are reduced
to counts, sums and sums of squares per unit and stratum (:func:`kpi_cells`), and the
funnel works from those.

>>> import pandas as pd
>>> resolved = {"A": 29, "B": 30, "C": 31, "D": 28, "E": 30, "F": 32, "G": 29, "H": 12}
>>> rows = [(a, i < k) for a, k in resolved.items() for i in range(40)] + [("I", True)] * 5
>>> tickets = pd.DataFrame(rows, columns=["agent", "first_contact_resolved"])
>>> found = unit_funnel(tickets, "fcr", "agent")
>>> [(u.unit, u.outside, u.level) for u in found.funnel.units if u.outside], found.thin
([('H', 'below', 0.998)], (('I', 5),))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pdcakit.kpis import KPI_INFO, KpiInfo
from pdcakit.results import format_level, format_value
from pdcakit.stats.funnel import (
    Funnel,
    funnel_estimates,
    funnel_means,
    funnel_proportions,
    funnel_standardised_proportions,
)
from pdcakit.words import N_, words

__all__ = ["COMPOSITE", "COMPOSITE_PARTS", "MIN_TICKETS", "UNIT_KPIS", "UnitFunnel",
           "UnitsReport", "aggregate_unit_report", "composite_funnel", "funnel_figure",
           "funnel_from_cells", "funnel_sentences", "kpi_cells", "outside_table",
           "unit_funnel", "unit_report"]

#: The KPIs compared by unit unless the notebook says otherwise.
UNIT_KPIS = ("fcr", "aht", "csat", "complaint_rate")

#: Fewest tickets (answers, for CSAT) a unit needs to be placed on a funnel.
MIN_TICKETS = 30

#: Most units a funnel draws (an id column by mistake would draw thousands of points).
MAX_UNITS = 500

_COMPARABLE = ("proportion", "mean")

#: The composite's parts per unit unless the page says: satisfaction, efficiency and
#: compliance (4.2(3)), each a share measured on the unit's own tickets.
COMPOSITE_PARTS = ("csat", "sla_first_response", "fcr")

#: The composite per unit in the catalogue's terms (a weighted sum of shares).
COMPOSITE = KpiInfo("composite", N_("Composite performance score"), "estimate", "fraction",
                    True)

_SIDE = {"above": N_("above"), "below": N_("below")}


def kpi_cells(tickets: pd.DataFrame, key: str, by: Sequence[str], **params: Any
              ) -> pd.DataFrame:
    """Per group of ``by`` (columns of ``tickets``): ``n`` (tickets where KPI ``key``
    counts), ``total`` (sum of their values: successes for a share) and ``total_sq``
    (sum of squares), from the KPI's own per-ticket definition
    (:meth:`pdcakit.metrics.registry.KpiSpec.values`). Blank group values form the group
    ``"(blank)"``; groups with no counted ticket are left out.

    >>> t = pd.DataFrame({"agent": ["A", "A", "B"], "handle_minutes": [4.0, 6.0, None]})
    >>> kpi_cells(t, "aht", ["agent"]).to_dict("records")
    [{'agent': 'A', 'n': 2, 'total': 10.0, 'total_sq': 52.0}]
    """
    from pdcakit.metrics.registry import KPIS

    values = KPIS[key].values(tickets, **params)
    frame = tickets[list(by)].astype(object).where(tickets[list(by)].notna(), "(blank)")
    frame = frame.astype(str).assign(value=values.to_numpy(float))
    frame = frame[np.isfinite(frame["value"])]
    frame["value_sq"] = frame["value"] ** 2
    cells = frame.groupby(list(by), sort=True, observed=True).agg(
        n=("value", "size"), total=("value", "sum"), total_sq=("value_sq", "sum"))
    return cells.reset_index()


@dataclass(frozen=True)
class UnitFunnel:
    """One KPI's funnel by unit: ``funnel`` (None when fewer than 2 units have enough
    tickets: ``reason`` says why), ``thin`` (unit, tickets) below ``min_tickets``,
    ``blank`` tickets without a unit, ``case_mix`` the columns standardised for."""

    key: str
    column: str
    funnel: Funnel | None
    thin: tuple[tuple[str, int], ...] = ()
    blank: int = 0
    case_mix: tuple[str, ...] = ()
    min_tickets: int = MIN_TICKETS
    reason: str = ""
    #: Counted tickets of each placed unit (a case-mix funnel's size is its effective count).
    counts: dict[str, int] = field(default_factory=dict)
    #: The composite's words (the KPI catalogue's for a KPI) and its formula.
    about: KpiInfo | None = None
    formula: str = ""
    parts: tuple[tuple[str, float], ...] = ()

    @property
    def info(self) -> KpiInfo:
        return self.about if self.about is not None else KPI_INFO[self.key]

    def as_dict(self) -> dict[str, Any]:
        """The results.json entry (``docs/results.md``, "units")."""
        f = self.funnel
        record: dict[str, Any] = {
            "kpi": self.key, "name": self.info.name, "unit": self.info.unit,
            "higher_is_better": self.info.higher_is_better, "by": self.column,
            "case_mix": list(self.case_mix), "min_tickets": self.min_tickets,
            "thin": [{"unit": u, "n": n} for u, n in self.thin], "blank": self.blank,
            "counts": dict(self.counts),
            "reason": self.reason or None}
        if f is not None:
            record.update({
                "kind": f.kind, "estimand": _estimand(self), "target": f.target,
                "levels": list(f.levels), "adjusted": f.adjusted,
                "phi": f.dispersion.phi, "tau2": f.dispersion.tau2,
                "dispersion_p": f.dispersion.pvalue, "trim": f.dispersion.trim,
                "method": f.method, "units": [u.as_dict() for u in f.units],
                "outside": [{"unit": u.unit, "side": u.outside, "level": u.level}
                            for u in _listed(f)]})
        return record


@dataclass(frozen=True)
class UnitsReport:
    """Every KPI's funnel by ``column``, and each KPI it could not compare with why."""

    column: str
    funnels: tuple[UnitFunnel, ...] = ()
    skipped: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"by": self.column, "kpis": {f.key: f.as_dict() for f in self.funnels},
                "skipped": dict(self.skipped)}


def _estimand(found: UnitFunnel) -> str:
    if found.formula:
        return found.formula
    kind = "share" if found.info.kind == "proportion" else "mean"
    return f"{kind}, indirectly standardised for {', '.join(found.case_mix)}" if (
        found.case_mix) else kind


def _listed(funnel: Funnel) -> list[Any]:
    """The units outside, grouped by side then by name: never ranked by value."""
    return sorted((u for u in funnel.units if u.outside), key=lambda u: (u.outside, u.unit))


def unit_funnel(tickets: pd.DataFrame, key: str, column: str, *,
                case_mix: Sequence[str] = (), min_tickets: int = MIN_TICKETS,
                **params: Any) -> UnitFunnel:
    """KPI ``key``'s funnel by ``column`` (agent, team, site), standardised for
    ``case_mix`` (indirectly: each unit's expected value from the overall value of each
    stratum it serves). Units with fewer than ``min_tickets`` counted tickets are listed
    in ``thin``, not placed."""
    kind = KPI_INFO[key].kind
    if kind not in _COMPARABLE:
        return _censored(key, column)
    cells = kpi_cells(tickets.loc[tickets[column].notna()], key, [column, *case_mix],
                      **params)
    return funnel_from_cells(cells, key, column, blank=int(tickets[column].isna().sum()),
                             case_mix=case_mix, min_tickets=min_tickets)


def _censored(key: str, column: str) -> UnitFunnel:
    kind = KPI_INFO[key].kind
    return UnitFunnel(key, column, None, reason=(
        f"a {kind} KPI: open tickets make its per-{column} figures censored; compare a "
        "share or a mean (e.g. aht)"))


def funnel_from_cells(cells: pd.DataFrame, key: str, column: str, *, blank: int = 0,
                      case_mix: Sequence[str] = (), min_tickets: int = MIN_TICKETS
                      ) -> UnitFunnel:
    """KPI ``key``'s funnel from its cells (:func:`kpi_cells`' columns: ``column``, the
    ``case_mix`` columns, ``n``, ``total``, ``total_sq``), however they were counted (from
    rows, or by a query engine: :meth:`pdcakit.aggregate.TicketAggregates.segment_moments`).

    >>> cells = pd.DataFrame({"agent": list("ABC"), "n": [40, 40, 40],
    ...                       "total": [30, 29, 12], "total_sq": [30, 29, 12]})
    >>> found = funnel_from_cells(cells, "fcr", "agent")
    >>> round(found.funnel.target, 4), found.counts
    (0.5917, {'A': 40, 'B': 40, 'C': 40})
    """
    kind = KPI_INFO[key].kind
    if kind not in _COMPARABLE:
        return _censored(key, column)
    per_unit = cells.groupby(column, sort=True)[["n", "total", "total_sq"]].sum()
    thin = tuple((str(u), int(n)) for u, n in per_unit["n"].items() if n < min_tickets)
    kept = per_unit[per_unit["n"] >= min_tickets]
    common = {"thin": thin, "blank": blank, "case_mix": tuple(case_mix),
              "min_tickets": min_tickets,
              "counts": {str(u): int(c) for u, c in kept["n"].items()}}
    if len(kept) < 2:
        return UnitFunnel(key, column, None, reason=(
            f"needs at least 2 values of {column} with {min_tickets} or more tickets; "
            f"{len(kept)} have"), **common)
    names = [str(u) for u in kept.index]
    n = kept["n"].to_numpy(float)
    total = kept["total"].to_numpy(float)
    if kind == "proportion" and not case_mix:
        funnel = funnel_proportions(total, n, names)
    elif kind == "proportion":
        expected, variance = _expected(cells[cells[column].isin(kept.index)], column,
                                       case_mix)
        funnel = funnel_standardised_proportions(
            total, expected.reindex(kept.index).to_numpy(float),
            variance.reindex(kept.index).to_numpy(float), names,
            share=float(total.sum() / n.sum()))
    else:
        mean = total / n
        var = (kept["total_sq"].to_numpy(float) - n * mean ** 2) / (n - 1)
        expected = (None if not case_mix else _expected(
            cells[cells[column].isin(kept.index)], column, case_mix)[0])
        funnel = funnel_means(mean, n, np.sqrt(np.maximum(var, 0)), names,
                              expected=None if expected is None else
                              expected.reindex(kept.index).to_numpy(float) / n)
    return UnitFunnel(key, column, funnel, **common)


def _expected(cells: pd.DataFrame, column: str, case_mix: Sequence[str]
              ) -> tuple[pd.Series, pd.Series]:
    """Each unit's expected total (indirect standardisation: its tickets in each stratum
    times the stratum's overall mean, a share for a yes/no KPI, summed) and, for a share,
    its binomial variance (tickets times ``p_s (1 - p_s)``, summed)."""
    strata = cells.groupby(list(case_mix))[["n", "total"]].transform("sum")
    rate = strata["total"] / strata["n"]
    by_unit = cells[column]
    return ((cells["n"] * rate).groupby(by_unit).sum(),
            (cells["n"] * rate * (1 - rate)).groupby(by_unit).sum())


def composite_funnel(tickets: pd.DataFrame, column: str, *,
                     parts: Sequence[str] = COMPOSITE_PARTS,
                     weights: Sequence[float] = (0.5, 0.3, 0.2),
                     min_tickets: int = MIN_TICKETS, **params: Any) -> UnitFunnel:
    """The composite score a·satisfaction + b·efficiency + c·compliance (4.2(3),
    :func:`pdcakit.metrics.method.composite_score`) per unit, each part a share of
    ``parts`` measured on the unit's own tickets, with its interval: the delta method
    over the parts' means, their covariances included (a ticket may count in several
    parts): ``Cov(mean_j, mean_k) = sum over tickets in both (x_j - m_j)(x_k - m_k) /
    (n_j n_k)``, from per-unit sums (aggregates). A unit is thin when any part has fewer
    than ``min_tickets`` tickets."""
    from pdcakit.metrics.method import composite_score
    from pdcakit.metrics.registry import KPIS

    if len(parts) != 3 or any(KPI_INFO[p].kind != "proportion" for p in parts):
        raise ValueError(f"composite_parts: give three share KPIs (satisfaction, efficiency, "
                         f"compliance), e.g. {list(COMPOSITE_PARTS)}; got {list(parts)}")
    keep = tickets[column].notna()
    x = pd.DataFrame({p: KPIS[p].values(tickets.loc[keep], **params).to_numpy(float)
                      for p in parts}, index=tickets.index[keep])
    unit = tickets.loc[keep, column].astype(str)
    sums = {}
    for j in parts:
        for k in parts:
            both = x[j].notna() & x[k].notna()
            frame = pd.DataFrame({"n": both.astype(float), "sj": x[j].where(both, 0),
                                  "sk": x[k].where(both, 0),
                                  "sjk": (x[j] * x[k]).where(both, 0)})
            sums[j, k] = frame.groupby(unit).sum()
    n = pd.DataFrame({p: sums[p, p]["n"] for p in parts})
    means = pd.DataFrame({p: sums[p, p]["sj"] for p in parts}) / n
    formula = (f"{weights[0]:g} x {parts[0]} + {weights[1]:g} x {parts[1]} + "
               f"{weights[2]:g} x {parts[2]}")
    common = {"blank": int((~keep).sum()), "min_tickets": min_tickets, "about": COMPOSITE,
              "formula": formula,
              "parts": tuple((p, float(wt)) for p, wt in zip(parts, weights, strict=True))}
    smallest = n.min(axis=1)
    thin = tuple((u, int(c)) for u, c in smallest.items() if c < min_tickets)
    placed = [u for u, c in smallest.items() if c >= min_tickets]
    if len(placed) < 2:
        return UnitFunnel("composite", column, None, thin=thin, reason=(
            f"needs at least 2 values of {column} with {min_tickets} or more tickets in each "
            f"part ({', '.join(parts)}); {len(placed)} have"), **common)
    w = np.asarray(weights, dtype=float)
    values, ses = [], []
    # the sums as arrays, one row per unit (a pandas lookup per unit and pair cost more
    # than the arithmetic); the same operations in the same order, so the same numbers
    units = means.index
    table = {pair: frame.reindex(units)[["n", "sj", "sk", "sjk"]].to_numpy(float)
             for pair, frame in sums.items()}
    mean_of, n_of = means[list(parts)].to_numpy(float), n[list(parts)].to_numpy(float)
    for u in placed:
        i = units.get_loc(u)
        cov = np.empty((3, 3))
        for a, j in enumerate(parts):
            for b, k in enumerate(parts):
                count, sj, sk, sjk = table[j, k][i]
                mj, mk = mean_of[i, a], mean_of[i, b]
                cross = sjk - mk * sj - mj * sk + count * mj * mk
                cov[a, b] = cross / (n_of[i, a] * n_of[i, b])
        values.append(composite_score(*mean_of[i], weights=weights))
        ses.append(float(np.sqrt(max(w @ cov @ w, 0.0))))
    overall = composite_score(*(float(np.nanmean(x[p])) for p in parts), weights=weights)
    funnel = funnel_estimates(values, ses, placed, target=overall,
                              counts=[smallest[u] for u in placed])
    return UnitFunnel("composite", column, funnel, thin=thin,
                      counts={u: int(smallest[u]) for u in placed}, **common)


def unit_report(tickets: pd.DataFrame, column: str, kpis: Sequence[str], *,
                case_mix: Sequence[str] = (), min_tickets: int = MIN_TICKETS,
                composite_parts: Sequence[str] = (),
                composite_weights: Sequence[float] = (0.5, 0.3, 0.2),
                **params: Any) -> UnitsReport:
    """The funnel of each of ``kpis`` the export supports, by ``column``, then the
    composite's (:func:`composite_funnel`) when ``composite_parts`` are given and their
    columns present; each other KPI with its reason (a missing column, a duration, too
    few units with enough tickets).
    ValueError naming the fix when ``column`` or a ``case_mix`` column is absent, or
    ``column`` has more than :data:`MAX_UNITS` values."""
    from pdcakit.metrics._checks import kpi_frame

    tickets = kpi_frame(tickets)  # without the load report pandas copies at every step
    missing = [c for c in (column, *case_mix) if c not in tickets or tickets[c].isna().all()]
    if missing:
        raise ValueError(f"unit comparison: the tickets have no data in the column "
                         f"{', '.join(missing)} (map it under columns: in the mapping, or "
                         "give another unit_column / case_mix)")
    _check_units(column, int(tickets[column].nunique()))
    funnels, skipped = _kpi_funnels(
        kpis, lambda c: c in tickets and tickets[c].notna().any(),
        lambda key: unit_funnel(tickets, key, column, case_mix=case_mix,
                                min_tickets=min_tickets, **params))
    if composite_parts:
        absent = sorted({c for p in composite_parts if p in KPI_INFO
                         for c in KPI_INFO[p].columns
                         if c not in tickets or tickets[c].isna().all()})
        if absent:
            skipped["composite"] = (f"needs the column {', '.join(absent)} (map it under "
                                    "columns: in the mapping)")
        else:
            found = composite_funnel(tickets, column, parts=composite_parts,
                                     weights=composite_weights, min_tickets=min_tickets,
                                     **params)
            if found.funnel is None:
                skipped["composite"] = found.reason
            funnels.append(found)
    return UnitsReport(column=column, funnels=tuple(funnels), skipped=skipped)


def _check_units(column: str, count: int) -> None:
    if count > MAX_UNITS:
        raise ValueError(f"unit comparison: {column} has {count:,} distinct values; a "
                         f"funnel compares at most {MAX_UNITS} units: give a unit_column "
                         "such as agent, team or site")


def _kpi_funnels(kpis: Sequence[str], has: Any, funnel_of: Any
                 ) -> tuple[list[UnitFunnel], dict[str, str]]:
    """Each KPI's funnel (``funnel_of(key)``), or why not: a column ``has`` says is
    empty, or too few units with enough tickets."""
    funnels, skipped = [], {}
    for key in kpis:
        if key not in KPI_INFO:
            raise ValueError(f"unit_kpis: {key!r} is not a KPI key (e.g. fcr, aht, csat)")
        absent = [c for c in KPI_INFO[key].columns if not has(c)]
        if absent and KPI_INFO[key].kind in _COMPARABLE:
            skipped[key] = (f"needs the column {', '.join(absent)} (map it under columns: "
                            "in the mapping)")
            continue
        found = funnel_of(key)
        if found.funnel is None:
            skipped[key] = found.reason
        funnels.append(found)
    return funnels, skipped


def aggregate_unit_report(aggregates: Any, column: str, kpis: Sequence[str], *,
                          present: Any, count: int, min_tickets: int = MIN_TICKETS
                          ) -> UnitsReport:
    """:func:`unit_report` from a query engine's aggregates by ``column``
    (:class:`pdcakit.aggregate.TicketAggregates` built with ``segment=column``): each KPI's
    funnel from its per-unit counts and sums
    (:meth:`~pdcakit.aggregate.TicketAggregates.segment_moments`), the units' raw figures
    (no case mix: that needs each unit's tickets per stratum), no composite.
    ``present``: the columns holding a value; ``count``: ``column``'s distinct values."""
    _check_units(column, count)
    blank = aggregates.unsegmented_tickets()

    def funnel_of(key: str) -> UnitFunnel:
        if KPI_INFO[key].kind not in _COMPARABLE:
            return _censored(key, column)
        cells = aggregates.segment_moments(key).rename(columns={"segment": column})
        return funnel_from_cells(cells, key, column, blank=blank, min_tickets=min_tickets)

    funnels, skipped = _kpi_funnels(kpis, lambda c: c in present, funnel_of)
    return UnitsReport(column=column, funnels=tuple(funnels), skipped=skipped)


# ---------------------------------------------------------------- words and charts


def _value(found: UnitFunnel, value: float) -> str:
    return format_value(value, found.info.unit, 1)


def funnel_sentences(found: UnitFunnel, language: str = "en") -> tuple[str, ...]:
    """What the page says about one funnel: the limits used, who is outside (named in
    the table), that the others cannot be told apart, and the thin units (only those
    when no funnel could be drawn: the page's skipped line gives the reason)."""
    w = words(language)
    name, col = w._(found.info.name), w.column(found.column)
    f = found.funnel
    lines = []
    if f is not None:
        n_out = len(_listed(f))
        rest = len(f.units) - n_out
        mix = (w._(" after taking out the mix of {columns}",
                   columns=", ".join(w.column(c) for c in found.case_mix))
               if found.case_mix else "")
        lines.append(w._(
            "**{name} by {column}{mix}:** {n} with at least {min} tickets each, overall "
            "{target}.", name=name, column=col, mix=mix, n=len(f.units),
            min=found.min_tickets, target=_value(found, f.target)))
        if found.parts:
            lines.append(w._(
                "Each {column}'s composite is {formula}, each part a share of the "
                "{column}'s own tickets; its interval counts that one ticket can weigh in "
                "several parts.", column=col, formula=" + ".join(
                    f"{w.number(weight, 2)} × {w._(KPI_INFO[key].name)}"
                    for key, weight in found.parts)))
        if f.adjusted:
            lines.append(w._(
                "The {column}s differ more than chance alone allows (their spread is {phi} "
                "times what chance gives), so the limits are widened by the spread between "
                "them (DerSimonian-Laird, z-scores winsorised at 10% and 90%): a {column} "
                "outside them stands out from the ordinary spread.", column=col,
                phi=w.number(f.dispersion.phi, 2)))
        if n_out:
            lines.append(w.ngettext(
                "{count} {column} is outside the 95% limits (table below).",
                "{count} {column}s are outside the 95% limits (table below).", n_out,
                column=col))
            if any(u.level != max(f.levels) for u in _listed(f)):
                lines.append(w._(
                    "Chance alone puts about 1 {column} in 20 outside the 95% limits (here "
                    "about {expected} of {n}) and about 1 in 500 outside the 99.8% limits: "
                    "one outside only the 95% limits is a reason to look, not a finding.",
                    column=col, expected=w.number(0.05 * len(f.units), 1),
                    n=len(f.units)))
        lines.append(w.ngettext(
            "The other {count} {column} cannot be told apart: its difference from the "
            "overall figure is within what chance allows for its number of tickets.",
            "The other {count} {column}s cannot be told apart: their differences are "
            "within what chance allows for their numbers of tickets, so no order among "
            "them is shown.", rest, column=col) if rest else
            w._("No {column} is within the limits.", column=col))
    if found.thin:
        lines.append(w.ngettext(
            "Too few tickets to judge ({count} {column} under {min}): {names}.",
            "Too few tickets to judge ({count} {column}s under {min}): {names}.",
            len(found.thin), column=col, min=found.min_tickets,
            names=", ".join(f"{u} ({n})" for u, n in found.thin)))
    if found.blank:
        lines.append(w._("{count} tickets have no {column} and are left out.",
                         count=f"{found.blank:,}", column=col))
    return tuple(lines)


def outside_table(found: UnitFunnel, language: str = "en") -> pd.DataFrame | None:
    """The units outside the limits: side (better or worse), the widest limit crossed,
    the value with its 95% interval and the tickets; grouped by side, then by name.
    None when no unit is outside."""
    f = found.funnel
    if f is None or not _listed(f):
        return None
    w = words(language)
    better = "above" if found.info.higher_is_better else "below"
    header = {"proportion": w._("Share"), "mean": w._("Mean")}.get(
        found.info.kind, w._(found.info.name))
    if found.case_mix:
        header = w._("{estimand}, standardised for {columns}", estimand=header,
                     columns=", ".join(w.column(c) for c in found.case_mix))
    rows = []
    for u in _listed(f):
        quality = w._("better") if u.outside == better else w._("worse")
        rows.append({
            w.column(found.column).capitalize(): u.unit,
            w._("Where"): w._("{side} the {level} limit ({quality})", side=w._(
                _SIDE[u.outside]), level=format_level(u.level), quality=quality),
            header: _value(found, u.value),
            w._("95% CI"): f"{_value(found, u.ci[0])} {w._('to')} {_value(found, u.ci[1])}",
            (w._("Tickets (its smallest part)") if found.parts else w._("Tickets")):
                f"{found.counts[u.unit]:,}",
        })
    return pd.DataFrame(rows)


def funnel_figure(found: UnitFunnel, language: str = "en") -> Any:
    """The funnel chart (:func:`pdcakit.unitcharts.funnel_chart`) with its words."""
    from pdcakit.unitcharts import funnel_chart

    f = found.funnel
    if f is None:
        return None
    w = words(language)
    sizes = np.array([u.size for u in f.units])
    grid = np.linspace(max(min(sizes.min() * 0.8, found.min_tickets), 1.0),
                       sizes.max() * 1.05, 200)
    curves = {lv: f.limits_at(grid, lv) for lv in f.levels}
    if found.info.unit == "fraction":  # a share's limits stay within 0% to 100%
        curves = {lv: (np.clip(low, 0, 1), np.clip(high, 0, 1))
                  for lv, (low, high) in curves.items()}
    name, col = w._(found.info.name), w.column(found.column)
    ratio = f.kind == "standardised proportion"
    return funnel_chart(
        sizes, [u.value for u in f.units], [u.unit for u in f.units],
        outside=[u.outside for u in f.units], target=f.target, curve_sizes=grid,
        curves=curves, percent=found.info.unit == "fraction",
        title=w._("{name} by {column}: funnel plot", name=name, column=col),
        xlabel=(w._("Tickets (effective, for the unit's mix of {columns})",
                   columns=", ".join(w.column(c) for c in found.case_mix))
                if ratio else w._("Tickets (effective: as precise as this many)")
                if found.parts else w._("Tickets")),
        ylabel=name + ("" if found.info.unit in ("fraction", "", "score", "points")
                       else f" ({w.unit(found.info.unit)})"),
        labels={"target": w._("Overall"), "inside": w._("Within the limits"),
                "outside": w._("Outside the 95% limits"),
                "limit 0.95": w._("95% limits") + (w._(" (widened)") if f.adjusted else ""),
                "limit 0.998": w._("99.8% limits") + (w._(" (widened)") if f.adjusted else "")},
        language=w.language)
