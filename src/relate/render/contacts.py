"""How ``list`` looks: one row per contact; CSV and JSON carry every field of the
public record (``CONTACT_FIELDS``, docs/json.md). And the one-line confirmations of
add, edit, archive, unarchive and delete."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from relate import dates
from relate.render import output
from relate.services import fields
from relate.services.contacts import Added, Edited, StillOpen, csv_columns, csv_record
from relate.services.fields import Address
from relate.services.matching import ContactRef

COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Name", "name", style="bold"),
    output.Column("Org", "org", drop=2),
    output.Column("Type", "type"),
    output.Column("Owner", "owner"),
    output.Column("Tags", "tags", style="cyan", drop=3),
    output.Column("Stage", "stage", drop=4),
    output.Column("Cadence", "cadence", drop=1),
    output.Column("Last contact", "last_contact", keep=True),
    output.Column("E-mail", "emails"),
)
# Who, what and when stay at any width: on a narrow screen stage, tags, org and cadence
# give way (in that order) before a header would be cut.
# `list --format ids`: one contact id per line, nothing else (`| relate edit -`).
LIST_FORMATS = (*output.FORMATS, "ids")


def write(records: Iterable[dict[str, object]], fmt: str, keys: Sequence[str] = ()) -> None:
    """The contacts in ``fmt``; ``keys``: the custom fields that CSV gives a column."""
    if fmt == "ids":
        output.write_lines(str(record["id"]) for record in records)
        return
    if fmt == "csv":
        rows = (csv_record(record, keys) for record in records)
        output.write_records(rows, csv_columns(keys), COLUMNS, fmt)
        return
    output.write_records(records, (), COLUMNS, fmt)


# What the contact commands say when they are done (add, edit, archive, unarchive, delete).


def added(added: Added) -> None:
    """'Added #12 Ann Smith', after a warning for each contact it may duplicate (--force)."""
    ref = added.ref
    for duplicate in added.duplicates:
        output.warn(f"{ref.label()} may be the same person as {duplicate.label()}")
    output.say(f"Added {ref.label()}")


def address_line(address: Address) -> str:
    """'work: Main St 1, Springfield, 62701, USA'."""
    line = fields.address_line(address)
    return f"{address.kind}: {line}" if address.kind else line


def _value(value: object) -> str:
    if value is None or value == [] or value == "" or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):  # custom fields
        return output.plain_cell(", ".join(f"{key}={item}" for key, item in value.items()))
    if isinstance(value, list) and value and isinstance(value[0], dict):  # addresses
        return output.plain_cell("; ".join(address_line(Address(**item)) for item in value))
    return output.plain_cell(value)


def edited(edited: Sequence[Edited], *, dry_run: bool) -> None:
    """What `edit` of several contacts (or --dry-run) did, a line each: 'Updated #3
    Bob Jones: cadence none → monthly'; 'Would update ...' for a dry run."""
    verb = "Would update" if dry_run else "Updated"
    for one in edited:
        if not one.changes:
            unchanged(one.ref)
            continue
        changes = "; ".join(
            f"{change.field.replace('_', ' ')} {_value(change.before)} → {_value(change.after)}"
            for change in one.changes
        )
        output.say(f"{verb} {one.ref.label()}: {changes}")
    if dry_run:
        output.say("Dry run: nothing written")


def unchanged(ref: ContactRef) -> None:
    output.say(f"Nothing changed: {ref.label()} already is as asked")


def updated(ref: ContactRef, name: str | None) -> None:
    """'Updated #3 Ann Smith', with the new name when edit gave one."""
    output.say(f"Updated #{ref.id} {name.strip() if name else ref.name}")


def revisit_due(
    new_id: int | None, ref: ContactRef, at: datetime, all_day: bool, today: date
) -> None:
    when = dates.format_moment(at.date(), None if all_day else at.time(), today)
    output.say(f"Reminder #{new_id} to revisit {ref.name} due {when}")


def archive_unchanged(ref: ContactRef, archived: bool) -> None:
    output.say(f"Nothing changed: {ref.label()} is {'' if archived else 'not '}archived")


def archive_done(ref: ContactRef, archived: bool, still: StillOpen) -> None:
    """'Archived #2 Bob Stone'; with what stays on the agenda: '...; still in today:
    1 open reminder, 2 open concerns'."""
    message = f"{'Archived' if archived else 'Unarchived'} {ref.label()}"
    parts = [
        f"{count} open {what}{'' if count == 1 else 's'}"
        for count, what in ((still.reminders, "reminder"), (still.concerns, "concern"))
        if count
    ]
    if archived and parts:
        message += "; still on the agenda: " + ", ".join(parts)
    output.say(message)


def deleted(ref: ContactRef) -> None:
    output.say(f"Deleted {ref.label()}")
