"""The KPIs of the service-quality method, each a small pure function returning an Estimate.

Section numbers refer to the source text. Rates carry Wilson intervals, means t
intervals, durations Kaplan-Meier medians with open tickets censored.

>>> from pdcakit import metrics
>>> metrics.efficiency_gain(40, 30)
0.25
"""

from .durations import DurationSummary, duration_minutes, first_response_time, time_to_resolve
from .method import (
                     composite_score,
                     efficiency_gain,
                     relative_change,
                     roi,
                     standards_conformance,
                     standards_conformance_value,
                     training_effect,
)
from .proportions import (
                     automation_share,
                     complaint_rate,
                     csat,
                     fcr,
                     proportion_estimate,
                     reopen_rate,
                     resolution_rate,
                     sla_attainment,
                     sla_met,
)
from .registry import KPIS, KpiSpec, Scorecard, scorecard
from .scores import aht, audit_score, csat_mean, csi, mean_estimate, mystery_shopper_score, nps
from .series import pareto, per_period, segment_estimates, segment_table

__all__ = [
    "KPIS", "DurationSummary", "KpiSpec", "Scorecard", "aht", "audit_score", "automation_share",
    "complaint_rate", "composite_score", "csat", "csat_mean", "csi", "duration_minutes",
    "efficiency_gain", "fcr", "first_response_time", "mean_estimate", "mystery_shopper_score",
    "nps", "pareto", "per_period", "proportion_estimate", "relative_change", "reopen_rate",
    "resolution_rate", "roi", "scorecard", "segment_estimates",
    "segment_table", "sla_attainment", "sla_met", "standards_conformance",
    "standards_conformance_value", "time_to_resolve", "training_effect",
]
