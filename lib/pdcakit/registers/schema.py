"""The two registers' table contracts: feedback items and complaint cases.

Like the ticket schema (:mod:`pdcakit.data.schema`), each names the canonical columns a
mapping renames an export onto, their kinds and which are required; the loaders
(:mod:`pdcakit.registers.loading`) read them through the same pipeline and error contract
(:func:`pdcakit.data.canonical.load_canonical`, :class:`~pdcakit.data.DataError`).

The feedback classes are the method's (4.4.1): 满意度 satisfaction, 服务态度 attitude,
响应速度 response speed, 问题解决能力 problem-solving ability, plus ``other``.

>>> FEEDBACK.required, COMPLAINTS.required
(('id', 'received_at'), ('id', 'received_at'))
>>> class_key("服务态度"), class_key("Response speed"), class_key("billing")
('attitude', 'response_speed', None)
"""

from __future__ import annotations

from pdcakit.data.schema import TableSchema
from pdcakit.words import N_

__all__ = ["CLASSES", "CLASS_NAMES", "CLASS_NAMES_ZH", "COMPLAINTS", "COMPLAINT_ROWS", "FEEDBACK",
           "OTHER", "class_key"]

FEEDBACK = TableSchema(  # feedback by phone, e-mail, online survey (4.4.1)
    name="feedback",
    required=("id", "received_at"),
    kinds={
        "id": "id",
        "received_at": "datetime",
        "channel": "category",       # phone, email, survey, web ...
        "text": "id",                # the customer's words: free text, any language
        "class": "category",         # the class the export already carries (optional)
        "ticket_id": "id",           # the service request it is about (optional)
        "customer_id": "id",         # who gave it (optional)
    },
    ranges={},
)

COMPLAINTS = TableSchema(  # receive -> resolve -> follow up, owner and deadline (ch. 4)
    name="complaints",
    required=("id", "received_at"),
    kinds={
        "id": "id",
        "received_at": "datetime",
        "owner": "category",         # who must close it
        "deadline": "datetime",      # by when it must be closed
        "closed_at": "datetime",     # empty = still open (right-censored)
        "outcome": "category",       # upheld, not upheld, withdrawn ...
        "repeat_of": "id",           # the id of the earlier complaint it repeats
        "channel": "category",
        "customer_id": "id",
        "cycle": "id",               # the improvement cycle the case was escalated to
    },
    ranges={},
)

#: A complaint export with one row per step (received, assigned, resolved, followed up):
#: the case columns plus the step and the time it happened; read when the export maps a
#: ``step`` column, then folded into cases (:mod:`pdcakit.registers.steps`).
COMPLAINT_ROWS = TableSchema(
    name="complaints",
    required=("id",),
    kinds={**COMPLAINTS.kinds, "step": "category", "at": "datetime"},
    ranges={},
)

#: The method's feedback classes, in the order the pages list them, then ``other``.
OTHER = "other"
CLASSES: tuple[str, ...] = ("satisfaction", "attitude", "response_speed", "problem_solving",
                            OTHER)
#: Class key -> its English name (marked for the catalogue; shown through the words layer).
CLASS_NAMES: dict[str, str] = {
    "satisfaction": N_("Satisfaction"),
    "attitude": N_("Service attitude"),
    "response_speed": N_("Response speed"),
    "problem_solving": N_("Problem-solving ability"),
    OTHER: N_("Other"),
}
#: Class key -> the method's own (Chinese) name, accepted in an export's class column.
CLASS_NAMES_ZH: dict[str, str] = {
    "satisfaction": "满意度",
    "attitude": "服务态度",
    "response_speed": "响应速度",
    "problem_solving": "问题解决能力",
    OTHER: "其他",
}


def _spellings() -> dict[str, str]:
    out: dict[str, str] = {}
    for key in CLASSES:
        for text in (key, key.replace("_", " "), key.replace("_", "-"), CLASS_NAMES[key],
                     CLASS_NAMES_ZH[key]):
            out[text.casefold()] = key
    out["attitude".casefold()] = "attitude"
    out["态度"] = "attitude"
    out["other"] = OTHER
    out["其它"] = OTHER
    return out


_SPELLINGS = _spellings()


def class_key(value: str) -> str | None:
    """The class key an export's class value spells (key, English or Chinese name, any
    case), or None when it spells none (the loader then names the rows)."""
    return _SPELLINGS.get(str(value).strip().casefold())
