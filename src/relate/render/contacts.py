"""How ``list`` looks: one row per contact; CSV and JSON carry every field of the
public record (``CONTACT_FIELDS``, docs/json.md). And the one-line confirmations of
add, edit, archive, unarchive and delete."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from relate import dates
from relate.render import output
from relate.services.contacts import CONTACT_FIELDS, Added
from relate.services.matching import ContactRef

COLUMNS = (
    output.Column("ID", "id", style="dim", justify="right", keep=True),
    output.Column("Name", "name", style="bold"),
    output.Column("Org", "org"),
    output.Column("Tags", "tags", style="cyan"),
    output.Column("Stage", "stage"),
    output.Column("Cadence", "cadence"),
    output.Column("E-mail", "emails"),
)


def write(records: Iterable[dict[str, object]], fmt: str) -> None:
    output.write_records(records, CONTACT_FIELDS, COLUMNS, fmt)


# What the contact commands say when they are done (add, edit, archive, unarchive, delete).


def added(added: Added) -> None:
    """'Added #12 Ann Smith', after a warning for each contact it may duplicate (--force)."""
    ref = added.ref
    for duplicate in added.duplicates:
        output.warn(f"{ref.label()} may be the same person as {duplicate.label()}")
    output.say(f"Added {ref.label()}")


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


def archive_done(ref: ContactRef, archived: bool) -> None:
    output.say(f"{'Archived' if archived else 'Unarchived'} {ref.label()}")


def deleted(ref: ContactRef) -> None:
    output.say(f"Deleted {ref.label()}")
