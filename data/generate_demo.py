#!/usr/bin/env python
"""Seeded generator of the bundled demo data (a help desk, 26 weeks).

Thirteen weeks before and thirteen weeks after a process change on Monday
2026-04-06. Known effects are injected into the after period; everything else
is held stable, so the data are a ground truth for the workbook's statistics.
``data/README.md`` documents the files; ``effects.yaml`` (written beside them)
lists the injected effects in machine-readable form.

Regenerate the committed files (byte-identical for a given seed)::

    python data/generate_demo.py

Larger volumes for benchmarks::

    python data/generate_demo.py --tickets 1000000 --format parquet --out /tmp/big

Importable without the package (only numpy, pandas and pyyaml)::

    tickets = generate_tickets(36_000, seed=20260406)
    generate_all("data/demo", seed=20260406, n_tickets=None, fmt="csv")
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import yaml

__all__ = ["DEFAULT_SEED", "DEFAULT_TICKETS", "chinese_demo_export", "chinese_demo_mapping",
           "chinese_small_tables", "generate_all", "generate_tickets"]

DEFAULT_SEED = 20260406
DEFAULT_TICKETS = 48_000
DEFAULT_OUT = Path(__file__).resolve().parent / "demo"

# ---------------------------------------------------------------- calendar
START = np.datetime64("2026-01-05T00:00:00", "s")       # Monday, week 1
CHANGE = np.datetime64("2026-04-06T00:00:00", "s")      # Monday, week 14
END = np.datetime64("2026-07-06T00:00:00", "s")         # exclusive end of creation
SNAPSHOT = END                                          # export time
N_DAYS = int((END - START) // np.timedelta64(1, "D"))   # 182
CHANGE_SEC = int((CHANGE - START) // np.timedelta64(1, "s"))
SNAPSHOT_SEC = int((SNAPSHOT - START) // np.timedelta64(1, "s"))

# ---------------------------------------------------------------- organisation
CHANNELS = ("phone", "email", "chat", "web")
CHANNEL_MIX = np.array([0.35, 0.30, 0.25, 0.10])
CATEGORIES = ("password/account", "software", "hardware", "network",
              "access request", "billing", "other")
# category mix per channel (rows follow CHANNELS), stable over time
CATEGORY_MIX = np.array([
    [0.30, 0.20, 0.12, 0.12, 0.06, 0.10, 0.10],   # phone
    [0.18, 0.22, 0.12, 0.08, 0.14, 0.14, 0.12],   # email
    [0.28, 0.24, 0.08, 0.10, 0.10, 0.10, 0.10],   # chat
    [0.14, 0.14, 0.10, 0.06, 0.36, 0.08, 0.12],   # web
])
SITES = ("Leeds", "Manchester", "Glasgow")
SITE_AGENTS = (16, 14, 10)                          # A01-A16, A17-A30, A31-A40
AGENTS = tuple(f"A{i:02d}" for i in range(1, sum(SITE_AGENTS) + 1))
AGENT_SITE = tuple(s for s, k in zip(SITES, SITE_AGENTS, strict=True) for _ in range(k))

# day-of-week (Mon..Sun) and hour-of-day volume profiles per channel
DOW_PROFILE = np.array([
    [1.15, 1.05, 1.00, 0.98, 0.90, 0.12, 0.04],   # phone: Saturday morning line only
    [1.20, 1.05, 1.00, 0.95, 0.90, 0.30, 0.28],   # email
    [1.10, 1.05, 1.00, 0.98, 0.92, 0.25, 0.15],   # chat
    [1.05, 1.00, 1.00, 1.00, 0.95, 0.55, 0.50],   # web
])
HOUR_PROFILE = np.array([
    # 0     1     2     3     4     5     6     7     8     9     10    11
    # 12    13    14    15    16    17    18    19    20    21    22    23
    [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.20, 1.90, 2.00, 1.85,
     1.40, 1.60, 1.75, 1.60, 1.40, 0.90, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00],
    [0.10, 0.06, 0.04, 0.04, 0.05, 0.10, 0.25, 0.60, 1.40, 1.60, 1.50, 1.40,
     1.10, 1.30, 1.35, 1.25, 1.10, 0.85, 0.55, 0.40, 0.35, 0.30, 0.22, 0.15],
    [0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 0.00, 1.10, 1.60, 1.70, 1.60,
     1.50, 1.55, 1.60, 1.50, 1.30, 1.00, 0.70, 0.50, 0.00, 0.00, 0.00, 0.00],
    [0.20, 0.12, 0.08, 0.06, 0.06, 0.10, 0.25, 0.55, 1.10, 1.30, 1.30, 1.25,
     1.10, 1.20, 1.20, 1.15, 1.05, 0.90, 0.75, 0.70, 0.65, 0.55, 0.45, 0.30],
])

# ---------------------------------------------------------------- durations
# first response, minutes: lognormal (median, sigma) per channel
FRT_MEDIAN = np.array([1.0, 240.0, 3.0, 300.0])
FRT_SIGMA = np.array([0.70, 0.90, 0.75, 0.90])
FRT_AFTER_FACTOR = np.array([1.0, 0.75, 1.0, 1.0])     # email: median x 0.75
FRT_LATE_P = np.array([0.0, 0.0006, 0.0, 0.0006])      # a handful days late
# agent handling time, minutes
AHT_MEDIAN = np.array([9.0, 12.0, 14.0, 10.0])
AHT_SIGMA = np.array([0.45, 0.55, 0.50, 0.50])
AHT_AFTER_FACTOR = np.array([1.0, 1.0, 0.90, 1.0])     # chat: -10 %
AHT_OUTLIER_P = 0.002                                  # 5-10x longer
AHT_MAX = 720.0
AGENT_AHT_SIGMA = 0.10                                 # agent-to-agent variation
# first contact resolution, probability per channel; after: +6 points everywhere
FCR_BEFORE = np.array([0.75, 0.62, 0.70, 0.58])
FCR_LIFT = 0.06
# the training on the knowledge base (pre/post scores of agents A01-A30) on its day; the
# trained agents' FCR rises TRAINED_EXTRA more than the untrained agents' from the go-live
# (the knowledge base they were trained on goes live on the Monday after), and the lift
# every agent gets is lowered so the ticket-weighted lift stays FCR_LIFT: the change's
# +6 points come mostly through the trained agents (the efficiency page's difference in
# differences finds TRAINED_EXTRA)
TRAINED_ON = "2026-04-03"
TRAINED = 30                                           # A01-A30 trained; A31-A40 not
TRAINED_EXTRA = 0.06
# one agent truly below the others on FCR in both windows (the baseline page's funnel
# names it); the other agents are raised by its ticket share x WEAK_FCR, so the
# ticket-weighted FCR of every channel is still FCR_BEFORE (+ the lift)
WEAK_AGENT, WEAK_FCR = "A35", 0.15
# remaining time to resolve when not resolved at first contact (phone/email/chat):
# mixture of "quick follow-up" and "waiting on customer / third party"
FOLLOWUP_MEDIAN_H, FOLLOWUP_SIGMA = 5.0, 1.10
WAITING_P, WAITING_MEDIAN_H, WAITING_SIGMA = 0.35, 8 * 24.0, 1.10
# web portal requests: fulfilment time after the first response, independent of
# the period (web time to resolve does not change); FCR correlates with it
WEB_FULFIL_MEDIAN_H, WEB_FULFIL_SIGMA, WEB_FCR_RHO = 18.0, 1.30, 0.60
STUCK_P = 0.012                                        # never resolved (stuck)
# outcome rates
COMPLAINT_P = (0.020, 0.015)
REOPEN_P = 0.05                                        # of resolved tickets
CSAT_RESPONSE_P = 0.30                                 # of resolved tickets
NPS_GIVEN_CSAT_P = 2 / 3                               # -> 20 % of resolved
CSAT_DIST = (np.array([0.06, 0.08, 0.16, 0.38, 0.32]),       # share 4-5: 0.70
             np.array([0.05, 0.065, 0.135, 0.39, 0.36]))     # share 4-5: 0.75
CSAT_FCR_SHIFT = np.array([-0.04, -0.04, -0.04, 0.04, 0.08])  # FCR tickets score higher
NPS_DIST = (np.array([0.03, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07,
                      0.14, 0.16, 0.18, 0.22]),                 # NPS +10
            np.array([0.027, 0.018, 0.027, 0.036, 0.045, 0.054, 0.063,
                      0.13, 0.15, 0.20, 0.25]))                 # NPS +18
NPS_CSAT_RHO = 0.6
# surveys: latent means per question (overall, speed, courtesy, knowledge, ease)
SURVEY_BASE = (3.85, 3.45, 4.10, 3.90, 3.70)
SURVEY_LIFT = (0.15, 0.35, 0.05, 0.10, 0.15)
# week-to-week variation (staffing, backlog, campaigns): one AR(1) series per outcome,
# lag-1 correlation WEEK_RHO, marginal SD below; weeks then vary more than chance, as
# real service weeks do, and the Check's period-aware tests have something to see
WEEK_RHO = 0.3
WEEK_SD = {"fcr": 0.008,            # share points added to the FCR probability
           "aht": 0.015,             # log factor on handling time
           "frt": 0.04,             # log factor on first-response time
           "follow": 0.04,          # log factor on the follow-up / fulfilment time
           "complaint": 0.04,       # log factor on the complaint probability
           "survey": 0.015}          # shift of the latent CSAT / NPS score (SD units)

TICKET_COLUMNS = ("id", "created_at", "first_response_at", "resolved_at", "handle_minutes",
                  "channel", "category", "site", "agent", "first_contact_resolved",
                  "complaint", "reopened", "csat", "nps")
BOOL_COLUMNS = ("first_contact_resolved", "complaint", "reopened")

_ND = NormalDist()


# ================================================================ helpers
def _streams(seed: int) -> dict[str, np.random.Generator]:
    """Independent random streams, so the small tables do not depend on --tickets."""
    names = ("organisation", "tickets", "surveys", "audits", "mystery", "training", "truth",
             "weeks")
    children = np.random.SeedSequence(seed).spawn(len(names))
    return {n: np.random.default_rng(s) for n, s in zip(names, children, strict=True)}


def _agent_table(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Share of tickets per agent and a log handling-time multiplier per agent.

    The multipliers are centred on the ticket-weighted mean, so the channel
    medians stay at AHT_MEDIAN.
    """
    weight = rng.uniform(0.6, 1.4, len(AGENTS))
    weight /= weight.sum()
    log_mult = rng.normal(0.0, AGENT_AHT_SIGMA, len(AGENTS))
    log_mult -= np.dot(weight, log_mult)
    return weight, log_mult


def _agent_fcr(weight: np.ndarray) -> np.ndarray:
    """Each agent's FCR shift (share points) before and after the change: (agents, 2).

    The weak agent sits WEAK_FCR below the others in both windows; the trained agents
    gain TRAINED_EXTRA more than the untrained after the change. Both are centred on the
    ticket-weighted mean, so every channel's FCR is FCR_BEFORE before and FCR_BEFORE +
    FCR_LIFT after, as documented.

    >>> shift = _agent_fcr(np.full(len(AGENTS), 1 / len(AGENTS)))
    >>> [round(float(x), 5) for x in shift[AGENTS.index(WEAK_AGENT)]]   # untrained, weak
    [-0.14625, -0.13125]
    >>> [round(float(x), 5) for x in shift[0]], [round(float(x), 5) for x in shift.mean(axis=0)]
    ([0.00375, 0.07875], [0.0, 0.06])
    """
    weak = np.array([a == WEAK_AGENT for a in AGENTS], dtype=float)
    trained = (np.arange(len(AGENTS)) < TRAINED).astype(float)
    level = -WEAK_FCR * (weak - weight @ weak)
    after = FCR_LIFT + TRAINED_EXTRA * (trained - weight @ trained)
    return np.column_stack([level, level + after])


def _week_effects(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per outcome, a stationary AR(1) series over the 26 weeks (WEEK_SD, WEEK_RHO)."""
    weeks = N_DAYS // 7
    out = {}
    for name, sd in WEEK_SD.items():
        series = np.empty(weeks)
        series[0] = rng.normal(0.0, sd)
        for i in range(1, weeks):
            series[i] = WEEK_RHO * series[i - 1] + rng.normal(0.0, sd * np.sqrt(1 - WEEK_RHO**2))
        out[name] = series
    return out


def _lognormal(rng, median, sigma, size=None):
    """Lognormal draws with the given median(s); size defaults to the broadcast shape."""
    if size is None:
        size = np.broadcast_shapes(np.shape(median), np.shape(sigma))
    return np.exp(np.log(median) + sigma * rng.standard_normal(size))


def _creation_seconds(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Seconds since START for each ticket, from the channel's day and hour profile."""
    dow = (np.arange(N_DAYS) % 7)                     # START is a Monday
    out = np.empty(channel.size, dtype=np.int64)
    for c in range(len(CHANNELS)):
        idx = np.flatnonzero(channel == c)
        cell_w = (DOW_PROFILE[c][dow][:, None] * HOUR_PROFILE[c][None, :]).ravel()
        cum = np.cumsum(cell_w)
        cell = np.searchsorted(cum, rng.uniform(0.0, cum[-1], idx.size), side="right")
        out[idx] = cell.astype(np.int64) * 3600 + rng.integers(0, 3600, idx.size)
    return out


def _draw_categorical(rng, probs_per_row: np.ndarray) -> np.ndarray:
    """One draw per row from the row's probability vector (rows: n x k)."""
    cum = np.cumsum(probs_per_row, axis=1)
    u = rng.uniform(0.0, 1.0, probs_per_row.shape[0])[:, None]
    return np.minimum((u >= cum).sum(axis=1), probs_per_row.shape[1] - 1)


def _cut(z: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """Index of the category whose normal-quantile interval holds z."""
    thresholds = np.array([_ND.inv_cdf(p) for p in np.cumsum(dist)[:-1]])
    return np.searchsorted(thresholds, z, side="right")


# ================================================================ tickets
def generate_tickets(n_tickets: int | None = None, seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """Generate the ticket table (canonical columns), vectorised and seeded.

    Parameters
    ----------
    n_tickets : int, optional
        Number of tickets over the 26 weeks (default 36,000).
    seed : int
        Seed for ``numpy.random.SeedSequence``; the same seed gives the same data.

    Returns
    -------
    pandas.DataFrame
        Columns ``TICKET_COLUMNS`` in order, sorted by ``created_at``.
        Timestamps are ``datetime64[s]`` (NaT = missing), ``handle_minutes``
        float (1 decimal), booleans ``bool``, ``csat`` / ``nps`` nullable Int8.
    """
    n = DEFAULT_TICKETS if n_tickets is None else int(n_tickets)
    if n < 1:
        raise ValueError(f"n_tickets must be at least 1, got {n}")
    streams = _streams(seed)
    agent_w, agent_log_mult = _agent_table(streams["organisation"])
    rng = streams["tickets"]

    # --- arrival: channel, then a day/hour cell from that channel's profile
    channel = rng.choice(len(CHANNELS), size=n, p=CHANNEL_MIX).astype(np.int8)
    created = _creation_seconds(rng, channel)
    order = np.argsort(created, kind="stable")
    created, channel = created[order], channel[order]
    after = created >= CHANGE_SEC
    a = after.astype(np.int64)
    week = np.minimum(created // (7 * 86400), N_DAYS // 7 - 1)
    wk = {name: series[week] for name, series in _week_effects(streams["weeks"]).items()}

    category = _draw_categorical(rng, CATEGORY_MIX[channel]).astype(np.int8)
    agent = rng.choice(len(AGENTS), size=n, p=agent_w).astype(np.int8)

    # --- first response
    frt_med = (FRT_MEDIAN[channel] * np.where(after, FRT_AFTER_FACTOR[channel], 1.0)
               * np.exp(wk["frt"]))
    frt_min = _lognormal(rng, frt_med, FRT_SIGMA[channel])
    late = rng.uniform(size=n) < FRT_LATE_P[channel]
    frt_min[late] += rng.uniform(2 * 1440, 6 * 1440, late.sum())
    frt_sec = np.maximum(np.rint(frt_min * 60.0).astype(np.int64), 5)

    # --- handling time
    aht_med = (AHT_MEDIAN[channel] * np.where(after, AHT_AFTER_FACTOR[channel], 1.0)
               * np.exp(agent_log_mult[agent] + wk["aht"]))
    handle = _lognormal(rng, aht_med, AHT_SIGMA[channel])
    outlier = rng.uniform(size=n) < AHT_OUTLIER_P
    handle[outlier] *= rng.uniform(5.0, 10.0, outlier.sum())
    handle = np.round(np.clip(handle, 0.5, AHT_MAX), 1)
    handle_sec = np.rint(handle * 60.0).astype(np.int64)

    # --- resolution. Stuck tickets (never resolved) are drawn first and are not
    # FCR; FCR among the rest is scaled so the overall FCR rate is as specified.
    stuck = rng.uniform(size=n) < STUCK_P
    agent_fcr = _agent_fcr(agent_w)                   # (agents, 2): share points, before/after
    p_fcr = (FCR_BEFORE[channel] + agent_fcr[agent, a] + wk["fcr"]) / (1.0 - STUCK_P)
    is_web = channel == CHANNELS.index("web")
    z_fulfil = rng.standard_normal(n)
    z_noise = rng.standard_normal(n)
    u_fcr = rng.uniform(size=n)
    z_fcr = WEB_FCR_RHO * z_fulfil + np.sqrt(1 - WEB_FCR_RHO ** 2) * z_noise
    web_thr = np.array([[_ND.inv_cdf((FCR_BEFORE[3] + shift) / (1 - STUCK_P)) for shift in row]
                        for row in agent_fcr])
    web_shift = wk["fcr"] / _ND.pdf(_ND.inv_cdf(FCR_BEFORE[3]))  # the same share points
    fcr = np.where(is_web, z_fcr < web_thr[agent, a] + web_shift, u_fcr < p_fcr) & ~stuck

    # non-web: FCR resolves at the end of the first contact, otherwise a follow-up
    waiting = rng.uniform(size=n) < WAITING_P
    follow_h = np.where(waiting,
                        _lognormal(rng, WAITING_MEDIAN_H, WAITING_SIGMA, n),
                        _lognormal(rng, FOLLOWUP_MEDIAN_H, FOLLOWUP_SIGMA, n))
    close_sec = rng.integers(0, 600, n)   # email: closed within minutes of the reply
    fcr_extra = np.where(channel == CHANNELS.index("email"), close_sec, handle_sec)
    follow_h = follow_h * np.exp(wk["follow"])
    extra_sec = np.where(fcr, fcr_extra, handle_sec + np.rint(follow_h * 3600.0).astype(np.int64))
    # web: fulfilment time independent of the period; FCR correlates with it
    web_sec = handle_sec + np.rint(
        np.exp(np.log(WEB_FULFIL_MEDIAN_H) + WEB_FULFIL_SIGMA * z_fulfil + wk["follow"])
        * 3600.0
    ).astype(np.int64)
    extra_sec = np.where(is_web, web_sec, extra_sec)

    first_resp = created + frt_sec
    resolved = first_resp + extra_sec
    responded = first_resp <= SNAPSHOT_SEC
    is_resolved = (resolved <= SNAPSHOT_SEC) & ~stuck & responded
    fcr &= is_resolved          # not known to be first-contact resolved while open

    # --- outcomes
    complaint = rng.uniform(size=n) < (np.where(after, COMPLAINT_P[1], COMPLAINT_P[0])
                                       * np.exp(wk["complaint"]))
    reopened = (rng.uniform(size=n) < REOPEN_P) & is_resolved
    csat_resp = (rng.uniform(size=n) < CSAT_RESPONSE_P) & is_resolved
    nps_resp = csat_resp & (rng.uniform(size=n) < NPS_GIVEN_CSAT_P)
    z_csat = rng.standard_normal(n) + wk["survey"]
    csat = np.zeros(n, dtype=np.int64)
    for period in (0, 1):
        f0 = FCR_BEFORE @ CHANNEL_MIX + FCR_LIFT * period
        for is_fcr, dist in ((True, CSAT_DIST[period] + CSAT_FCR_SHIFT * (1 - f0)),
                             (False, CSAT_DIST[period] - CSAT_FCR_SHIFT * f0)):
            m = (a == period) & (fcr == is_fcr)
            csat[m] = _cut(z_csat[m], dist) + 1
    z_nps = NPS_CSAT_RHO * z_csat + np.sqrt(1 - NPS_CSAT_RHO ** 2) * rng.standard_normal(n)
    nps = np.where(after, _cut(z_nps, NPS_DIST[1]), _cut(z_nps, NPS_DIST[0]))

    # --- assemble
    def ts(sec, valid):
        out = START + sec.astype("timedelta64[s]")
        out[~valid] = np.datetime64("NaT")
        return out

    width = max(6, len(str(n)))
    ids = "T" + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)
    handle_out = np.where(responded, handle, np.nan)
    return pd.DataFrame({
        "id": ids.astype(object),
        "created_at": ts(created, np.ones(n, dtype=bool)),
        "first_response_at": ts(first_resp, responded),
        "resolved_at": ts(resolved, is_resolved),
        "handle_minutes": handle_out,
        "channel": np.asarray(CHANNELS, dtype=object)[channel],
        "category": np.asarray(CATEGORIES, dtype=object)[category],
        "site": np.asarray(AGENT_SITE, dtype=object)[agent],
        "agent": np.asarray(AGENTS, dtype=object)[agent],
        "first_contact_resolved": fcr,
        "complaint": complaint,
        "reopened": reopened,
        "csat": pd.arrays.IntegerArray(np.where(csat_resp, csat, 0).astype(np.int8), ~csat_resp),
        "nps": pd.arrays.IntegerArray(np.where(nps_resp, nps, 0).astype(np.int8), ~nps_resp),
    }, columns=list(TICKET_COLUMNS))


# ================================================================ small tables
def _date_in(rng, lo: np.datetime64, hi: np.datetime64, size: int,
             weekdays_only: bool = True) -> np.ndarray:
    days = np.arange(lo, hi, dtype="datetime64[D]")
    if weekdays_only:
        days = days[np.is_busday(days)]
    return np.sort(rng.choice(days, size=size))


def generate_surveys(rng: np.random.Generator, n_per_period: int = 600) -> pd.DataFrame:
    """Questionnaires, long format: one row per answer (about 3% of answers skipped)."""
    questions = ("overall", "speed", "courtesy", "knowledge", "ease")
    base, lift = np.array(SURVEY_BASE), np.array(SURVEY_LIFT)
    frames = []
    for period, (lo, hi) in enumerate(((START, CHANGE), (CHANGE, END))):
        dates = _date_in(rng, lo, hi, n_per_period)
        site = rng.choice(len(SITES), size=n_per_period, p=np.array(SITE_AGENTS) / 40)
        person = rng.normal(0.0, 0.55, n_per_period)[:, None]
        latent = base + lift * period + person + rng.normal(0.0, 0.6, (n_per_period, 5))
        score = np.clip(np.rint(latent), 1, 5).astype(np.int64)
        frames.append(pd.DataFrame({
            "respondent_id": np.repeat(np.arange(n_per_period) + period * n_per_period, 5),
            "date": np.repeat(dates, 5),
            "site": np.repeat(np.asarray(SITES, dtype=object)[site], 5),
            "question": np.tile(np.asarray(questions, dtype=object), n_per_period),
            "score": score.ravel(),
        }))
    df = pd.concat(frames, ignore_index=True)
    df = df[rng.uniform(size=len(df)) >= 0.03].reset_index(drop=True)
    df["respondent_id"] = "R" + (df["respondent_id"] + 1).astype(str).str.zfill(4)
    return df


def generate_audits(rng: np.random.Generator, n_per_period: int = 40) -> pd.DataFrame:
    """Process audits: three 0-10 sub-scores (TPS = sum), modestly better after."""
    frames = []
    for period, (lo, hi) in enumerate(((START, CHANGE), (CHANGE, END))):
        agent = rng.integers(0, len(AGENTS), n_per_period)
        mean = np.array([7.4, 6.8, 7.1]) + np.array([0.3, 0.7, 0.4]) * period
        auditor_day = rng.normal(0.0, 0.5, (n_per_period, 1))
        scores = mean + auditor_day + rng.normal(0.0, 0.7, (n_per_period, 3))
        scores = np.round(np.clip(scores, 0, 10), 1)
        frames.append(pd.DataFrame({
            "date": _date_in(rng, lo, hi, n_per_period),
            "site": np.asarray(AGENT_SITE, dtype=object)[agent],
            "agent": np.asarray(AGENTS, dtype=object)[agent],
            "normativity": scores[:, 0], "efficiency": scores[:, 1], "experience": scores[:, 2],
        }))
    df = pd.concat(frames, ignore_index=True)
    df.insert(0, "audit_id", [f"AU{i:03d}" for i in range(1, len(df) + 1)])
    return df


def generate_mystery_shopper(rng: np.random.Generator, n_per_period: int = 20) -> pd.DataFrame:
    """Mystery-shopper visits: three 0-10 sub-scores (TDS = sum); speed better after."""
    frames = []
    for period, (lo, hi) in enumerate(((START, CHANGE), (CHANGE, END))):
        mean = np.array([7.6, 7.2, 6.4]) + np.array([0.2, 0.2, 0.9]) * period
        scores = mean + rng.normal(0.0, 0.8, (n_per_period, 3))
        scores = np.round(np.clip(scores, 0, 10), 1)
        frames.append(pd.DataFrame({
            "date": _date_in(rng, lo, hi, n_per_period),
            "site": np.asarray(SITES, dtype=object)[rng.integers(0, len(SITES), n_per_period)],
            "channel": np.asarray(CHANNELS, dtype=object)[
                rng.choice(len(CHANNELS), n_per_period, p=CHANNEL_MIX)],
            "attitude": scores[:, 0], "knowledge": scores[:, 1], "speed": scores[:, 2],
        }))
    df = pd.concat(frames, ignore_index=True)
    df.insert(0, "visit_id", [f"MS{i:03d}" for i in range(1, len(df) + 1)])
    return df


def standards_table() -> pd.DataFrame:
    """The source text's example (4.2): weighted conformance 0.914."""
    return pd.DataFrame({
        "standard": ["Response within 30 minutes", "One-time resolution",
                     "Satisfaction score >= 4.5"],
        "category": ["speed", "effectiveness", "experience"],
        "weight": [0.20, 0.30, 0.50],
        "conformance": [0.95, 0.88, 0.92],
        # the same standards as rules on the tickets (stages.standards measures them per
        # window; the typed-in conformance above is the source text's example)
        "rule": ["first_response_minutes <= 30", "first_contact_resolved", "csat >= 4.5"],
    })


def process_steps_table(tickets: pd.DataFrame) -> pd.DataFrame:
    """Steps of an email ticket; triage is automated after the change.

    ``volume`` (tickets per week through the step) is taken from the
    generated before period: all email tickets, and the email tickets not
    resolved at first contact for "wait for customer".
    """
    before_email = tickets[(tickets["created_at"] < CHANGE) & (tickets["channel"] == "email")]
    weeks = (CHANGE - START) / np.timedelta64(7, "D")
    per_week = round(float(len(before_email)) / weeks)
    not_fcr = round(float((~before_email["first_contact_resolved"]).sum()) / weeks)
    return pd.DataFrame({
        "step": ["triage", "lookup", "diagnose", "respond", "wait for customer", "close"],
        "minutes_before": [6.0, 5.0, 10.0, 7.0, 120.0, 3.0],
        "minutes_after": [0.5, 3.0, 9.0, 6.5, 90.0, 1.0],
        "value_added": [False, False, True, True, False, False],
        "volume": [per_week, per_week, per_week, per_week, not_fcr, per_week],
    })


def generate_training(rng: np.random.Generator, n_people: int = TRAINED) -> pd.DataFrame:
    """Pre/post training scores (0-100) of the trained agents (A01-A30); average
    improvement about 12%."""
    pre = np.clip(np.rint(rng.normal(66.0, 7.0, n_people)), 35, 90)
    post = np.clip(np.rint(pre * rng.normal(1.12, 0.06, n_people)), 0, 100)
    return pd.DataFrame({"person": list(AGENTS[:n_people]),
                         "pre_score": pre.astype(np.int64), "post_score": post.astype(np.int64),
                         # the record's action "Train agents on the knowledge base" (3 Apr);
                         # agents A31-A40 were not trained; the trained agents' FCR rises
                         # TRAINED_EXTRA more than the untrained agents' from the go-live
                         "trained_on": TRAINED_ON})


# ================================================================ Chinese export
ZH_COLUMNS = {
    "id": "工单编号", "created_at": "创建时间", "first_response_at": "首次响应时间",
    "resolved_at": "解决时间", "handle_minutes": "处理时长(分钟)", "channel": "渠道",
    "category": "类别", "site": "站点", "agent": "坐席", "first_contact_resolved": "一次解决",
    "complaint": "投诉", "reopened": "重开", "csat": "满意度", "nps": "推荐意愿",
}
ZH_CHANNELS = {"phone": "电话", "email": "邮件", "chat": "在线客服", "web": "网页"}
ZH_CATEGORIES = {"password/account": "密码/账户", "software": "软件", "hardware": "硬件",
                 "network": "网络", "access request": "权限申请", "billing": "账单",
                 "other": "其他"}
ZH_DATE_FORMAT = "%Y/%m/%d %H:%M"
ZH_ROWS = 500


def chinese_export(tickets: pd.DataFrame, rows: int = ZH_ROWS,
                   date_format: str = ZH_DATE_FORMAT) -> pd.DataFrame:
    """The first ``rows`` tickets as a Chinese help-desk system exports them."""
    t = tickets.head(rows).copy()
    for col in ("created_at", "first_response_at", "resolved_at"):
        t[col] = t[col].dt.strftime(date_format).fillna("")
    t["channel"] = t["channel"].map(ZH_CHANNELS)
    t["category"] = t["category"].map(ZH_CATEGORIES)
    for col in BOOL_COLUMNS:
        t[col] = np.where(t[col], "是", "否")
    return t.rename(columns=ZH_COLUMNS)


ZH_SITES = {"Leeds": "北京", "Manchester": "上海", "Glasgow": "广州"}
#: The full Chinese demo export (every ticket) and the mapping that reads it keeping its
#: Chinese values (a zh-CN page names channels, categories and sites as the team does).
ZH_STEPS = {"triage": "分派", "lookup": "查询知识库", "diagnose": "诊断", "respond": "回复",
            "wait for customer": "等待客户", "close": "关闭"}
ZH_QUESTIONS = {"overall": "总体满意度", "courtesy": "服务态度", "ease": "办理便捷",
                "knowledge": "专业知识", "speed": "响应速度"}
ZH_STANDARDS = {"Response within 30 minutes": "30 分钟内响应", "One-time resolution": "一次解决",
                "Satisfaction score >= 4.5": "满意度评分 ≥ 4.5"}
ZH_STANDARD_CATEGORIES = {"speed": "速度", "effectiveness": "有效性", "experience": "体验"}
ZH_FULL_NAME = "tickets_zh_full_gb18030.csv"
ZH_FULL_DATE_FORMAT = "%Y/%m/%d %H:%M:%S"   # to the second: the demo's figures, in Chinese
ZH_MAPPING_NAME = "mapping_zh_full.yaml"


def chinese_demo_export(tickets: pd.DataFrame) -> pd.DataFrame:
    """Every demo ticket as a Chinese help desk exports it: Chinese headers, channels,
    categories, sites (北京/上海/广州) and 是/否; times to the second, so every figure is
    the English demo's; the same tickets, seeded, as the English file."""
    t = chinese_export(tickets, rows=len(tickets), date_format=ZH_FULL_DATE_FORMAT)
    t[ZH_COLUMNS["site"]] = tickets["site"].map(ZH_SITES).to_numpy()
    return t


def chinese_small_tables(small: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The Chinese demo's own surveys, audits, mystery-shopper visits, standards and
    process steps: the same rows as the English tables, their sites, channels,
    questions, standards and steps in Chinese (the column names stay canonical)."""
    def recoded(df: pd.DataFrame, **tables: dict[str, str]) -> pd.DataFrame:
        return df.assign(**{column: df[column].map(table) for column, table in tables.items()})

    return {
        "surveys_zh": recoded(small["surveys"], site=ZH_SITES, question=ZH_QUESTIONS),
        "audits_zh": recoded(small["audits"], site=ZH_SITES),
        "mystery_shopper_zh": recoded(small["mystery_shopper"], site=ZH_SITES,
                                      channel=ZH_CHANNELS),
        "standards_zh": recoded(small["standards"], standard=ZH_STANDARDS,
                                category=ZH_STANDARD_CATEGORIES),
        "process_steps_zh": recoded(small["process_steps"], step=ZH_STEPS),
    }


def chinese_demo_mapping() -> str:
    """The mapping of :func:`chinese_demo_export` (YAML text): columns, date format,
    encoding and 是/否; no ``values:`` table, so the Chinese values stay as they are."""
    columns = "".join(f"  {canonical}: {source}\n" for canonical, source in ZH_COLUMNS.items())
    return ("# Chinese demo export (data/demo/" + ZH_FULL_NAME + "): every demo ticket with\n"
            "# Chinese headers and values, GB18030, CRLF, times to the second. Generated by\n"
            "# data/generate_demo.py: do not edit. The channel, category and site values are\n"
            "# kept in Chinese on purpose (no values: table), so zh-CN pages name them as\n"
            "# the team does.\n"
            "columns:          # canonical name: source column name\n" + columns
            + f'date_format: "{ZH_FULL_DATE_FORMAT}"\n'
            "encoding: gb18030\n"
            "true_values: [是]\n"
            "false_values: [否]\n"
            'snapshot: "2026-07-06 00:00"   # when the export was taken\n')


# ================================================================ ground truth
def _web_ttr_median_hours(rng: np.random.Generator, n: int = 1_000_000) -> float:
    """Population median of web time to resolve (same in both periods), by simulation."""
    c = CHANNELS.index("web")
    frt = _lognormal(rng, FRT_MEDIAN[c], FRT_SIGMA[c], n) / 60.0
    aht = _lognormal(rng, AHT_MEDIAN[c], AHT_SIGMA[c], n) / 60.0
    fulfil = _lognormal(rng, WEB_FULFIL_MEDIAN_H, WEB_FULFIL_SIGMA, n)
    # stuck tickets never resolve: they sit above every finite time
    ttr = np.where(rng.uniform(size=n) < STUCK_P, np.inf, frt + aht + fulfil)
    return float(np.median(ttr))


def effects_document(seed: int, n_tickets: int, truth_rng: np.random.Generator) -> dict:
    """The injected effects (population values of the generator), for effects.yaml."""
    fcr_b = float(FCR_BEFORE @ CHANNEL_MIX)
    csat45 = [float(d[3:].sum()) for d in CSAT_DIST]
    csat_mean = [float(d @ np.arange(1, 6)) for d in CSAT_DIST]
    nps = [float(100 * (d[9:].sum() - d[:7].sum())) for d in NPS_DIST]
    web_ttr = round(_web_ttr_median_hours(truth_rng), 1)
    r = lambda x, k=4: round(float(x), k)  # noqa: E731

    def eff(kpi, segment, before, after, change, unit, column, note, kind="injected"):
        rel = None if before in (None, 0) or after is None else r((after - before) / before)
        ab = None if before is None or after is None else r(after - before)
        return {"kpi": kpi, "kind": kind, "table": "tickets", "column": column,
                "segment": segment, "before": before, "after": after, "unit": unit,
                "change": change, "relative_change": rel, "absolute_change": ab,
                "note": note}

    email, chat, phone = (CHANNELS.index(c) for c in ("email", "chat", "phone"))
    agent_w, _ = _agent_table(_streams(seed)["organisation"])
    shift = _agent_fcr(agent_w)
    weak = AGENTS.index(WEAK_AGENT)
    groups = {f"{AGENTS[0]}-{AGENTS[TRAINED - 1]} (trained)": slice(0, TRAINED),
              f"{AGENTS[TRAINED]}-{AGENTS[-1]} (untrained)": slice(TRAINED, len(AGENTS))}
    group_fcr = {name: fcr_b + agent_w[g] @ shift[g] / agent_w[g].sum()
                 for name, g in groups.items()}
    effects = [
        eff("first_response_median", {"channel": "email"}, FRT_MEDIAN[email].item(),
            FRT_MEDIAN[email].item() * 0.75, "relative", "minutes", "first_response_at",
            "lognormal scale x 0.75 (median -25%)"),
        eff("fcr_rate", {}, r(fcr_b), r(fcr_b + FCR_LIFT), "absolute", "proportion",
            "first_contact_resolved", "+6 percentage points, every channel"),
        *[eff("fcr_rate", {"channel": c}, r(FCR_BEFORE[i]), r(FCR_BEFORE[i] + FCR_LIFT),
              "absolute", "proportion", "first_contact_resolved", "+6 percentage points")
          for i, c in enumerate(CHANNELS)],
        eff("fcr_rate", {"agent": WEAK_AGENT}, r(fcr_b + shift[weak, 0]),
            r(fcr_b + shift[weak, 1]), "absolute", "proportion", "first_contact_resolved",
            f"an agent {WEAK_FCR * 100:.0f} points below the other agents in both windows (the "
            "baseline's funnel by agent names it below the 99.8% limits); untrained, so it "
            "gains only the lift every agent gets"),
        *[eff("fcr_rate", {"agent": name}, r(value[0]), r(value[1]), "absolute",
              "proportion", "first_contact_resolved", "ticket-weighted over the group's "
              "agents (the untrained group holds the weak agent)")
          for name, value in group_fcr.items()],
        {"kpi": "fcr_training_did", "kind": "injected", "table": "tickets",
         "column": "first_contact_resolved",
         "segment": dict(zip(("trained", "untrained"), groups, strict=True)),
         "before": None, "after": None, "unit": "proportion", "change": "absolute",
         "value": TRAINED_EXTRA,
         "note": f"the trained agents' FCR rises {TRAINED_EXTRA * 100:.0f} points more than "
                 "the untrained agents' from the go-live (their training day "
                 f"{TRAINED_ON}); the lift every agent gets is lowered so the overall lift "
                 f"stays +{FCR_LIFT * 100:.0f} points: the efficiency page's difference in "
                 "differences finds it"},
        eff("aht_median", {"channel": "chat"}, AHT_MEDIAN[chat].item(),
            r(AHT_MEDIAN[chat] * 0.9, 2), "relative", "minutes", "handle_minutes",
            "handling time x 0.90 (-10%)"),
        eff("complaint_rate", {}, COMPLAINT_P[0], COMPLAINT_P[1], "absolute", "proportion",
            "complaint", "share of all tickets"),
        eff("csat_share_4_5", {}, r(csat45[0]), r(csat45[1]), "absolute", "proportion", "csat",
            "share of CSAT answers scoring 4 or 5 (+5 points)"),
        eff("csat_mean", {}, r(csat_mean[0]), r(csat_mean[1]), "absolute", "score 1-5", "csat",
            "follows from the CSAT distribution"),
        eff("nps", {}, r(nps[0], 1), r(nps[1], 1), "absolute", "NPS points", "nps",
            "% promoters (9-10) minus % detractors (0-6), +8 points"),
        eff("aht_median", {"channel": "phone"}, AHT_MEDIAN[phone].item(),
            AHT_MEDIAN[phone].item(), "none", "minutes", "handle_minutes", "no change",
            kind="no_change"),
        eff("aht_median", {"channel": "email"}, AHT_MEDIAN[email].item(),
            AHT_MEDIAN[email].item(), "none", "minutes", "handle_minutes", "no change",
            kind="no_change"),
        eff("aht_median", {"channel": "web"}, AHT_MEDIAN[3].item(), AHT_MEDIAN[3].item(),
            "none", "minutes", "handle_minutes", "no change", kind="no_change"),
        eff("reopen_rate", {}, REOPEN_P, REOPEN_P, "none", "proportion", "reopened",
            "5% of resolved tickets", kind="no_change"),
        eff("time_to_resolve_median", {"channel": "web"}, web_ttr, web_ttr, "none", "hours",
            "resolved_at", "Kaplan-Meier median (open = censored); population value by "
            "simulation", kind="no_change"),
        *[eff("first_response_median", {"channel": c}, FRT_MEDIAN[i].item(),
              FRT_MEDIAN[i].item(), "none", "minutes", "first_response_at", "no change",
              kind="no_change") for i, c in enumerate(CHANNELS) if c != "email"],
        eff("stuck_rate", {}, STUCK_P, STUCK_P, "none", "proportion", "resolved_at",
            "tickets never resolved (open at the snapshot whatever their age)",
            kind="no_change"),
        eff("channel_mix", {}, None, None, "none", "proportion", "channel",
            "phone 35%, email 30%, chat 25%, web 10% in both periods", kind="no_change"),
        *[eff("time_to_resolve_median", {"channel": c}, None, None, "consequence", "hours",
              "resolved_at", "falls as a consequence of the FCR lift"
              + (" and the faster first response" if c == "email" else "")
              + "; not a target of its own", kind="consequence")
          for c in ("phone", "email", "chat")],
    ]
    small = [
        {"kpi": "survey_score_mean", "kind": "injected", "table": "surveys",
         "segment": {"question": q}, "before": b, "after": round(b + lift, 2),
         "unit": "latent score", "change": "absolute",
         "note": "latent mean before rounding and clipping to 1-5; the observed means "
                 "differ a little (clipping at 5 shrinks the lift)"}
        for q, b, lift in zip(("overall", "speed", "courtesy", "knowledge", "ease"),
                              SURVEY_BASE, SURVEY_LIFT, strict=True)
    ] + [
        {"kpi": "audit_mean", "kind": "injected", "table": "audits", "segment": {"score": s},
         "change": "absolute", "before": b, "after": round(b + d, 2), "unit": "score 0-10"}
        for s, b, d in zip(("normativity", "efficiency", "experience"),
                           (7.4, 6.8, 7.1), (0.3, 0.7, 0.4), strict=True)
    ] + [
        {"kpi": "mystery_shopper_mean", "kind": "injected", "table": "mystery_shopper",
         "segment": {"score": s}, "change": "absolute", "before": b, "after": round(b + d, 2),
         "unit": "score 0-10"}
        for s, b, d in zip(("attitude", "knowledge", "speed"),
                           (7.6, 7.2, 6.4), (0.2, 0.2, 0.9), strict=True)
    ] + [
        {"kpi": "training_effect_pct", "kind": "injected", "table": "training", "segment": {},
         "change": "relative", "before": None, "after": None, "unit": "percent", "value": 12.0,
         "note": "(post - pre) / pre x 100; post = pre x N(1.12, 0.06), rounded"},
        {"kpi": "standard_conformance", "kind": "fixed", "table": "standards", "segment": {},
         "change": "none", "before": None, "after": None, "unit": "proportion",
         "value": 0.914, "note": "0.20 x 0.95 + 0.30 x 0.88 + 0.50 x 0.92"},
    ]
    return {
        "description": "Ground truth of the demo data: population values of the generator "
                       "(sample estimates differ by ordinary noise).",
        "generator": "data/generate_demo.py",
        "seed": seed,
        "n_tickets": n_tickets,
        "period_start": "2026-01-05 00:00:00",
        "change_date": "2026-04-06 00:00:00",
        "period_end": "2026-07-05 23:59:59",
        "snapshot": "2026-07-06 00:00:00",
        "before": "created_at < 2026-04-06 (weeks 1-13)",
        "after": "created_at >= 2026-04-06 (weeks 14-26)",
        "week_effects": {"lag1_autocorrelation": WEEK_RHO,
                         "sd": {k: float(v) for k, v in WEEK_SD.items()},
                         "note": "one AR(1) series per outcome over the 26 weeks, the same "
                                 "in both windows in expectation: weeks vary more than "
                                 "chance; no effect of its own"},
        "effects": effects,
        "small_tables": small,
    }


# ================================================================ writing
def _bools_lower(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    for col in df.columns:
        if df[col].dtype == bool:
            df[col] = np.where(df[col].to_numpy(), "true", "false")
    return df


def _write(df: pd.DataFrame, path_stem: Path, fmt: str, float_format: str | None = None) -> Path:
    if fmt == "parquet":
        path = path_stem.with_suffix(".parquet")
        df.to_parquet(path, index=False)
    else:
        path = path_stem.with_suffix(".csv")
        _bools_lower(df).to_csv(path, index=False, lineterminator="\n",
                                float_format=float_format,
                                date_format="%Y-%m-%d %H:%M:%S")
    return path


def generate_all(out_dir: str | Path = DEFAULT_OUT, seed: int = DEFAULT_SEED,
                 n_tickets: int | None = None, fmt: str = "csv") -> list[Path]:
    """Write every demo file into ``out_dir`` and return their paths.

    ``fmt`` ("csv" or "parquet") applies to the tables; the Chinese exports (the first
    500 tickets, and every ticket with its mapping for the Chinese demo) are always
    GB18030 CSVs and the ground truth always ``effects.yaml``.
    """
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"fmt must be 'csv' or 'parquet', got {fmt!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n = DEFAULT_TICKETS if n_tickets is None else int(n_tickets)
    streams = _streams(seed)
    tickets = generate_tickets(n, seed)
    written = [_write(tickets, out / "tickets", fmt, float_format="%.1f")]

    small = {
        "surveys": generate_surveys(streams["surveys"]),
        "audits": generate_audits(streams["audits"]),
        "mystery_shopper": generate_mystery_shopper(streams["mystery"]),
        "standards": standards_table(),
        "process_steps": process_steps_table(tickets),
        "training": generate_training(streams["training"]),
    }
    for name, df in small.items():
        if "date" in df.columns and fmt == "csv":
            df = df.assign(date=pd.to_datetime(df["date"]).dt.strftime("%Y-%m-%d"))
        written.append(_write(df, out / name, fmt))

    zh = out / "tickets_zh_gb18030.csv"
    chinese_export(tickets).to_csv(zh, index=False, encoding="gb18030",
                                   lineterminator="\r\n", float_format="%.1f")
    written.append(zh)
    zh_full = out / ZH_FULL_NAME
    chinese_demo_export(tickets).to_csv(zh_full, index=False, encoding="gb18030",
                                        lineterminator="\r\n", float_format="%.1f")
    written.append(zh_full)
    zh_mapping = out / ZH_MAPPING_NAME
    with open(zh_mapping, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(chinese_demo_mapping())
    written.append(zh_mapping)
    for name, df in chinese_small_tables(small).items():
        if "date" in df.columns and fmt == "csv":
            df = df.assign(date=pd.to_datetime(df["date"]).dt.strftime("%Y-%m-%d"))
        written.append(_write(df, out / name, fmt))

    eff = out / "effects.yaml"
    doc = effects_document(seed, n, streams["truth"])
    with open(eff, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("# Generated by data/generate_demo.py: do not edit; see data/README.md\n")
        yaml.safe_dump(doc, fh, sort_keys=False, allow_unicode=True, width=100)
    written.append(eff)
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seed", type=int, default=DEFAULT_SEED,
                   help="random seed (default %(default)s)")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="output directory (default data/demo beside this script)")
    p.add_argument("--tickets", type=int, default=None, metavar="N",
                   help=f"number of tickets (default {DEFAULT_TICKETS:,})")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="fmt",
                   help="table format (default %(default)s)")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    paths = generate_all(args.out, args.seed, args.tickets, args.fmt)
    for path in paths:
        print(f"{path}  {path.stat().st_size:,} bytes")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
