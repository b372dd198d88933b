"""The contact filters `list` and `export contacts` share: declared once, read into one
``services.contacts.ContactFilter``."""

from __future__ import annotations

from typing import Annotated

import typer

from relate.cli import state
from relate.errors import RelateError
from relate.services import contacts as service
from relate.services.fields import parse_assignment
from relate.services.matching import resolve_contact

TypeFilter = Annotated[
    str | None,
    typer.Option("--type", help="Only this relationship type (long-term, transactional, ...)."),
]
OwnerFilter = Annotated[
    str | None,
    typer.Option("--owner", help="Only the contacts this person owns (any case)."),
]
PriorityFilter = Annotated[
    str | None, typer.Option("--priority", help="Only this priority: low, normal or high.")
]
NoCadenceFilter = Annotated[
    bool, typer.Option("--no-cadence", help="Only contacts without a cadence.")
]
OverdueFilter = Annotated[
    bool,
    typer.Option("--overdue", help="Only contacts overdue for contact by their cadence."),
]
ReferredByFilter = Annotated[
    str | None,
    typer.Option("--referred-by", metavar="CONTACT", help="Only those this contact introduced."),
]
WhereFilter = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        metavar="KEY=VALUE",
        help="Only contacts whose custom field KEY is VALUE (any case and accents); "
        "repeatable, up to 3.",
    ),
]
SortOption = Annotated[
    str | None,
    typer.Option(
        "--sort",
        help="name; last-contact (longest ago first, never contacted before all); "
        "next-due (most overdue first, no cadence last).",
        show_default=False,
    ),
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", "-n", min=0, help="At most this many contacts.")
]


def owner_name(value: str | None) -> str | None:
    """An owner as typed, spaces tidied; an empty one is refused."""
    if value is None:
        return None
    name = " ".join(value.split())
    if not name:
        raise RelateError("--owner needs a name", hint="relate whoami shows yours")
    return name


def contact_filter(
    *,
    relationship_type: str | None,
    owner: str | None,
    priority: str | None,
    no_cadence: bool,
    overdue: bool,
    referred_by: str | None,
    sort: str | None,
    limit: int | None,
    tag: str | None = None,
    stage: str | None = None,
    org: str | None = None,
    include_archived: bool = False,
    by_id: bool = False,
    where: list[str] | None = None,
) -> service.ContactFilter:
    """The filter the options say, each value checked by the domain's own rules; the
    contact of --referred-by is resolved (ambiguous: candidates and exit 3)."""
    chosen_sort = None
    if sort is not None:
        chosen_sort = service.choose(sort, service.SORTS, "sort")
    referrer = None
    if referred_by is not None:
        referrer = resolve_contact(state.database(), referred_by).id
    return service.ContactFilter(
        tag=tag,
        stage=service.choose(stage, service.STAGES, "stage") if stage else None,
        org=org,
        include_archived=include_archived,
        by_id=by_id,
        owner=owner_name(owner),
        relationship_type=service.choose(
            relationship_type, service.RELATIONSHIP_TYPES, "relationship type"
        )
        if relationship_type
        else None,
        priority=service.parse_priority(priority) if priority else None,
        no_cadence=no_cadence,
        overdue_on=state.today() if overdue else None,
        referred_by_id=referrer,
        sort=chosen_sort,
        limit=limit,
        where_fields=tuple(parse_assignment(text, "--where") for text in where or []),
    )
