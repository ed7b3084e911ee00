"""Holding the gains (chapter 2, 实时监控和预警): new data of an adopted cycle against the
frozen limits of its new baseline, with the cycle's rule set; the result in the cycle's log.

After ``pdca act CYCLE --decision adopt`` the after window is the new baseline
(``data.new_baseline``). ``pdca monitor CYCLE --data FILE`` then:

1. takes the new baseline's limits for the aim metric, frozen: computed once from the
   record's own export over the new-baseline window and kept in the record under
   ``monitor.limits`` (the chart the compare page draws for the after window: Laney p'
   for shares, an I chart of the log of the per-period medians for durations, an I chart
   for means), so every later run judges against the same lines;
2. reads from FILE only the cases created from the new baseline's end on (the periods it
   needs), per period of the cycle (``period`` of its compare or baseline stage, weekly by
   default); a last period the export does not yet cover in full is left for the next run;
3. applies the cycle's rule set (``rule_set`` of its baseline stage, NHS by default:
   :func:`pdcakit.spc.apply_rules`) to those periods against the frozen centre and sigma;
4. logs one ``monitor`` entry in the record: the data's checksum and periods key it, so
   the same data twice records one result (:func:`monitor_key`).

A cycle aimed at a score (``csi``, ``tps``, ``tds``) is held the same way: FILE is a new
survey, audit or mystery-shopper export (read with the record's ``surveys_mapping`` ...
unless ``--mapping`` is given), each questionnaire's mean or each audit's or visit's
total an observation, the period's mean on an I chart (XmR) whose limits come from the
record's own score table over the new baseline; weeks too thin to read (a median week
under :data:`~pdcakit.metrics.series.MIN_PERIOD_CASES` observations) are read by month,
as the compare page reads them. ``standards`` and ``composite`` (and a score's part) are
refused with the reason: they weigh the tickets and several tables per period, which the
monitor does not combine; a cycle aimed at one of their ticket KPIs is held instead.

The signals' dates are dated events of the cycle (:func:`pdcakit.tracker.moves.cycle_events`
marks them on the charts). A signal is not an error: the command exits with its own status
(5, ``pdcakit.cli.EXIT_SIGNAL``) so a scheduler (cron, CI, Airflow) can act on it.

>>> FrozenLimits("fcr", "proportion", "Laney p' chart", "W", ("2026-04-06", "2026-07-06"),
...              centre=0.74, sigma=1.1, n_periods=13).sigmas([1000])[0].round(4)
np.float64(0.0153)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdcakit.errors import PdcaError
from pdcakit.kpis import KPI_INFO, SCORE_KPI_INFO
from pdcakit.run.project import ProjectPaths
from pdcakit.tracker.record import (
    CycleError,
    CycleRecord,
    LeaveUnchanged,
    edit_record,
    read_cycle,
)

__all__ = ["SCORE_SOURCES", "FrozenLimits", "MonitorError", "MonitorResult", "Signal",
           "frozen_limits", "latest_monitor", "limits_of", "monitor", "monitor_entries",
           "monitor_key", "score_observations", "score_periods"]

_PERIOD_DAYS = {"D": 1, "W": 7}


class MonitorError(PdcaError, ValueError):
    """A monitor run that cannot be made: not adopted, no baseline window, no new data."""


@dataclass(frozen=True)
class FrozenLimits:
    """The new baseline's centre and sigma for the aim metric, on the chart's own scale
    (the log of minutes for durations); for shares ``sigma`` is Laney's sigma_z, so a
    period's sigma is ``sigma * sqrt(p(1 - p) / n)``."""

    kpi: str
    kind: str
    chart: str
    period: str
    window: tuple[str, str]
    centre: float
    sigma: float
    n_periods: int
    source: str = ""

    def sigmas(self, n: Any) -> Any:
        """One sigma per period (``n`` cases in each)."""
        import numpy as np

        n = np.asarray(n, dtype=float)
        if self.kind == "proportion":
            return self.sigma * np.sqrt(self.centre * (1 - self.centre) / n)
        return np.full(n.shape, self.sigma)

    def as_entry(self) -> dict[str, Any]:
        return {"kpi": self.kpi, "kind": self.kind, "chart": self.chart, "period": self.period,
                "window": list(self.window), "centre": self.centre, "sigma": self.sigma,
                "n_periods": self.n_periods, "source": self.source}

    @classmethod
    def from_entry(cls, entry: dict[str, Any], where: str) -> FrozenLimits:
        try:
            return cls(kpi=str(entry["kpi"]), kind=str(entry["kind"]), chart=str(entry["chart"]),
                       period=str(entry["period"]),
                       window=(str(entry["window"][0])[:10], str(entry["window"][1])[:10]),
                       centre=float(entry["centre"]), sigma=float(entry["sigma"]),
                       n_periods=int(entry["n_periods"]), source=str(entry.get("source", "")))
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise CycleError(f"{where}: monitor.limits is incomplete ({exc}); delete the "
                             "monitor block and run pdca monitor again to recompute it") from None


@dataclass(frozen=True)
class Signal:
    """A rule that fired on a new period: its start date, the rule, the period's value,
    and the side of the centre it lies on for the aim (``worse``: the gain may be slipping;
    ``better``: the process has moved on in the aim's direction)."""

    date: str
    rule: str
    value: float
    side: str = "worse"


@dataclass(frozen=True)
class MonitorResult:
    """One monitor run: the new periods, their values and limits, the signals, the log key."""

    cycle: str
    limits: FrozenLimits
    rule_set: str
    data: str
    sha256: str
    periods: tuple[str, ...]
    values: tuple[float, ...]
    lcl: tuple[float, ...]
    ucl: tuple[float, ...]
    signals: tuple[Signal, ...]
    left_out: tuple[str, ...] = ()  # periods not judged (not over yet, empty, median not reached)
    recorded_on: str | None = None  # the date of the log entry already holding this result
    limits_new: bool = False        # the limits were computed (and frozen) by this run
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return "signal" if self.signals else "quiet"

    @property
    def key(self) -> str:
        return monitor_key(self.sha256, self.periods)

    def as_record(self) -> dict[str, Any]:
        """Everything the run judged (``monitor.json`` beside its chart)."""
        return {**self.as_log_entry(), "sha256": self.sha256, "limits": self.limits.as_entry(),
                "period_starts": list(self.periods), "values": _plain(self.values),
                "lcl": _plain(self.lcl), "ucl": _plain(self.ucl), "left_out": list(self.left_out),
                "signals": [{"date": s.date, "rule": s.rule, "side": s.side,
                             "value": s.value} for s in self.signals]}

    def as_log_entry(self) -> dict[str, Any]:
        """The ``monitor`` entry of the cycle's log (plain values, one line of YAML each)."""
        return {"event": "monitor", "kpi": self.limits.kpi, "status": self.status,
                "data": self.data, "sha256": self.sha256[:16],
                "periods": [self.periods[0], self.periods[-1]], "n_periods": len(self.periods),
                "rule_set": self.rule_set, "key": self.key,
                "signals": [{"date": s.date, "rule": s.rule, "side": s.side}
                            for s in self.signals]}


def _plain(values: tuple[float, ...]) -> list[float | None]:
    import math

    return [float(v) if math.isfinite(v) else None for v in values]


def monitor_key(sha256: str, periods: tuple[str, ...] | list[str]) -> str:
    """The key of a monitor result: the data's checksum and the periods judged.

    >>> monitor_key("ab" * 32, ["2026-07-06", "2026-08-10"])
    'abababababababab:2026-07-06:2026-08-10'
    """
    return f"{sha256[:16]}:{periods[0]}:{periods[-1]}" if periods else sha256[:16]


def monitor_entries(record: CycleRecord) -> list[dict[str, Any]]:
    """The cycle's logged monitor results, oldest first."""
    return [e for e in record.log if e.get("event") == "monitor"]


def _settings(record: CycleRecord) -> tuple[str, str, str, tuple[str, str]]:
    """(KPI, period, rule set, new-baseline window) of an adopted cycle."""
    where = f"pdca/{record.id}.yaml"
    decision = (record.decision or {}).get("decision")
    if decision != "adopt":
        raise MonitorError(f"{record.id}: pdca monitor watches an adopted change, and this "
                           f"cycle's decision is {decision or 'not made yet'}; after pdca act "
                           f"{record.id} --decision adopt its after window is the baseline "
                           "the new data is held against")
    kpi = str((record.aim or {}).get("metric") or "")
    if kpi.split(".", 1)[0] in SCORE_KPI_INFO and kpi not in SCORE_SOURCES:
        raise MonitorError(
            f"{where}: aim.metric is {kpi}; pdca monitor holds the scores read from one "
            f"table per observation ({', '.join(SCORE_SOURCES)}) and the ticket KPIs, not "
            f"{kpi}: {_WHY_NOT['part' if '.' in kpi else 'combined']}, "
            "which the monitor does not combine. Hold the gain on the KPI it rests on "
            "(pdca next with aim.metric fcr, for instance) or rerun the compare stage on "
            "the new weeks")
    if kpi not in KPI_INFO and kpi not in SCORE_SOURCES:
        raise MonitorError(f"{where}: aim.metric is {kpi or 'empty'}; the monitor watches "
                           f"the aim metric, a ticket KPI ({', '.join(KPI_INFO)}) or a score "
                           f"({', '.join(SCORE_SOURCES)})")
    window = (record.data or {}).get("new_baseline") or (record.data or {}).get("after") or []
    if len(window) != 2:
        raise MonitorError(f"{where}: no new-baseline window (data.new_baseline or "
                           "data.after: [FIRST DAY, DAY AFTER THE LAST]); write the adopted "
                           "after window there")
    params = {**(((record.stages or {}).get("baseline") or {}).get("parameters") or {}),
              **(((record.stages or {}).get("compare") or {}).get("parameters") or {})}
    period = str(params.get("period") or "W")
    baseline_rules = (((record.stages or {}).get("baseline") or {}).get("parameters") or {})
    rule_set = str(baseline_rules.get("rule_set") or "nhs")
    from pdcakit.spc.rules import RULE_SETS

    if rule_set not in RULE_SETS:
        raise MonitorError(f"{where}: stages.baseline.parameters.rule_set {rule_set!r}; use "
                           f"one of {', '.join(RULE_SETS)}")
    return kpi, period, rule_set, (str(window[0])[:10], str(window[1])[:10])


#: Why a score aim is not monitored.
_WHY_NOT = {"part": "a part of a score is not charted on its own",
            "combined": "it weighs the tickets and the standards table together per period"}


def _judged(frame: Any, kind: str) -> Any:
    """Periods with cases and a value (a duration's median reached)."""
    import numpy as np

    keep = (frame["n"] > 0) & np.isfinite(frame["value"].to_numpy(float))
    if kind == "duration":
        keep &= frame["value"] > 0
    return frame[keep].reset_index(drop=True)


def frozen_limits(tickets: Any, kpi: str, period: str, window: tuple[str, str],
                  source: str = "") -> FrozenLimits:
    """The new baseline's limits from ``tickets`` (already the new-baseline window)."""
    from pdcakit.metrics.series import per_period

    return limits_of(per_period(tickets, kpi, period=period), kpi, period, window, source)


def limits_of(frame: Any, kpi: str, period: str, window: tuple[str, str],
              source: str = "") -> FrozenLimits:
    """The limits of the new baseline's periods ``frame`` (``period``, ``n``, ``value``;
    ``numerator`` and ``denominator`` for a share): Laney p' for shares, an I chart of the
    log medians for durations, an I chart (XmR) for means and scores."""
    import numpy as np

    from pdcakit import spc

    spec = _spec(kpi)
    frame = _judged(frame, spec.kind)
    if len(frame) < 2:
        raise MonitorError(f"{source or 'the export'}: the new-baseline window {window[0]} to "
                           f"{window[1]} holds {len(frame)} period(s) with a value of {kpi}; "
                           "limits need at least 2 (check data.tickets and data.new_baseline)")
    if spec.kind == "proportion":
        chart = spc.p_chart(frame["numerator"].to_numpy(float),
                            frame["denominator"].to_numpy(float), laney=True)
        centre, sigma, name = float(chart.centre), float(chart.sigma_z or 1.0), "Laney p' chart"
    elif spec.kind == "duration":
        chart = spc.i_chart(np.log(frame["value"].to_numpy(float)))
        centre, sigma, name = float(chart.centre), float(chart.sigma), "I chart of log medians"
    else:
        chart = spc.i_chart(frame["value"].to_numpy(float))
        centre, sigma, name = float(chart.centre), float(chart.sigma), "I chart (XmR)"
    return FrozenLimits(kpi, spec.kind, name, period, window, centre, sigma, len(frame),
                        source)


def _spec(kpi: str) -> Any:
    return KPI_INFO[kpi] if kpi in KPI_INFO else SCORE_KPI_INFO[kpi]


#: The scores pdca monitor holds: score -> (table kind, its path and mapping parameters).
SCORE_SOURCES = {"csi": ("surveys", "surveys_path", "surveys_mapping"),
                 "tps": ("audits", "audits_path", "audits_mapping"),
                 "tds": ("mystery_shopper", "mystery_shopper_path", "mystery_shopper_mapping")}


def _stage_parameters(record: CycleRecord) -> dict[str, Any]:
    stages = record.stages or {}
    return {**((stages.get("baseline") or {}).get("parameters") or {}),
            **((stages.get("compare") or {}).get("parameters") or {})}


def score_observations(table: Any, kpi: str) -> Any:
    """One row per observation of score ``kpi``: ``date`` and ``value`` (a questionnaire's
    mean over its answers for CSI, an audit's or visit's total for TPS and TDS), as the
    compare page's score charts count them (:mod:`pdcakit.stages.score_series`)."""
    import pandas as pd

    from pdcakit.stages import score_series

    dates, matrix = (score_series._csi(table) if kpi == "csi"
                     else score_series._total(table, kpi))
    return pd.DataFrame({"date": dates.to_numpy(), "value": matrix[:, 0]})


def score_periods(observations: Any, period: str) -> Any:
    """The mean score per ``period`` (``period`` start, ``n`` observations, ``value``).

    >>> import pandas as pd
    >>> obs = pd.DataFrame({"date": pd.to_datetime(["2026-07-06", "2026-07-08",
    ...                                             "2026-08-03"]), "value": [21.0, 23.0, 24.5]})
    >>> score_periods(obs, "M")[["n", "value"]].to_dict("list")
    {'n': [2, 1], 'value': [22.0, 24.5]}
    """
    from pdcakit.periods import PANDAS_PERIOD

    starts = observations["date"].dt.to_period(PANDAS_PERIOD[period]).dt.start_time
    grouped = observations.assign(period=starts).groupby("period", sort=True)["value"]
    return grouped.agg(n="size", value="mean").reset_index()


def _score_period(observations: Any, window: tuple[str, str], period: str, kpi: str) -> str:
    """The cycle's period, or month when the new baseline's weeks are too thin to read
    (:func:`pdcakit.stages.score_series.score_period`, as the compare page decides)."""
    import pandas as pd

    from pdcakit.stages.score_series import OBSERVED, score_period
    from pdcakit.stages.windows import Windows

    start, end = pd.Timestamp(window[0]), pd.Timestamp(window[1])
    middle = (start + (end - start) / 2).normalize()
    windows = Windows.explicit([str(start.date()), str(middle.date())],
                               [str(middle.date()), str(end.date())])
    return score_period(observations["date"], windows, period, OBSERVED[kpi][0])[0]


def _score_frames(paths: ProjectPaths, record: CycleRecord, kpi: str, data_path: Path,
                  mapping: Any, period: str, window: tuple[str, str]
                  ) -> tuple[Any, Any, str, str]:
    """(new-baseline observations, new observations, period, source) of score ``kpi``."""
    from pdcakit.data import load_table
    from pdcakit.data.inputs import resolve_input

    kind, path_parameter, mapping_parameter = SCORE_SOURCES[kpi]
    params = _stage_parameters(record)
    where = f"pdca/{record.id}.yaml"
    source = str(params.get(path_parameter) or "")
    if not source:
        raise MonitorError(f"{where}: the aim is {kpi}, read from the {kind.replace('_', ' ')} "
                           f"table, and stages.compare.parameters.{path_parameter} is empty; "
                           "the new baseline's limits are computed from the cycle's own table")
    own_mapping = _mapping(params.get(mapping_parameter), paths.root)
    own = score_observations(load_table(resolve_input(source, base=paths.root), kind,
                                        own_mapping), kpi)
    low, high = (own["date"] >= window[0]), (own["date"] < window[1])
    baseline = own[low & high].reset_index(drop=True)
    new = score_observations(load_table(str(data_path), kind,
                                        own_mapping if mapping is None else mapping), kpi)
    new = new[new["date"] >= window[1]].reset_index(drop=True)
    return baseline, new, _score_period(baseline, window, period, kpi), source


def _complete(frame: Any, period: str, snapshot: Any) -> tuple[Any, list[str]]:
    """The periods the export covers in full (a last period not over yet is left out)."""
    import pandas as pd

    start = pd.to_datetime(frame["period"])
    if period == "M":
        end = start + pd.offsets.MonthBegin(1)
    else:
        end = start + pd.Timedelta(days=_PERIOD_DAYS.get(period, 7))
    cutoff = pd.Timestamp(snapshot).tz_localize(None).normalize() + pd.Timedelta(days=1)
    over = end <= cutoff
    return frame[over].reset_index(drop=True), [str(d.date()) for d in start[~over]]


def _load_new(data: str, mapping: Any, since: str) -> Any:
    """The new export's cases from ``since`` on, read with the record's mapping but never
    its ``snapshot:`` (that is when the first export was taken: it would cut every new
    week off the new export)."""
    import dataclasses

    from pdcakit.data import load_tickets
    from pdcakit.data.mapping import load_mapping

    spec = load_mapping(mapping)
    if spec is not None and spec.snapshot:
        spec = dataclasses.replace(spec, snapshot=None)
    return load_tickets(data, spec, window=(since, None))


def monitor(paths: ProjectPaths, cycle_id: str, data: str, *, mapping: Any = None,
            base: Path | None = None) -> MonitorResult:
    """Check ``data`` (new cases of an adopted cycle) against the frozen limits of its new
    baseline with the cycle's rule set, and log the result once (see the module docstring).
    """
    import numpy as np

    from pdcakit.data.inputs import resolve_input
    from pdcakit.fileio import sha256_file
    from pdcakit.metrics.series import per_period
    from pdcakit.spc.rules import apply_rules

    record = read_cycle(paths, cycle_id)
    kpi, period, rule_set, window = _settings(record)
    where = f"pdca/{cycle_id}.yaml"
    path = resolve_input(data, base=base)
    if not path.is_file():
        raise FileNotFoundError(f"--data {data}: no such file ({path}); give the export of the "
                                "cases since the change was adopted")
    scored = kpi in SCORE_SOURCES
    if scored:
        given = None if mapping is None else _mapping(mapping, base or Path.cwd())
        baseline_obs, new_obs, period, score_source = _score_frames(
            paths, record, kpi, path, given, period, window)
    mapping = (_mapping(mapping, base or Path.cwd()) if mapping is not None
               else _mapping((record.data or {}).get("mapping"), paths.root))
    stored = (record.monitor or {}).get("limits")
    limits_new = stored is None
    if stored is not None:
        limits = FrozenLimits.from_entry(dict(stored), where)
        if (limits.kpi, limits.period, limits.window) != (kpi, period, window):
            raise MonitorError(f"{where}: monitor.limits were frozen for {limits.kpi} per "
                               f"{limits.period} over {list(limits.window)}, the record now "
                               f"says {kpi} per {period} over {list(window)}; delete the "
                               "monitor block to freeze new limits")
    elif scored:
        limits = limits_of(score_periods(baseline_obs, period), kpi, period, window,
                           score_source)
    else:
        source = str((record.data or {}).get("tickets") or "")
        if not source:
            raise MonitorError(f"{where}: data.tickets is empty; the new baseline's limits "
                               "are computed from the cycle's own export")
        from pdcakit.data import load_tickets

        baseline = load_tickets(resolve_input(source, base=paths.root),
                                _mapping((record.data or {}).get("mapping"), paths.root),
                                window=window)
        limits = frozen_limits(baseline, kpi, period, window, source)
    if scored:
        if new_obs.empty:
            raise MonitorError(f"--data {data}: no {kpi} observation dated on or after "
                               f"{window[1]} (the day after the new baseline); nothing new to "
                               "monitor yet")
        frame, not_over = _complete(score_periods(new_obs, period), period,
                                    new_obs["date"].max())
    else:
        tickets = _load_new(str(path), mapping, window[1])
        if tickets.empty:
            raise MonitorError(f"--data {data}: no case created on or after {window[1]} (the "
                               "day after the new baseline); nothing new to monitor yet")
        frame, not_over = _complete(per_period(tickets, kpi, period=period), period,
                                    tickets.attrs.get("snapshot", tickets["created_at"].max()))
    judged = _judged(frame, limits.kind)
    left_out = sorted(set(not_over) | {str(d.date()) for d in frame["period"]}
                      - {str(d.date()) for d in judged["period"]})
    if judged.empty:
        raise MonitorError(f"--data {data}: no complete {period} period with a value of {kpi} "
                           f"from {window[1]} on (left out: {', '.join(left_out) or 'none'})")
    values = judged["value"].to_numpy(float)
    sigma = limits.sigmas(judged["n"].to_numpy(float))
    scale = np.log(values) if limits.kind == "duration" else values
    hits = apply_rules(scale, centre=limits.centre, sigma=sigma, rule_set=rule_set)
    starts = [str(d.date()) for d in judged["period"]]
    higher = str((record.aim or {}).get("direction") or (
        "higher" if _spec(kpi).higher_is_better else "lower")) == "higher"
    signals = sorted((Signal(starts[i], rule, float(values[i]),
                             "better" if (scale[i] > limits.centre) == higher else "worse")
                      for rule, points in hits.fired.items() for i in points),
                     key=lambda s: (s.date, s.rule))
    low, high = limits.centre - 3 * sigma, limits.centre + 3 * sigma
    if limits.kind == "duration":
        low, high = np.exp(low), np.exp(high)
    elif limits.kind == "proportion":
        low, high = np.clip(low, 0, 1), np.clip(high, 0, 1)
    shown = _workbook_path(path, paths.root) if not str(data).startswith("demo:") else data
    result = MonitorResult(
        cycle=cycle_id, limits=limits, rule_set=rule_set, data=shown,
        sha256=sha256_file(path), periods=tuple(starts), values=tuple(map(float, values)),
        lcl=tuple(map(float, np.broadcast_to(low, values.shape))),
        ucl=tuple(map(float, np.broadcast_to(high, values.shape))),
        signals=tuple(signals), left_out=tuple(left_out), limits_new=limits_new)
    return _record(paths, result)


def _mapping(value: Any, base: Path) -> Any:
    """A mapping file made absolute against ``base`` (the workbook root for the record's,
    the current folder for one given on the command line); a preset name as it is."""
    from pdcakit.run.request import is_file_parameter

    if is_file_parameter("mapping", value):
        path = Path(str(value)).expanduser()
        return str(path if path.is_absolute() else base / path)
    return value or None


def _workbook_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _record(paths: ProjectPaths, result: MonitorResult) -> MonitorResult:
    """Log ``result`` once (its key), and freeze the limits when this run computed them;
    under the record's lock, so two runs at once on the same data log one entry."""
    recorded_on: list[str] = []
    with edit_record(paths, result.cycle) as data:
        for entry in data.get("log") or []:
            if isinstance(entry, dict) and entry.get("event") == "monitor" \
                    and entry.get("key") == result.key:
                recorded_on.append(str(entry.get("date")))
        if recorded_on and not result.limits_new:
            raise LeaveUnchanged
        if not isinstance(data.get("monitor"), dict):
            data["monitor"] = {}
        if "limits" not in data["monitor"]:
            data["monitor"]["limits"] = _flow(result.limits.as_entry(), top=False)
        if not recorded_on:
            from pdcakit.run.request import record_language
            from pdcakit.run.workbook_settings import workbook_language
            from pdcakit.tracker.monitor_chart import write_monitor_outputs

            folder = write_monitor_outputs(
                paths, result, result.as_record(),
                language=record_language(data, f"pdca/{result.cycle}.yaml",
                                         default=workbook_language(paths)))
            if data.get("log") is None:
                data["log"] = []
            data["log"].append(_flow({"date": dt.date.today(), **result.as_log_entry(),
                                      "output": folder.relative_to(paths.root).as_posix()}))
    if recorded_on:
        from dataclasses import replace

        return replace(result, recorded_on=recorded_on[0])
    return result


def _flow(entry: dict[str, Any], *, top: bool = True) -> Any:
    """``entry`` as ruamel writes it on one line (its lists and mappings inline too), as
    the log's other entries are written; ``top=False``: one line per key."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def inline(value: Any) -> Any:
        if isinstance(value, dict):
            made = CommentedMap((k, inline(v)) for k, v in value.items())
        elif isinstance(value, list | tuple):
            made = CommentedSeq(inline(v) for v in value)
        else:
            return value
        made.fa.set_flow_style()
        return made

    made = CommentedMap((k, inline(v)) for k, v in entry.items())
    if top:
        made.fa.set_flow_style()
    return made


def latest_monitor(record: CycleRecord) -> dict[str, Any] | None:
    """The cycle's latest logged monitor result (None: never monitored)."""
    entries = monitor_entries(record)
    return entries[-1] if entries else None
