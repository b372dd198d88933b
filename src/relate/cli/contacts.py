"""Contact commands: add, edit, show, list, archive, unarchive, delete."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Annotated, Any, get_type_hints

import typer

from relate import dates, terminal
from relate.cli import state
from relate.cli.app import app
from relate.cli.options import (
    AliasOption,
    BirthdayOption,
    ContactArg,
    EmailOption,
    EveryOption,
    ExactContactArg,
    FormatOption,
    NoteOption,
    OrgOption,
    PhoneOption,
    PriorityOption,
    RoleOption,
    StageOption,
    TagOption,
    TypeOption,
)
from relate.cli.parsing import moment
from relate.errors import RelateError
from relate.render import contacts as render_contacts
from relate.render import output
from relate.services import contacts as service
from relate.services import reminders
from relate.services.matching import resolve_contact
from relate.storage.database import Database

OwnerOption = Annotated[
    str | None,
    typer.Option(
        "--owner",
        help="Who owns this relationship (default for a new contact: you, as relate whoami says).",
    ),
]
ReferredByOption = Annotated[
    str | None, typer.Option("--referred-by", help="The contact who introduced them.")
]


@dataclass(frozen=True)
class ContactOptions:
    """The options add and edit share, as typed; ``contact_options`` declares them."""

    email: EmailOption = None
    phone: PhoneOption = None
    org: OrgOption = None
    role: RoleOption = None
    tag: TagOption = None
    alias: AliasOption = None
    every: EveryOption = None
    birthday: BirthdayOption = None
    type_: TypeOption = None
    stage: StageOption = None
    priority: PriorityOption = None
    note: NoteOption = None


class contact_options:  # lower case: it is used as a decorator
    """Declare the fields of ``ContactOptions`` as options of ``command``, where its
    ``options: ContactOptions`` parameter stands (so ``--help`` lists them in that
    place), and hand them to it as one ``ContactOptions``.

    The signature Typer reads is made only when Typer asks for it, so commands that do
    not run pay nothing (start-up time, docs/performance.md).
    """

    def __init__(self, command: Callable[..., None]) -> None:
        functools.update_wrapper(self, command)
        self._command = command

    def __call__(self, **given: Any) -> None:
        names = [f.name for f in fields(ContactOptions)]
        options = ContactOptions(**{name: given.pop(name) for name in names})
        self._command(**given, options=options)

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        hints = get_type_hints(ContactOptions, include_extras=True)
        shared = [
            inspect.Parameter(
                f.name,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                default=None,
                annotation=hints[f.name],
            )
            for f in fields(ContactOptions)
        ]
        own = inspect.signature(self._command, eval_str=True)
        parameters: list[inspect.Parameter] = []
        for parameter in own.parameters.values():
            parameters += shared if parameter.name == "options" else [parameter]
        # Evaluated once here: Typer's type hints then need no second reading of the text.
        self.__annotations__ = {p.name: p.annotation for p in parameters}
        return own.replace(parameters=parameters)


def _input(
    db: Database,
    given: ContactOptions,
    *,
    name: str | None,
    owner: str | None,
    referred_by: str | None,
) -> service.ContactInput:
    """The contact fields add and edit share, each parsed by the domain's own rules."""
    return service.ContactInput(
        name=name,
        aliases=given.alias or [],
        emails=given.email or [],
        phones=given.phone or [],
        tags=given.tag or [],
        org=given.org,
        role=given.role,
        relationship_type=service.choose(
            given.type_, service.RELATIONSHIP_TYPES, "relationship type"
        )
        if given.type_
        else None,
        stage=service.choose(given.stage, service.STAGES, "stage") if given.stage else None,
        cadence_days=dates.parse_cadence(given.every) if given.every else None,
        priority=service.parse_priority(given.priority) if given.priority else None,
        notes=given.note,
        birthday=dates.parse_month_day(given.birthday, state.today()) if given.birthday else None,
        owner=_owner(owner),
        referred_by_id=resolve_contact(db, referred_by).id if referred_by else None,
    )


def _owner(value: str | None) -> str | None:
    if value is None:
        return None
    name = " ".join(value.split())
    if not name:
        raise RelateError("--owner needs a name", hint="relate whoami shows yours")
    return name


@app.command()
@contact_options
def add(
    name: Annotated[str, typer.Argument(help="Full name.", show_default=False)],
    options: ContactOptions,
    owner: OwnerOption = None,
    referred_by: ReferredByOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Add them even if a contact has the same e-mail, phone or name."
        ),
    ] = False,
) -> None:
    """Add a contact and print its id.

    A likely duplicate (a contact with the same e-mail, the same phone number, or the
    same name ignoring case and accents) is refused, naming that contact; --force adds
    the new one anyway, with a warning.

    \b
    Example:
      relate add "Ann Smith" --email ann@acme.com --org Acme --every "2 weeks"
    """
    db = state.database(create=True)
    data = _input(db, options, name=name, owner=owner, referred_by=referred_by)
    if data.owner is None:
        data.owner = state.user()
    added = service.add_new_contact(db, data, state.now(), force=force)
    render_contacts.added(added)


@app.command()
@contact_options
def edit(
    contact: ContactArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    options: ContactOptions = ContactOptions(),
    remove_email: Annotated[
        list[str] | None, typer.Option("--remove-email", help="Remove an e-mail.")
    ] = None,
    remove_phone: Annotated[
        list[str] | None, typer.Option("--remove-phone", help="Remove a phone number.")
    ] = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag.")] = None,
    remove_alias: Annotated[
        list[str] | None, typer.Option("--remove-alias", help="Remove an alias.")
    ] = None,
    no_cadence: Annotated[
        bool, typer.Option("--no-cadence", help="Stop tracking a contact cadence.")
    ] = False,
    owner: OwnerOption = None,
    referred_by: ReferredByOption = None,
    decides: Annotated[
        bool | None,
        typer.Option(
            "--decides/--no-decides",
            help="Mark them as a decision-maker at their organisation (or no longer).",
            show_default=False,
        ),
    ] = None,
    revisit: Annotated[
        str | None,
        typer.Option(
            "--revisit",
            help="Remind you to revisit them on this date (after a cooling-off period).",
        ),
    ] = None,
) -> None:
    """Change a contact. List options (--email, --tag, ...) add; --remove-*/--untag remove.

    \b
    Example:
      relate edit ann --stage commitment --tag vip --every monthly
      relate edit ann --org Acme --role CTO --decides
    """
    db = state.database()
    ref = resolve_contact(db, contact)
    data = _input(db, options, name=name, owner=owner, referred_by=referred_by)
    data.remove_emails = remove_email or []
    data.remove_phones = remove_phone or []
    data.remove_tags = untag or []
    data.remove_aliases = remove_alias or []
    data.clear_cadence = no_cadence
    data.decides = decides
    revisit_on = moment(revisit) if revisit else None
    new_id = None
    with db.transaction():  # one command, one transaction, one undo step
        service.edit_contact(db, ref, data, state.now())
        if revisit_on is not None:
            new_id = reminders.add_reminder(
                db,
                contact_id=ref.id,
                text=f"Revisit {ref.name}",
                due=revisit_on.at,
                all_day=revisit_on.all_day,
                rrule=None,
                now=state.now(),
            )
    if not db.changed:
        render_contacts.unchanged(ref)
        return
    render_contacts.updated(ref, name)
    if revisit_on is not None:
        render_contacts.revisit_due(new_id, ref, revisit_on.at, revisit_on.all_day, state.today())


@app.command("list")
def list_(
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only this tag.")] = None,
    stage: StageOption = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    archived: Annotated[
        bool, typer.Option("--archived", help="Include archived contacts.")
    ] = False,
    owner: Annotated[
        str | None,
        typer.Option("--owner", help="Only the contacts this person owns (any case)."),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """List contacts, sorted by name.

    \b
    Example:
      relate list --tag client --format csv > clients.csv
      relate list --owner ann
    """
    chosen = output.resolve_format(fmt)
    where = service.ContactFilter(
        tag=tag,
        stage=service.choose(stage, service.STAGES, "stage") if stage else None,
        org=org,
        include_archived=archived,
        owner=_owner(owner),
    )
    render_contacts.write(service.iter_records(state.database(), where), chosen)


@app.command()
def show(
    contact: ContactArg,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Timeline entries to show.")
    ] = 20,
    fmt: FormatOption = None,
) -> None:
    """Show a contact's card and timeline (logs, reminders, dates), newest first.

    \b
    Example:
      relate show ann
    """
    from relate.render import card as render_card  # here: add, edit and list need neither
    from relate.services import timeline

    chosen = output.resolve_format(fmt)
    db = state.database()
    card = timeline.card(db, resolve_contact(db, contact), limit)
    render_card.write(card, chosen, limit, me=state.user())


def _set_archived(contact: str, archived: bool) -> None:
    db = state.database()
    # Archiving hides a person from the agenda: like delete, only a sure name will do.
    ref = resolve_contact(db, contact, exact=archived)
    service.set_archived(db, ref, archived, state.now())
    if not db.changed:
        render_contacts.archive_unchanged(ref, archived)
        return
    render_contacts.archive_done(ref, archived)


@app.command()
def archive(contact: ExactContactArg) -> None:
    """Archive a contact: kept with their history, hidden from lists and the agenda.

    \b
    Example:
      relate archive "Old Client"
    """
    _set_archived(contact, True)


@app.command()
def unarchive(contact: ContactArg) -> None:
    """Bring an archived contact back.

    \b
    Example:
      relate unarchive "Old Client"
    """
    _set_archived(contact, False)


@app.command()
def delete(
    contact: ExactContactArg,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a contact with their dates, reminders and the logs only they were in.

    Asks first on a terminal; elsewhere --yes is required. Prefer `relate archive`.

    \b
    Example:
      relate delete "Spam Person" --yes
    """
    db = state.database()
    ref = resolve_contact(db, contact, exact=True)
    terminal.current().confirm(
        f"Delete {ref.label()} and their history?",
        yes=yes,
        refusal=f"not deleting {ref.label()} without confirmation",
    )
    service.delete_contact(db, ref)
    render_contacts.deleted(ref)
