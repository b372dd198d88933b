"""How ``report`` looks: the figures as label/value lines and two tables (contacts by
stage and type, contact frequency by month), or one JSON object (docs/json.md)."""

from __future__ import annotations

from relate.render import output
from relate.services.practice import Report

CONTACTS_COLUMNS = (
    output.Column("Stage", "stage"),
    output.Column("Type", "type"),
    output.Column("Contacts", "contacts", justify="right", keep=True),
)
MONTHLY_COLUMNS = (
    output.Column("Month", "month", keep=True),
    output.Column("Interactions", "interactions", justify="right", keep=True),
    output.Column("People", "people", justify="right", keep=True),
)


def _average(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def _contact_rows(report: Report) -> list[dict[str, object]]:
    return [
        {"stage": row.stage, "type": row.type, "contacts": row.contacts} for row in report.contacts
    ]


def _monthly_rows(report: Report) -> list[dict[str, object]]:
    return [
        {"month": row.month, "interactions": row.interactions, "people": row.people}
        for row in report.monthly
    ]


def record(report: Report) -> dict[str, object]:
    """The report as the public JSON object."""
    concerns = report.concerns
    return {
        "since": report.since.isoformat(),
        "feedback": {
            "responses": report.responses,
            "average": _average(report.average_score),
            "nps": report.nps,
        },
        "engagements_closed": report.engagements_closed,
        "average_satisfaction": _average(report.average_satisfaction),
        "contacts": _contact_rows(report),
        "monthly": _monthly_rows(report),
        "concerns": {
            "open": concerns.open if concerns else 0,
            "resolved": concerns.resolved if concerns else 0,
            "median_days_to_resolve": concerns.median_days_to_resolve if concerns else None,
        },
    }


def _concern_fields(report: Report) -> list[tuple[str, object]]:
    """Open concerns, and how long the ones resolved in the period took (the median)."""
    concerns = report.concerns
    if concerns is None:
        return []
    median = concerns.median_days_to_resolve
    took = None if median is None else f"{median:g} days ({concerns.resolved} resolved)"
    return [("Open concerns", str(concerns.open)), ("Median time to resolve", took)]


def write(report: Report, fmt: str) -> None:
    if fmt == "json":
        output.write_object(record(report))
        return
    output.write_fields(
        [
            ("Since", report.since.isoformat()),
            ("Feedback responses", str(report.responses)),
            ("Average score", _average(report.average_score)),
            ("Net Promoter Score", report.nps),
            ("Engagements closed", str(report.engagements_closed)),
            ("Average satisfaction", _average(report.average_satisfaction)),
            *_concern_fields(report),
        ],
        fmt,
    )
    output.write_table(_contact_rows(report), CONTACTS_COLUMNS, fmt, title="Contacts")
    output.write_table(_monthly_rows(report), MONTHLY_COLUMNS, fmt, title="Contact frequency")
