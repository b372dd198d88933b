"""Contact commands: add, edit, show, list, archive, unarchive, delete."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Annotated

import typer

from relate import dates, terminal
from relate.cli import filters, state
from relate.cli.app import app
from relate.cli.options import (
    AddressKindOption,
    AddressOption,
    AliasOption,
    BirthdayOption,
    ContactArg,
    EmailOption,
    EveryOption,
    ExactContactArg,
    FormatOption,
    ListFormatOption,
    NoteOption,
    OptionGroup,
    OrgOption,
    PhoneOption,
    PriorityOption,
    RoleOption,
    SetOption,
    StageOption,
    TagOption,
    TypeOption,
    complete_contact,
)
from relate.cli.parsing import moment
from relate.errors import UsageError
from relate.render import contacts as render_contacts
from relate.render import output
from relate.services import contacts as service
from relate.services import reminders
from relate.services.fields import Address, field_key, parse_address, parse_assignment
from relate.services.matching import ContactRef, resolve_contact
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
    address: AddressOption = None
    address_kind: AddressKindOption = None
    set_: SetOption = None


class contact_options(OptionGroup):  # lower case: it is used as a decorator
    """Declare the fields of ``ContactOptions`` as options of ``command``, where its
    ``options: ContactOptions`` parameter stands, and hand them to it as one record."""

    record = ContactOptions
    parameter = "options"


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
        owner=filters.owner_name(owner),
        referred_by_id=resolve_contact(db, referred_by).id if referred_by else None,
        addresses=_addresses(given.address or [], given.address_kind or []),
        fields=_custom_fields(given.set_ or []),
    )


def _addresses(texts: list[str], kinds: list[str]) -> list[Address]:
    """--address with its --address-kind: one kind for all, or one each in order."""
    if kinds and not texts:
        raise UsageError("--address-kind goes with --address")
    if len(kinds) not in (0, 1, len(texts)):
        raise UsageError(
            f"{len(kinds)} --address-kind for {len(texts)} --address",
            hint="give one kind for all of them, or one for each, in the same order",
        )
    paired: list[str | None] = [*kinds] * len(texts) if len(kinds) == 1 else [*kinds]
    paired = paired or [None] * len(texts)
    return [parse_address(text, kind) for text, kind in zip(texts, paired, strict=True)]


def _custom_fields(assignments: list[str]) -> dict[str, str]:
    """--set KEY=VALUE, each key once."""
    found: dict[str, str] = {}
    for text in assignments:
        key, value = parse_assignment(text)
        if key in found and found[key] != value:
            raise UsageError(f"--set {key} is given twice with different values")
        found[key] = value
    return found


def _edit_removals(
    data: service.ContactInput,
    remove: tuple[list[str] | None, ...],
    no_cadence: bool,
    decides: bool | None,
) -> None:
    """The --remove-*/--untag/--unset options of `edit`, onto ``data``."""
    remove_email, remove_phone, untag, remove_alias, remove_address, unset = remove
    data.remove_emails = remove_email or []
    data.remove_phones = remove_phone or []
    data.remove_tags = untag or []
    data.remove_aliases = remove_alias or []
    data.remove_addresses = remove_address or []
    data.unset_fields = [field_key(key) for key in unset or []]
    data.clear_cadence = no_cadence
    data.decides = decides


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

    --address takes four parts between commas (street, city, postcode, country; one
    may be empty) or named parts between ; (street=...; city=...; postcode=...;
    country=...; also po-box, extended, region); other text is refused, never guessed.
    --set KEY=VALUE sets a custom field (`relate list --where KEY=VALUE` finds it).

    \b
    Examples:
      relate add "Ann Smith" --email ann@acme.com --org Acme --every "2 weeks"
      relate add "Bo Ek" --address "Main St 1, Springfield, 62701, USA" --address-kind work
      relate add "Cleo Park" --address "street=Flat 2, 10 Main St; city=London; country=UK"
      relate add "Dan Berg" --set tier=gold --set account-manager=Bob
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
    contacts: Annotated[
        list[str],
        typer.Argument(
            help="A contact: #id, name or alias (any case and accents), a unique prefix, "
            "or a close spelling; or several; - reads them (ids or names, one a line) "
            "from stdin.",
            show_default=False,
            autocompletion=complete_contact,
            metavar="CONTACT...",
        ),
    ],
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
    remove_address: Annotated[
        list[str] | None,
        typer.Option(
            "--remove-address",
            help="Remove the address with this text (all of it, or a part only it has).",
        ),
    ] = None,
    unset: Annotated[
        list[str] | None, typer.Option("--unset", metavar="KEY", help="Remove a custom field.")
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
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
) -> None:
    """Change a contact, or several at once. List options (--email, --tag, ...) add;
    --remove-*/--untag remove.

    --address adds an address (the same one again takes the --address-kind given);
    --remove-address TEXT removes the address that is TEXT, or the only one holding it
    (several: refused, exit 3). --set KEY=VALUE sets a custom field, --unset KEY
    removes it.

    Several contacts (or - to read them from stdin, one id or name a line, as `relate
    list --format ids` prints them) change together: one transaction, one undo step.
    A contact that cannot be found, or is ambiguous, refuses the whole batch (exit 3)
    and nothing is written. --dry-run shows what would change for each.

    \b
    Examples:
      relate edit ann --stage commitment --tag vip --every monthly
      relate edit ann --org Acme --role CTO --decides
      relate edit ann --address "Elm 2, Paris, 75001, France" --address-kind billing
      relate edit ann --remove-address springfield --set tier=silver --unset region
      relate edit ann bob "Cleo Park" --tag newsletter --dry-run
      relate list --tag client --no-cadence --format ids | relate edit - --every monthly
    """
    db = state.database()
    if dry_run or len(contacts) != 1 or contacts[0].strip() == "-":
        _edit_many(
            db,
            contacts,
            options,
            name=name,
            owner=owner,
            referred_by=referred_by,
            remove=(remove_email, remove_phone, untag, remove_alias, remove_address, unset),
            no_cadence=no_cadence,
            decides=decides,
            revisit=revisit,
            dry_run=dry_run,
        )
        return
    ref = resolve_contact(db, contacts[0])
    data = _input(db, options, name=name, owner=owner, referred_by=referred_by)
    removals = (remove_email, remove_phone, untag, remove_alias, remove_address, unset)
    _edit_removals(data, removals, no_cadence, decides)
    revisit_on = moment(revisit) if revisit else None
    new_id = None
    with db.transaction():  # one command, one transaction, one undo step
        service.edit_contact(db, ref, data, state.now(), state.user())
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


def _edit_many(
    db: Database,
    contacts: list[str],
    options: ContactOptions,
    *,
    name: str | None,
    owner: str | None,
    referred_by: str | None,
    remove: tuple[list[str] | None, ...],
    no_cadence: bool,
    decides: bool | None,
    revisit: str | None,
    dry_run: bool,
) -> None:
    """`edit` of several contacts, of contacts read from stdin, or --dry-run: every
    contact resolved before anything is written, then one transaction."""
    refs = _resolve_all(db, contacts)
    if len(refs) > 1 and name is not None:
        raise UsageError("--name renames one contact; give only one")
    if revisit is not None and (len(refs) > 1 or dry_run):
        raise UsageError("--revisit takes one contact, without --dry-run")
    data = _input(db, options, name=name, owner=owner, referred_by=referred_by)
    _edit_removals(data, remove, no_cadence, decides)
    edited = service.edit_contacts(db, refs, data, state.now(), dry_run=dry_run, by=state.user())
    render_contacts.edited(edited, dry_run=dry_run)


def _resolve_all(db: Database, contacts: list[str]) -> list[ContactRef]:
    """The contacts named on the command line, ``-`` standing for stdin's lines."""
    named: list[tuple[int | None, str]] = []
    for argument in contacts:
        if argument.strip() != "-":
            named.append((None, argument))
            continue
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else b""
        text = data.decode("utf-8", errors="replace").lstrip("\ufeff")
        named += [(number, line) for number, line in enumerate(text.splitlines(), 1)]
    return service.resolve_many(db, named)


@app.command("list")
@filters.filter_options
def list_(
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only this tag.")] = None,
    stage: StageOption = None,
    org: Annotated[str | None, typer.Option("--org", help="Only this organisation.")] = None,
    filter_by: filters.FilterOptions = filters.NO_FILTER,
    archived: Annotated[
        bool, typer.Option("--archived", help="Include archived contacts.")
    ] = False,
    fmt: ListFormatOption = None,
) -> None:
    """List contacts, sorted by name (or --sort), with their type, owner and last contact.

    Filters combine (all must hold). --format ids prints one id per line, for a pipe
    into `relate edit -`.

    \b
    Examples:
      relate list --tag client --format csv > clients.csv
      relate list --owner ann --type long-term --priority high
      relate list --no-cadence --sort last-contact --limit 20
      relate list --where tier=gold --format json
      relate list --tag client --no-cadence --format ids | relate edit - --every monthly
    """
    chosen = output.resolve_format(fmt, render_contacts.LIST_FORMATS)
    filtered = filters.contact_filter(
        filter_by, tag=tag, stage=stage, org=org, include_archived=archived
    )
    db = state.database()
    keys = service.field_keys(db) if chosen == "csv" else ()
    render_contacts.write(service.iter_records(db, filtered), chosen, keys)


@app.command()
def show(
    contact: ContactArg,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="Timeline entries to show.")
    ] = 20,
    history: Annotated[
        bool,
        typer.Option(
            "--history", help="Also the earlier notes, with when and by whom each was changed."
        ),
    ] = False,
    fmt: FormatOption = None,
) -> None:
    """Show a contact's card and timeline (logs, reminders, dates), newest first.

    Notes keep their history: `relate edit NAME --note TEXT` keeps the text it
    replaces, which --history shows (JSON: always, as notes_history).

    \b
    Examples:
      relate show ann
      relate show ann --history
    """
    from relate.render import card as render_card  # here: add, edit and list need neither
    from relate.services import timeline

    chosen = output.resolve_format(fmt)
    db = state.database()
    card = timeline.card(db, resolve_contact(db, contact), limit)
    render_card.write(card, chosen, limit, me=state.user(), history=history)


def _set_archived(contact: str, archived: bool) -> None:
    db = state.database()
    # Archiving hides a person from the agenda: like delete, only a sure name will do.
    ref = resolve_contact(db, contact, exact=archived)
    still = service.set_archived(db, ref, archived, state.now())
    if not db.changed:
        render_contacts.archive_unchanged(ref, archived)
        return
    render_contacts.archive_done(ref, archived, still)


@app.command()
def archive(contact: ExactContactArg) -> None:
    """Archive a contact: kept with their history, hidden from lists, cadence and dates.

    Their open reminders and follow-ups (such as an `edit --revisit`) and open
    concerns still show in `today` and `reminders`: that is what they were set for,
    until `done` or `resolve`.

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
