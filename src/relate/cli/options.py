"""Option types shared by several commands, defined once."""

from __future__ import annotations

from typing import Annotated

import typer

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="table (terminal default), plain (piped default), csv or json.",
        show_default=False,
    ),
]
ContactArg = Annotated[
    str,
    typer.Argument(
        help="A contact: #id, name or alias (any case and accents), a unique prefix, "
        "or a close spelling.",
        show_default=False,
    ),
]
EmailOption = Annotated[
    list[str] | None, typer.Option("--email", "-e", help="E-mail address (repeatable).")
]
PhoneOption = Annotated[
    list[str] | None, typer.Option("--phone", "-p", help="Phone number (repeatable).")
]
TagOption = Annotated[list[str] | None, typer.Option("--tag", "-t", help="Tag (repeatable).")]
AliasOption = Annotated[
    list[str] | None, typer.Option("--alias", help="Nickname or other name (repeatable).")
]
OrgOption = Annotated[str | None, typer.Option("--org", help="Organisation.")]
RoleOption = Annotated[str | None, typer.Option("--role", help="Role at the organisation.")]
EveryOption = Annotated[
    str | None,
    typer.Option("--every", help="Contact cadence: 'every 2 weeks', monthly, quarterly, 30d..."),
]
BirthdayOption = Annotated[
    str | None, typer.Option("--birthday", help="Birthday: 1985-03-14, 03-14 or 'mar 14'.")
]
TypeOption = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="Relationship type: transactional, long-term, personal-assistance, "
        "dedicated-assistance, self-service, automated, community, co-creation.",
    ),
]
StageOption = Annotated[
    str | None,
    typer.Option(
        "--stage",
        help="Stage: exploration, awareness, expansion, commitment, dissolution.",
    ),
]
PriorityOption = Annotated[
    str | None, typer.Option("--priority", help="Priority: low, normal or high.")
]
NoteOption = Annotated[str | None, typer.Option("--note", help="Free notes about the contact.")]
