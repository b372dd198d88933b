"""Option types shared by several commands, defined once."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import MISSING, fields
from typing import Annotated, Any, ClassVar, get_type_hints

import typer

from relate.render.output import FORMATS


def format_option(formats: Sequence[str] = FORMATS) -> Any:
    """The --format option of a command that prints ``formats``; the same tuple goes to
    ``output.resolve_format``, so the help says exactly what is accepted."""
    described = [
        {"table": "table (terminal default)", "plain": "plain (piped default)"}.get(f, f)
        for f in formats
    ]
    return typer.Option(
        "--format",
        "-f",
        help=", ".join(described[:-1]) + " or " + described[-1] + ".",
        show_default=False,
    )


FormatOption = Annotated[str | None, format_option()]
# `list`: the usual formats, and ids (one contact id per line, for `relate edit -`).
ListFormatOption = Annotated[str | None, format_option((*FORMATS, "ids"))]
REPORT_FORMATS = ("table", "plain", "json")
ReportFormatOption = Annotated[str | None, format_option(REPORT_FORMATS)]


def complete_contact(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a contact name: a prefix lookup on the indexed name keys.

    Runs in the completion process (``_RELATE_COMPLETE=...``), so it must be quick and
    quiet: no database is created, and any failure simply offers nothing.
    """
    from relate.services.matching import complete_names
    from relate.storage.database import open_database
    from relate.storage.location import default_location, parse_location

    try:
        chosen = ctx.find_root().params.get("db")
        location = parse_location(chosen) if chosen else default_location()
        path = location.path
        if path is not None and not path.is_file():
            return []
        db = open_database(location if path is None else path, create=False)
        try:
            names = complete_names(db, incomplete)
        finally:
            db.close()
    except Exception:
        return []
    # Typer keeps only values that start with exactly what was typed; matching is
    # case-insensitive, so "an" offers "an" + "n Smith" (relate resolves any case).
    size = len(incomplete)
    return [
        name if name.startswith(incomplete) else incomplete + name[size:]
        for name in names
        if name[:size].casefold() == incomplete.casefold()
    ]


ContactArg = Annotated[
    str,
    typer.Argument(
        help="A contact: #id, name or alias (any case and accents), a unique prefix, "
        "or a close spelling.",
        show_default=False,
        autocompletion=complete_contact,
    ),
]
# For commands that destroy or hide: a near miss there would act on the wrong person.
ExactContactArg = Annotated[
    str,
    typer.Argument(
        help="A contact: #id, the full name or an alias (any case and accents), nothing less.",
        show_default=False,
        autocompletion=complete_contact,
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
AddressOption = Annotated[
    list[str] | None,
    typer.Option(
        "--address",
        help="Postal address (repeatable): 'STREET, CITY, POSTCODE, COUNTRY' (four parts, "
        "one may be empty), or named parts 'street=...; city=...; postcode=...; "
        "country=...' (also po-box, extended, region).",
    ),
]
AddressKindOption = Annotated[
    list[str] | None,
    typer.Option(
        "--address-kind",
        help="home, work or billing: one for every --address, or one each, in order.",
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="KEY=VALUE",
        help="Set a custom field (repeatable); KEY is letters, digits and -.",
    ),
]


class OptionGroup:
    """A decorator (subclassed with ``record`` and ``parameter``) that declares the
    fields of the dataclass ``record`` as options of ``command``, where its
    ``parameter`` stands (so ``--help`` lists them in that place), and hands them to it
    as one record: options that several commands share are declared once.

    The signature Typer reads is made only when Typer asks for it, so commands that do
    not run pay nothing (start-up time, docs/performance.md).
    """

    record: ClassVar[type[Any]]
    parameter: ClassVar[str]

    def __init__(self, command: Callable[..., None]) -> None:
        functools.update_wrapper(self, command)
        self._command = command

    def __call__(self, **given: Any) -> None:
        names = [f.name for f in fields(self.record)]
        group = self.record(**{name: given.pop(name) for name in names})
        self._command(**given, **{self.parameter: group})

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        hints = get_type_hints(self.record, include_extras=True)
        shared = [
            inspect.Parameter(
                f.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None if f.default is MISSING else f.default,
                annotation=hints[f.name],
            )
            for f in fields(self.record)
        ]
        own = inspect.signature(self._command, eval_str=True)
        parameters: list[inspect.Parameter] = []
        for parameter in own.parameters.values():
            parameters += shared if parameter.name == self.parameter else [parameter]
        # Evaluated once here: Typer's type hints then need no second reading of the text.
        self.__annotations__ = {p.name: p.annotation for p in parameters}
        return own.replace(parameters=parameters)
