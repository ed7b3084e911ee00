"""The demo cycles, one per language: which record ``pdca demo`` places and runs.

``pdca demo`` runs the English demo (``demo-helpdesk`` on ``data/demo/tickets.csv``);
``pdca demo --language zh-CN`` the Chinese one (``demo-helpdesk-zh``: the same seeded
tickets exported by a Chinese help desk, ``data/demo/tickets_zh_full_gb18030.csv`` with
Chinese headers and values in GB18030, read by ``demo:mapping_zh_full.yaml``, and a
record written in Chinese whose ``language: zh-CN`` makes every page Chinese). The
Chinese record ships with the demo data (``data/demo/demo-helpdesk-zh.yaml``), so the
source checkout's own ``pdca/`` keeps only the English demo.

Each demo carries the registers the method keeps, in its language: the feedback and
complaint registers its stages read (``data/demo/feedback.csv``, ``complaints.csv``:
Chinese and English items), its supervision plan (``data/demo/supervision.yaml``, or
``supervision_zh.yaml`` written in Chinese; the finding F1 opened the demo cycle) and the
export of the weeks since adoption that ``pdca monitor`` holds the gain against
(``tickets_since_adoption.csv``, the same seeded tickets in the canonical columns, read
with ``monitor_mapping``).

>>> demo = demo_cycle("zh-CN")
>>> demo.cycle, demo.template.name
('demo-helpdesk-zh', 'demo-helpdesk-zh.yaml')
>>> demo.decision[:9]
'首次解决率 FCR'
>>> demo.plan.name, demo.monitor_data, demo.monitor_mapping
('supervision_zh.yaml', 'demo:tickets_since_adoption.csv', {})
>>> demo_cycle("fr")
Traceback (most recent call last):
...
pdcakit.errors.UsageError: --language: 'fr' is not one of en, zh-CN (en: English, \
zh-CN: Simplified Chinese)
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pdcakit.errors import UsageError
from pdcakit.run.project import ProjectPaths, bundled
from pdcakit.words import N_, check_language, words

__all__ = ["DEMO_CYCLES", "DEMO_MONITOR_DATA", "DEMO_PLANS", "DemoCycle", "demo_cycle",
           "place_demo"]

#: Language -> the demo cycle's id and its record's file (English: ``pdca/``, the
#: checkout's own record; other languages: beside the demo data).
DEMO_CYCLES: dict[str, tuple[str, str, str]] = {
    "en": ("demo-helpdesk", "demo_record", "demo-helpdesk.yaml"),
    "zh-CN": ("demo-helpdesk-zh", "demo", "demo-helpdesk-zh.yaml"),
}
#: Language -> the demo's supervision plan, beside the demo data.
DEMO_PLANS: dict[str, str] = {"en": "supervision.yaml", "zh-CN": "supervision_zh.yaml"}
#: The weeks since adoption ``pdca monitor`` checks, in the canonical columns: read with no
#: mapping (``{}``), whatever mapping the cycle's own export needs.
DEMO_MONITOR_DATA = "demo:tickets_since_adoption.csv"

_DECISION = N_("FCR rose about 6 points with the knowledge base and email triage, the 74% "
               "target is met with enough data, and no KPI got worse: adopt as standard work.")
_STARTING = N_("Running the demo cycle '{cycle}' on the bundled demo data ...")


@dataclass(frozen=True)
class DemoCycle:
    """One language's demo: its cycle id, the record shipped for it, and the words
    ``pdca demo`` prints and records in that language."""

    language: str
    cycle: str
    template: Path

    @property
    def plan(self) -> Path:
        """The demo's supervision plan, in its language (written as
        ``pdca/supervision.yaml`` into a workbook without a plan of its own)."""
        return bundled("demo") / DEMO_PLANS[self.language]

    @property
    def monitor_data(self) -> str:
        """The export ``pdca monitor`` holds the adopted demo cycle's gain against."""
        return DEMO_MONITOR_DATA

    @property
    def monitor_mapping(self) -> dict[str, str]:
        """Its mapping: none (``{}``), its columns are the canonical ones."""
        return {}

    @property
    def decision(self) -> str:
        """The note ``pdca demo`` records with its adopt decision."""
        return words(self.language)._(_DECISION)

    @property
    def starting(self) -> str:
        """The line ``pdca demo`` prints before it runs the stages."""
        return words(self.language)._(_STARTING, cycle=self.cycle)


def demo_cycle(language: str = "en") -> DemoCycle:
    """The demo cycle of ``language``; an unknown language is a UsageError naming the
    choices (``pdca demo --language``)."""
    try:
        check_language(language)
    except ValueError as exc:
        raise UsageError(f"--{exc}") from None
    cycle, folder, name = DEMO_CYCLES[language]
    return DemoCycle(language=language, cycle=cycle, template=bundled(folder) / name)


def place_demo(paths: ProjectPaths, language: str = "en") -> DemoCycle:
    """Write the demo record of ``language`` into the workbook's ``pdca/`` (the source
    checkout's English record is the template itself and stays in place); ``pdca demo``
    then resets its log and runs it."""
    demo = demo_cycle(language)
    target = paths.record(demo.cycle)
    if target.resolve() != demo.template.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(demo.template, target)
    return demo
