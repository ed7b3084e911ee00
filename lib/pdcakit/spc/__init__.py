"""Statistical process control: run charts (Anhøj rules), I / MR / p / u
control charts with phases and Laney's p' and u', and process capability.

Every function returns a frozen dataclass with numpy arrays for per-point
values, a plain-language ``sentence`` and ``as_dict()`` for JSON.

Phases (``part``) work the same way everywhere: give 0-based positions where
a new phase starts (``part=[12]``) or one label per point; each phase gets
its own centre, limits and runs analysis, listed in ``result.phases``, and
the scalar fields of the result describe the last phase. ``freeze=k``
computes the centre and limits from the first ``k`` points and extends them.

Period labels (``labels``) work the same way everywhere too: one label per
point (period start dates, or strings such as ``"2024-03"``) makes the
sentences name periods instead of point numbers; :func:`period_names` says how
dates are written. Without labels the sentences count points.

>>> from pdcakit import spc
>>> spc.run_chart([5, 7, 6, 8, 4, 9, 6, 5, 7, 6]).signal
False
"""

from ._common import period_names
from .autocorrelation import AutocorrelationCheck, autocorrelation
from .capability import CapabilityResult, capability
from .control import (
    AttributeChartResult,
    ControlPhase,
    IChartResult,
    MRChartResult,
    PChartResult,
    UChartResult,
    i_chart,
    mr_chart,
    p_chart,
    u_chart,
)
from .icons import Assurance, Variation, assurance_icon, variation
from .logchart import LOG_SCALE_NOTE, LogIChartResult, log_i_chart
from .phases import PhaseSplit, split_phases
from .rebase import ASSURANCE, ASSURANCE_MEANING, Rebase, RebasedChart, assurance, rebased_chart
from .rules import RULE_SETS, RuleHits, apply_rules, compare_rule_sets, rule_set_name
from .runs import RunChartResult, RunsAnalysis, anhoej_limits, run_chart

__all__ = [
    "ASSURANCE",
    "ASSURANCE_MEANING",
    "LOG_SCALE_NOTE",
    "RULE_SETS",
    "Assurance",
    "AttributeChartResult",
    "AutocorrelationCheck",
    "CapabilityResult",
    "ControlPhase",
    "IChartResult",
    "LogIChartResult",
    "MRChartResult",
    "PChartResult",
    "PhaseSplit",
    "Rebase",
    "RebasedChart",
    "RuleHits",
    "RunChartResult",
    "RunsAnalysis",
    "UChartResult",
    "Variation",
    "anhoej_limits",
    "apply_rules",
    "assurance",
    "assurance_icon",
    "autocorrelation",
    "capability",
    "compare_rule_sets",
    "i_chart",
    "log_i_chart",
    "mr_chart",
    "p_chart",
    "period_names",
    "rebased_chart",
    "rule_set_name",
    "run_chart",
    "split_phases",
    "u_chart",
    "variation",
]
