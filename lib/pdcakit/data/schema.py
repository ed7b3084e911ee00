"""The canonical schemas: the column names every other module relies on.

A source export is mapped onto these names by :mod:`pdcakit.data.mapping`.
Only the columns listed as required for a table are always needed; each KPI
says which optional columns it needs.

>>> TICKETS.required
('id', 'created_at')
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AGGREGATES", "AUDITS", "MYSTERY_SHOPPER", "PROCESS_STEPS", "STANDARDS", "SURVEYS",
           "TABLES", "TICKETS", "TRAINING", "TableSchema"]


@dataclass(frozen=True)
class TableSchema:
    """Column names and kinds of one canonical table.

    ``kinds`` maps each column to one of: ``"id"`` (string), ``"datetime"``,
    ``"number"``, ``"bool"``, ``"category"`` (string).
    ``ranges`` gives inclusive (low, high) bounds for numeric columns; ``integers`` the
    numeric columns that are answers on an integer scale (CSAT 1-5, NPS 0-10), where 3.7
    is an error.
    """

    name: str
    required: tuple[str, ...]
    kinds: dict[str, str]
    ranges: dict[str, tuple[float, float]]
    integers: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.kinds)


TICKETS = TableSchema(
    name="tickets",
    required=("id", "created_at"),
    kinds={
        "id": "id",
        "created_at": "datetime",
        "first_response_at": "datetime",  # empty = no response yet
        "resolved_at": "datetime",        # empty = still open (right-censored)
        "handle_minutes": "number",       # agent handling time
        "channel": "category",            # phone, email, chat, web ...
        "category": "category",
        "site": "category",
        "agent": "category",
        "first_contact_resolved": "bool",
        "complaint": "bool",
        "reopened": "bool",
        "csat": "number",                 # 1-5 satisfaction score
        "nps": "number",                  # 0-10 likelihood to recommend
    },
    ranges={"handle_minutes": (0, 24 * 60), "csat": (1, 5), "nps": (0, 10)},
    integers=("csat", "nps"),
)

AGGREGATES = TableSchema(
    name="aggregates",
    required=("period", "numerator", "denominator"),
    kinds={"period": "datetime", "unit": "category", "numerator": "number",
           "denominator": "number"},
    ranges={"numerator": (0, float("inf")), "denominator": (0, float("inf"))},
)

SURVEYS = TableSchema(
    name="surveys",
    required=("respondent_id", "score"),
    kinds={"respondent_id": "id", "date": "datetime", "site": "category",
           "question": "category", "score": "number"},
    ranges={"score": (1, 5)},
    integers=("score",),
)

AUDITS = TableSchema(  # process audit, TPS = normativity + efficiency + experience (2.1)
    name="audits",
    required=("normativity", "efficiency", "experience"),
    kinds={"audit_id": "id", "date": "datetime", "site": "category", "agent": "category",
           "normativity": "number", "efficiency": "number", "experience": "number"},
    ranges={"normativity": (0, 10), "efficiency": (0, 10), "experience": (0, 10)},
)

MYSTERY_SHOPPER = TableSchema(  # TDS = attitude + knowledge + speed (2.1)
    name="mystery_shopper",
    required=("attitude", "knowledge", "speed"),
    kinds={"visit_id": "id", "date": "datetime", "site": "category", "channel": "category",
           "attitude": "number", "knowledge": "number", "speed": "number"},
    ranges={"attitude": (0, 10), "knowledge": (0, 10), "speed": (0, 10)},
)

STANDARDS = TableSchema(  # standard conformance = sum(weight x conformance) (4.2)
    name="standards",
    required=("standard", "weight", "conformance"),
    kinds={"standard": "category", "category": "category", "weight": "number",
           "conformance": "number"},
    ranges={"weight": (0, 1), "conformance": (0, 1)},
)

PROCESS_STEPS = TableSchema(  # efficiency gain per step (3.1.2)
    name="process_steps",
    required=("step", "minutes_before", "minutes_after"),
    kinds={"step": "category", "minutes_before": "number", "minutes_after": "number",
           "value_added": "bool", "volume": "number"},
    ranges={"minutes_before": (0, float("inf")), "minutes_after": (0, float("inf")),
            "volume": (0, float("inf"))},
)

TRAINING = TableSchema(  # training effect % = (post - pre) / pre x 100 (3.2.3)
    name="training",
    required=("person", "pre_score", "post_score"),
    kinds={"person": "id", "pre_score": "number", "post_score": "number",
           "trained_on": "datetime",  # day of training (empty: not trained)
           },
    ranges={"pre_score": (0, float("inf")), "post_score": (0, float("inf"))},
)

TABLES: dict[str, TableSchema] = {
    s.name: s for s in (TICKETS, AGGREGATES, SURVEYS, AUDITS, MYSTERY_SHOPPER, STANDARDS,
                        PROCESS_STEPS, TRAINING)
}
