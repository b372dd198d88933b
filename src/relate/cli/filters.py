"""The contact filters `list` and `export contacts` share: declared once, read into one
``services.contacts.ContactFilter``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from relate.cli import state
from relate.cli.options import OptionGroup
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


@dataclass(frozen=True)
class FilterOptions:
    """The contact filters as typed; ``filter_options`` declares them."""

    type_: TypeFilter = None
    owner: OwnerFilter = None
    priority: PriorityFilter = None
    no_cadence: NoCadenceFilter = False
    overdue: OverdueFilter = False
    referred_by: ReferredByFilter = None
    where: WhereFilter = None
    sort: SortOption = None
    limit: LimitOption = None

    def given(self) -> list[str]:
        """The options given, by name (for refusing them where they do not apply)."""
        named = {
            "--type": self.type_,
            "--owner": self.owner,
            "--priority": self.priority,
            "--no-cadence": self.no_cadence or None,
            "--overdue": self.overdue or None,
            "--referred-by": self.referred_by,
            "--where": self.where or None,
            "--sort": self.sort,
            "--limit": self.limit,
        }
        return [name for name, value in named.items() if value is not None]


NO_FILTER = FilterOptions()


class filter_options(OptionGroup):  # lower case: it is used as a decorator
    """Declare the fields of ``FilterOptions`` as options of ``command``, where its
    ``filter_by: FilterOptions`` parameter stands, and hand them to it as one record."""

    record = FilterOptions
    parameter = "filter_by"


def contact_filter(
    given: FilterOptions,
    *,
    tag: str | None = None,
    stage: str | None = None,
    org: str | None = None,
    include_archived: bool = False,
    by_id: bool = False,
) -> service.ContactFilter:
    """The filter the options say, each value checked by the domain's own rules; the
    contact of --referred-by is resolved (ambiguous: candidates and exit 3)."""
    relationship_type, priority = given.type_, given.priority
    chosen_sort = None
    if given.sort is not None:
        chosen_sort = service.choose(given.sort, service.SORTS, "sort")
    referrer = None
    if given.referred_by is not None:
        referrer = resolve_contact(state.database(), given.referred_by).id
    return service.ContactFilter(
        tag=tag,
        stage=service.choose(stage, service.STAGES, "stage") if stage else None,
        org=org,
        include_archived=include_archived,
        by_id=by_id,
        owner=owner_name(given.owner),
        relationship_type=service.choose(
            relationship_type, service.RELATIONSHIP_TYPES, "relationship type"
        )
        if relationship_type
        else None,
        priority=service.parse_priority(priority) if priority else None,
        no_cadence=given.no_cadence,
        overdue_on=state.today() if given.overdue else None,
        referred_by_id=referrer,
        sort=chosen_sort,
        limit=given.limit,
        where_fields=tuple(parse_assignment(text, "--where") for text in given.where or []),
    )
