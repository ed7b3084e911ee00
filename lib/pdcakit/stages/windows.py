"""The Check stage's windows and settings: which tickets are "before" and "after", the
compare notebook's parameters after checking (every problem listed at once), and the family
of KPIs the Check adjusts over (:func:`check_family`: the baseline's sample-size plan and
the compare stage read it from the same parameters).

>>> windows = Windows.around("2026-04-06", weeks_before=13, weeks_after=13)
>>> windows.describe()
'before: 2026-01-05 to 2026-04-05; after: 2026-04-06 to 2026-07-05'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from pdcakit import metrics, stats
from pdcakit.data.slicing import between
from pdcakit.kpis import is_score_kpi
from pdcakit.periods import PERIODS
from pdcakit.stages.settings import check_kpi_keys, fraction_problem
from pdcakit.words import check_language

__all__ = ["CHECK_KPIS", "MULTIPLICITY", "CheckFamily", "CompareSettings", "Windows",
           "check_family"]

MULTIPLICITY = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no"}

#: The compare notebook's default ``kpis`` (notebooks/compare.py; a test keeps them equal):
#: the family the Check adjusts over when the cycle record does not name one.
CHECK_KPIS = ("fcr", "first_response_time", "time_to_resolve", "aht", "csat", "csat_mean",
              "nps", "complaint_rate", "reopen_rate")


@dataclass(frozen=True)
class CheckFamily:
    """The KPIs the Check stage tests (those of its ``kpis`` the export supports), its
    multiplicity adjustment and the level the adjustment's first step uses: the level a
    sample-size plan and a detectable change are computed at.

    >>> family = check_family(["fcr", "aht"], multiplicity="holm", alpha=0.05)
    >>> family.size, family.level
    (2, 0.025)
    >>> family.words
    "Holm's first step over the 2 KPIs the Check tests: level 0.025"
    """

    kpis: tuple[str, ...]
    multiplicity: str = "holm"
    alpha: float = 0.05

    @property
    def size(self) -> int:
        """KPIs in the family (at least 1: a Check of one KPI is not adjusted)."""
        return max(len(self.kpis), 1)

    @property
    def level(self) -> float:
        """The level of the first (smallest) p-value: ``alpha / size`` for Holm and
        Bonferroni, the same for Benjamini-Hochberg's first step, ``alpha`` without one."""
        method = "holm" if self.multiplicity == "bh" else self.multiplicity
        return stats.family_alpha(self.alpha, self.size, method)

    @property
    def words(self) -> str:
        """The level in words a reviewer reads, naming the family."""
        kpis = f"{self.size} KPIs" if self.size != 1 else "1 KPI"
        if self.multiplicity == "none" or self.size == 1:
            return f"no adjustment over the {kpis} the Check tests: level {self.level:.2g}"
        step = {"holm": "Holm's first step",
                "bh": "Benjamini-Hochberg's first step (the same as Holm's)"}.get(
                    self.multiplicity, f"{MULTIPLICITY.get(self.multiplicity, '')} first step")
        return f"{step} over the {kpis} the Check tests: level {self.level:.2g}"

    def as_dict(self) -> dict[str, Any]:
        return {"kpis": list(self.kpis), "size": self.size, "multiplicity": self.multiplicity,
                "alpha": self.alpha, "level": self.level}


def check_family(kpis: Sequence[str] | None, *, multiplicity: str = "holm",
                 alpha: float = 0.05, supported: Sequence[str] | None = None) -> CheckFamily:
    """The family the Check adjusts over: the compare stage's ``kpis`` parameter of the
    cycle (None: the compare notebook's default, :data:`CHECK_KPIS`) kept to those the
    export supports (``supported``; None: all), with its ``multiplicity`` and ``alpha``.

    The baseline's plan and the compare stage's verdicts both call this with the same
    parameters, so the plan is made at the level the Check will use.

    >>> check_family(None, supported=["fcr", "aht", "resolution_rate"]).kpis
    ('fcr', 'aht')
    """
    keys = tuple(CHECK_KPIS if kpis is None else kpis)
    if supported is not None:
        keep = set(supported)
        keys = tuple(k for k in keys if k in keep)
    if multiplicity not in MULTIPLICITY:
        raise ValueError(f"parameter multiplicity: {multiplicity!r} is not one of "
                         f"{', '.join(MULTIPLICITY)}")
    return CheckFamily(kpis=keys, multiplicity=multiplicity, alpha=float(alpha))


@dataclass(frozen=True)
class Windows:
    """The before and after windows: start inclusive, end exclusive (tickets by creation)."""

    before_start: pd.Timestamp
    before_end: pd.Timestamp
    after_start: pd.Timestamp
    after_end: pd.Timestamp

    @classmethod
    def around(cls, change_date: str, *, weeks_before: int, weeks_after: int) -> Windows:
        """``weeks_before`` whole weeks before the change date and ``weeks_after`` from it."""
        change = _date("change_date", change_date)
        for name, weeks in (("weeks_before", weeks_before), ("weeks_after", weeks_after)):
            if int(weeks) < 1:
                raise ValueError(f"parameter {name}: {weeks!r} must be a whole number >= 1")
        return cls(change - pd.Timedelta(weeks=int(weeks_before)), change, change,
                   change + pd.Timedelta(weeks=int(weeks_after)))

    @classmethod
    def explicit(cls, before: Sequence[str], after: Sequence[str]) -> Windows:
        """From ``[start, end]`` pairs (end exclusive); the windows may not overlap."""
        pairs = []
        for name, window in (("before", before), ("after", after)):
            if len(window) != 2:
                raise ValueError(f"parameter {name}: give [start, end], got {list(window)!r}")
            start, end = (_date(name, w) for w in window)
            if not start < end:
                raise ValueError(f"parameter {name}: start {start.date()} must come before "
                                 f"end {end.date()}")
            pairs.append((start, end))
        (bs, be), (as_, ae) = pairs
        if as_ < be:
            raise ValueError(f"the after window starts ({as_.date()}) before the before window "
                             f"ends ({be.date()}): the windows must not overlap")
        return cls(bs, be, as_, ae)

    @classmethod
    def from_parameters(cls, *, before: Any = (), after: Any = (), change_date: Any = "",
                        weeks_before: int = 13, weeks_after: int = 13) -> Windows:
        """The windows a stage's parameters name: ``before`` and ``after`` when either is
        given (the cycle record's data.before / data.after), else ``weeks_before`` and
        ``weeks_after`` around ``change_date``. Every problem is listed at once.

        >>> Windows.from_parameters(before=["2026-01-05", "2026-04-06"],
        ...                         after=["2026-04-06", "2026-07-06"]).after_start.date()
        datetime.date(2026, 4, 6)
        >>> Windows.from_parameters(before="[2026-01-05, 2026-04-06]")
        Traceback (most recent call last):
        ...
        ValueError: parameter before: got the text '[2026-01-05, 2026-04-06]', not a list; \
with papermill, give lists with -y 'before: [2026-01-05, 2026-04-06]'
        """
        from pdcakit.stages.sections import list_problem, raise_problems

        problems = [p for p in (list_problem("before", before), list_problem("after", after))
                    if p]
        raise_problems(problems)
        if before or after:
            return cls.explicit(before, after)
        if not str(change_date).strip():
            raise ValueError("no windows: give before and after ([start, end) each), or "
                             "change_date with weeks_before and weeks_after")
        return cls.around(str(change_date), weeks_before=weeks_before, weeks_after=weeks_after)

    def describe(self) -> str:
        last = pd.Timedelta(days=1)
        return (f"before: {self.before_start.date()} to {(self.before_end - last).date()}; "
                f"after: {self.after_start.date()} to {(self.after_end - last).date()}")

    def split(self, tickets: pd.DataFrame,
              date_column: str = "created_at") -> tuple[pd.DataFrame, pd.DataFrame]:
        """The tickets created in each window; a clear error when one is empty."""
        created = tickets[date_column]
        before = between(tickets, date_column, self.before_start, self.before_end)
        after = between(tickets, date_column, self.after_start, self.after_end)
        for name, part in (("before", before), ("after", after)):
            if part.empty:
                raise ValueError(
                    f"no tickets in the {name} window ({self.describe()}); the data run from "
                    f"{created.min():%Y-%m-%d} to {created.max():%Y-%m-%d}: move the windows "
                    "or the change date inside that range")
        return before, after

    def as_dict(self) -> dict[str, str]:
        return {k: str(getattr(self, k).date()) for k in
                ("before_start", "before_end", "after_start", "after_end")}


def _date(name: str, value: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(str(value))
    except ValueError:
        raise ValueError(f"parameter {name}: {value!r} is not a date (use YYYY-MM-DD)") from None


@dataclass(frozen=True)
class CompareSettings:
    """The compare notebook's parameters after checking.

    ``headline_kpi`` "" means "the first KPI of ``kpis`` the export supports".
    """

    kpis: tuple[str, ...]
    alpha: float = 0.05
    power: float = 0.8
    multiplicity: str = "holm"
    targets: Mapping[str, float] = field(default_factory=dict)
    period: str = "W"
    params: Mapping[str, float] = field(default_factory=dict)
    headline_kpi: str = ""
    language: str = "en"  # the reader's language: "en" or "zh-CN" (pdcakit.words.LANGUAGES)

    @classmethod
    def check(cls, *, kpis: Sequence[str], alpha: float = 0.05, power: float = 0.8,
              multiplicity: str = "holm", targets: Mapping[str, float] | None = None,
              period: str = "W", headline_kpi: str = "", language: str = "en",
              kpi_lists: Mapping[str, Any] | None = None,
              **params: float) -> CompareSettings:
        """Validate; raise one ValueError listing every problem, each with its fix.

        ``kpi_lists``: further list parameters of KPI keys (e.g. ``time_view_kpis``),
        checked the same way as ``kpis``.
        """
        from pdcakit.stages.sections import list_problem, raise_problems

        problems: list[str] = []
        keys: tuple[str, ...] = ()
        for name, value in {"kpis": kpis, **dict(kpi_lists or {})}.items():
            problem = list_problem(name, value)
            if problem:
                problems.append(problem)
            elif name == "kpis":
                keys = check_kpi_keys(name, list(value), problems)
            else:
                check_kpi_keys(name, list(value), problems)
        if isinstance(targets, str):
            problems.append(f"parameter targets: got the text {targets!r}, not a mapping; "
                            f"with papermill, give it with -y 'targets: {targets}'")
            targets = {}
        targets = dict(targets or {})
        # score KPIs (csi, tps, ...) are compared by stages.compare_scores, not checked here
        check_kpi_keys("targets", [k for k in targets if not is_score_kpi(k)], problems)
        if headline_kpi:
            check_kpi_keys("headline_kpi", [headline_kpi], problems)
        for name, value in (("alpha", alpha), ("power", power)):
            problem = fraction_problem(name, value)
            if problem:
                problems.append(problem)
        if multiplicity not in MULTIPLICITY:
            problems.append(f"parameter multiplicity: {multiplicity!r} is not one of "
                            f"{', '.join(MULTIPLICITY)}")
        if period not in PERIODS:
            problems.append(f"parameter period: {period!r} is not one of {', '.join(PERIODS)}")
        try:
            check_language(language)
        except ValueError as exc:
            problems.append(f"parameter {exc}")
        clean: dict[str, float] = {}
        for key, value in targets.items():
            try:
                clean[key] = float(value)
            except (TypeError, ValueError):
                problems.append(f"parameter targets: {key}: {value!r} is not a number")
                continue
            if (key in metrics.KPIS and metrics.KPIS[key].kind == "proportion"
                    and not 0 <= clean[key] <= 1):
                problems.append(f"parameter targets: {key} is a rate, so give its target as "
                                f"a fraction between 0 and 1 (e.g. 0.74), not {value!r}")
        raise_problems(problems)
        return cls(kpis=keys, alpha=float(alpha), power=float(power), multiplicity=multiplicity,
                   targets={k: v for k, v in clean.items()
                            if k in metrics.KPIS or is_score_kpi(k)},
                   period=period,
                   params={k: float(v) for k, v in params.items() if v is not None},
                   headline_kpi=headline_kpi, language=language)

    @property
    def family(self) -> CheckFamily:
        """The family these settings adjust over (after :meth:`only`, the supported KPIs).

        >>> CompareSettings.check(kpis=["fcr", "aht"]).family.level
        0.025
        """
        return check_family(self.kpis, multiplicity=self.multiplicity, alpha=self.alpha)

    def only(self, keys: Sequence[str]) -> CompareSettings:
        """These settings for the KPIs ``keys`` (e.g. those this export supports).

        >>> CompareSettings.check(kpis=["fcr", "aht"]).only(["aht"]).kpis
        ('aht',)
        """
        return replace(self, kpis=tuple(keys))
