"""Contacts: create, change, archive, delete, and read them as plain records."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from relate import clock
from relate.dates import MonthDay, format_cadence
from relate.errors import AmbiguousError, RelateError, UsageError
from relate.services.cadence import next_due
from relate.services.fields import ADDRESS_PARTS, Address, address_key, address_record
from relate.services.important_dates import BIRTHDAY, kind_of, upsert_date
from relate.services.matching import ContactRef, fold, resolve_contact
from relate.storage.database import Database
from relate.storage.engines import Row
from relate.storage.sql import statement
from relate.storage.tables import COLUMNS

PRIORITIES = {"low": 0, "normal": 1, "high": 2}
PRIORITY_NAMES = {value: name for name, value in PRIORITIES.items()}
RELATIONSHIP_TYPES = (
    "transactional",
    "long-term",
    "personal-assistance",
    "dedicated-assistance",
    "self-service",
    "automated",
    "community",
    "co-creation",
)
STAGES = ("exploration", "awareness", "expansion", "commitment", "dissolution")

# The public shape of a contact, in JSON and as CSV columns (in this order).
CONTACT_FIELDS = (
    "id",
    "name",
    "aliases",
    "emails",
    "phones",
    "org",
    "role",
    "tags",
    "type",
    "stage",
    "cadence",
    "priority",
    "birthday",
    "notes",
    "archived",
    "owner",  # who owns the relationship (a team's database); null when no one
    "last_contact",  # the local day of the last contact (a note is none); null if never
    "addresses",  # postal addresses: objects of vCard's ADR parts and a kind
    "fields",  # custom fields: an object of key -> value
)
LIST_FIELDS = ("aliases", "emails", "phones", "tags")


def choose(value: str, allowed: Sequence[str], what: str) -> str:
    """Normalise a value that must be one of ``allowed`` (case-insensitive)."""
    normal = value.strip().lower().replace(" ", "-").replace("_", "-")
    if normal not in allowed:
        raise RelateError(f"unknown {what} {value!r}", hint="use one of " + ", ".join(allowed))
    return normal


def parse_priority(value: str) -> int:
    return PRIORITIES[choose(value, tuple(PRIORITIES), "priority")]


def email_key(email: str) -> str:
    return email.strip().lower()


_NOT_DIGIT = re.compile(r"[^\d]")


def phone_key(phone: str) -> str:
    digits = _NOT_DIGIT.sub("", phone)
    return ("+" if phone.strip().startswith("+") else "") + digits


@dataclass
class ContactInput:
    """What a user may set on a contact; ``None`` / empty means "leave as is" on edit."""

    name: str | None = None
    aliases: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    org: str | None = None
    role: str | None = None
    relationship_type: str | None = None
    stage: str | None = None
    cadence_days: int | None = None
    priority: int | None = None
    notes: str | None = None
    birthday: MonthDay | None = None
    owner: str | None = None  # who owns the relationship when a team shares the file
    referred_by_id: int | None = None  # who introduced them
    decides: bool | None = None  # a decision-maker at their organisation
    # Edit only: values to take away, and "clear" switches.
    remove_aliases: list[str] = field(default_factory=list)
    remove_emails: list[str] = field(default_factory=list)
    remove_phones: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)
    clear_cadence: bool = False
    addresses: list[Address] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)  # custom fields to set
    # Edit only: addresses to take away (text found in one address), fields to unset.
    remove_addresses: list[str] = field(default_factory=list)
    unset_fields: list[str] = field(default_factory=list)


INSERT_CONTACT = statement(
    """INSERT INTO contact (name, name_key, org_id, role, relationship_type, stage,
        cadence_days, priority, notes, created_at, updated_at, next_due_on, owner,
        referred_by_id)
    VALUES (:name, :name_key, :org_id, :role, :type, :stage, :cadence_days, :priority,
        :notes, :now, :now, :next_due_on, :owner, :referred_by_id)"""
)
FIND_ORG = statement("SELECT id FROM organisation WHERE name_key = :key")
INSERT_ORG = statement(
    "INSERT INTO organisation (name, name_key, created_at) VALUES (:name, :key, :now)"
)
INSERT_ALIAS = statement(
    "INSERT INTO contact_alias (contact_id, alias, alias_key) VALUES (:id, :value, :key)"
)
INSERT_EMAIL = statement(
    """INSERT INTO contact_email (contact_id, email, email_key, position)
    VALUES (:id, :value, :key,
        (SELECT coalesce(max(position) + 1, 0) FROM contact_email WHERE contact_id = :id))"""
)
INSERT_PHONE = statement(
    """INSERT INTO contact_phone (contact_id, phone, phone_key, position)
    VALUES (:id, :value, :key,
        (SELECT coalesce(max(position) + 1, 0) FROM contact_phone WHERE contact_id = :id))"""
)
INSERT_TAG = statement(
    """INSERT INTO contact_tag (contact_id, tag, tag_key)
    VALUES (:id, :value, :key)
    ON CONFLICT DO NOTHING"""
)
DELETE_ALIAS = statement("DELETE FROM contact_alias WHERE contact_id = :id AND alias_key = :key")
DELETE_EMAIL = statement("DELETE FROM contact_email WHERE contact_id = :id AND email_key = :key")
DELETE_PHONE = statement("DELETE FROM contact_phone WHERE contact_id = :id AND phone_key = :key")
DELETE_TAG = statement("DELETE FROM contact_tag WHERE contact_id = :id AND tag_key = :key")
EXISTING_EMAIL = statement(
    "SELECT 1 FROM contact_email WHERE contact_id = :id AND email_key = :key"
)
EXISTING_PHONE = statement(
    "SELECT 1 FROM contact_phone WHERE contact_id = :id AND phone_key = :key"
)
EXISTING_ALIAS = statement(
    "SELECT 1 FROM contact_alias WHERE contact_id = :id AND alias_key = :key"
)
INSERT_ADDRESS = statement(
    """INSERT INTO contact_address (contact_id, kind, po_box, extended, street, locality,
        region, postal_code, country, address_key, position)
    VALUES (:id, :kind, :po_box, :extended, :street, :locality, :region, :postal_code,
        :country, :key,
        (SELECT coalesce(max(position) + 1, 0) FROM contact_address WHERE contact_id = :id))"""
)
ADDRESSES_OF = statement(
    """SELECT id, kind, address_key FROM contact_address WHERE contact_id = :id
    ORDER BY position, id"""
)
SET_ADDRESS_KIND = statement("UPDATE contact_address SET kind = :kind WHERE id = :address")
DELETE_ADDRESS = statement("DELETE FROM contact_address WHERE id = :address")
# One value per key: a new value replaces the old; the same value writes nothing.
SET_FIELD = statement(
    """INSERT INTO contact_field (contact_id, key, value, value_key)
    VALUES (:id, :key, :value, :value_key)
    ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value,
        value_key = excluded.value_key
    WHERE contact_field.value <> excluded.value"""
)
DELETE_FIELD = statement("DELETE FROM contact_field WHERE contact_id = :id AND key = :key")
INSERT_STAGE_CHANGE = statement(
    "INSERT INTO stage_change (contact_id, stage, changed_at) VALUES (:id, :stage, :now)"
)
CONTACT_STATE = statement(
    """SELECT name, stage, cadence_days, created_at, last_contact_at, notes FROM contact
    WHERE id = :id"""
)
# A contact's notes keep their history: each change keeps the text it replaces.
KEEP_NOTES = statement(
    """INSERT INTO note_history (contact_id, notes, replaced_at, replaced_by)
    VALUES (:id, :notes, :now, :by)"""
)
NOTE_HISTORY = statement(
    """SELECT notes, replaced_at, replaced_by FROM note_history
    WHERE contact_id = :id ORDER BY replaced_at, id"""
)
UPDATE_CONTACT = statement(
    """UPDATE contact SET name = :name, name_key = :name_key,
        org_id = CASE WHEN :set_org THEN :org_id ELSE org_id END,
        role = coalesce(:role, role),
        relationship_type = coalesce(:type, relationship_type),
        stage = coalesce(:stage, stage),
        cadence_days = :cadence_days,
        priority = coalesce(:priority, priority),
        notes = coalesce(:notes, notes),
        owner = coalesce(:owner, owner),
        referred_by_id = coalesce(:referred_by_id, referred_by_id),
        decides = coalesce(:decides, decides),
        next_due_on = :next_due_on,
        updated_at = :now
    WHERE id = :id"""
)
SET_ARCHIVED = statement(
    """UPDATE contact SET archived_at = CASE WHEN :archive THEN coalesce(archived_at, :now) END,
    updated_at = :now WHERE id = :id"""
)
# What an archived contact still has on the agenda (ix_reminder_contact, ix_concern_contact).
COUNT_OPEN_REMINDERS_OF = statement(
    "SELECT count(*) FROM reminder WHERE contact_id = :id AND done_at IS NULL"
)
COUNT_OPEN_CONCERNS_OF = statement(
    "SELECT count(*) FROM concern WHERE contact_id = :id AND resolved_at IS NULL"
)
# Interactions whose only participant is this contact go with it; shared ones stay.
DELETE_SOLE_INTERACTIONS = statement(
    """DELETE FROM interaction WHERE id IN (
        SELECT interaction_id FROM interaction_contact WHERE contact_id = :id)
    AND NOT EXISTS (
        SELECT 1 FROM interaction_contact other
        WHERE other.interaction_id = interaction.id AND other.contact_id != :id)"""
)
DELETE_CONTACT = statement("DELETE FROM contact WHERE id = :id")


def _org_id(conn: Database, org: str, now: str) -> int | None:
    name = org.strip()
    if not name:
        return None
    key = fold(name)
    row = conn.execute(FIND_ORG, {"key": key}).fetchone()
    if row is not None:
        return int(row[0])
    return conn.insert(INSERT_ORG, {"name": name, "key": key, "now": now})


def _clean(values: Sequence[str]) -> list[str]:
    return [value.strip() for value in values if value.strip()]


def _add_lists(conn: Database, contact_id: int, data: ContactInput) -> None:
    for alias in _clean(data.aliases):
        if not conn.execute(EXISTING_ALIAS, {"id": contact_id, "key": fold(alias)}).fetchone():
            conn.execute(INSERT_ALIAS, {"id": contact_id, "value": alias, "key": fold(alias)})
    for email in _clean(data.emails):
        key = email_key(email)
        if not conn.execute(EXISTING_EMAIL, {"id": contact_id, "key": key}).fetchone():
            conn.execute(INSERT_EMAIL, {"id": contact_id, "value": email, "key": key})
    for phone in _clean(data.phones):
        key = phone_key(phone)
        if not conn.execute(EXISTING_PHONE, {"id": contact_id, "key": key}).fetchone():
            conn.execute(INSERT_PHONE, {"id": contact_id, "value": phone, "key": key})
    for tag in _clean(data.tags):
        conn.execute(INSERT_TAG, {"id": contact_id, "value": tag, "key": fold(tag)})
    if data.addresses:
        _add_addresses(conn, contact_id, data.addresses)
    for key, value in data.fields.items():
        conn.execute(
            SET_FIELD, {"id": contact_id, "key": key, "value": value, "value_key": fold(value)}
        )


def _add_addresses(conn: Database, contact_id: int, addresses: Sequence[Address]) -> None:
    """Add each address the contact does not have yet (by ``Address.key``); one it has
    takes the kind given, if any."""
    known: dict[str, tuple[int, str | None]] = {
        str(row["address_key"]): (int(row["id"]), row["kind"])
        for row in conn.execute(ADDRESSES_OF, {"id": contact_id})
    }
    for address in addresses:
        key = address_key(address)
        if key not in known:
            values = dict(zip(ADDRESS_PARTS, address.parts(), strict=True))
            new_id = conn.insert(
                INSERT_ADDRESS, {"id": contact_id, "kind": address.kind, "key": key, **values}
            )
            known[key] = (new_id, address.kind)
            continue
        address_id, kind = known[key]
        if address.kind is not None and kind != address.kind:
            conn.execute(SET_ADDRESS_KIND, {"kind": address.kind, "address": address_id})
            known[key] = (address_id, address.kind)


def address_needle(text: str) -> str:
    """What ``--remove-address`` looks for: the text folded, commas tidied as in
    ``Address.line``."""
    parts = (" ".join(part.split()) for part in fold(text).replace("\n", ",").split(","))
    return ", ".join(part for part in parts if part)


def _remove_addresses(conn: Database, contact_id: int, texts: Sequence[str], name: str) -> None:
    """Remove the address each text names: the one whose text it is, else the one
    holding it; one that holds none is left alone; several: refused with them."""
    for text in texts:
        needle = address_needle(text)
        if not needle:
            raise RelateError("--remove-address needs the text of an address")
        rows = [
            (int(row["id"]), str(row["address_key"]))
            for row in conn.execute(ADDRESSES_OF, {"id": contact_id})
        ]
        found = [row for row in rows if row[1] == needle] or [
            row for row in rows if needle in row[1]
        ]
        if len(found) > 1:
            raise AmbiguousError(
                f"{text.strip()!r} is in {len(found)} addresses of #{contact_id} {name}: "
                + "; ".join(key for _id, key in found),
                hint="give more of the address",
            )
        for address_id, _key in found:
            conn.execute(DELETE_ADDRESS, {"address": address_id})


def _require_name(name: str | None) -> str:
    cleaned = (name or "").strip()
    if not cleaned:
        raise RelateError("a contact needs a name")
    return cleaned


def insert_contact(conn: Database, data: ContactInput, now: datetime) -> int:
    """Insert one contact inside an open transaction (shared by ``add`` and imports)."""
    name = _require_name(data.name)
    stamp = clock.to_storage(now)
    due = next_due(now.date(), data.cadence_days)
    contact_id = conn.insert(
        INSERT_CONTACT,
        {
            "name": name,
            "name_key": fold(name),
            "org_id": _org_id(conn, data.org, stamp) if data.org else None,
            "role": data.role,
            "type": data.relationship_type,
            "stage": data.stage,
            "cadence_days": data.cadence_days,
            "priority": 1 if data.priority is None else data.priority,
            "notes": data.notes or "",
            "now": stamp,
            "next_due_on": due.isoformat() if due else None,
            "owner": data.owner,
            "referred_by_id": data.referred_by_id,
        },
    )
    _add_lists(conn, contact_id, data)
    if data.birthday is not None:
        upsert_date(conn, contact_id, BIRTHDAY, data.birthday, now)
    if data.stage:
        conn.execute(INSERT_STAGE_CHANGE, {"id": contact_id, "stage": data.stage, "now": stamp})
    return contact_id


LAST_CONTACT_ID = statement("SELECT coalesce(max(id), 0) FROM contact")
# A new contact's row as a batch writes it: the models' columns but those a new
# contact leaves to their defaults (not yet archived, never contacted, not a decider).
CONTACT_COLUMNS = tuple(
    column
    for column in COLUMNS["contact"]
    if column not in ("archived_at", "last_contact_at", "decides")
)
BATCH_TABLES = (
    "contact",
    "contact_alias",
    "contact_email",
    "contact_phone",
    "contact_tag",
    "important_date",
    "stage_change",
    "contact_address",
    "contact_field",
)
ADDRESS_COLUMNS = ("contact_id", "kind", *ADDRESS_PARTS, "address_key", "position")


class ContactBatch:
    """New contacts written together, for imports of thousands of records: the same
    rows ``insert_contact`` writes one by one (a test compares every table), in a few
    statements per batch, journaled for undo as one range per table.

    ``add`` checks the record and queues it; ``flush`` writes the queue. Until then a
    queued contact is not in the database: the caller flushes before looking for it.
    """

    def __init__(self, db: Database, now: datetime) -> None:
        self.db = db
        self.now = now
        self._stamp = clock.to_storage(now)
        self._orgs: dict[str, int | None] = {}
        self._queue: list[tuple[ContactInput, Sequence[tuple[str, MonthDay]]]] = []

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, data: ContactInput, dates: Sequence[tuple[str, MonthDay]] = ()) -> None:
        """Queue one new contact (and its dates beyond the birthday, by label)."""
        _require_name(data.name)
        self._queue.append((data, dates))

    def _org(self, org: str | None) -> int | None:
        if not org:
            return None
        key = org.strip()
        if key not in self._orgs:
            self._orgs[key] = _org_id(self.db, org, self._stamp)
        return self._orgs[key]

    def flush(self) -> None:
        if not self._queue:
            return
        db, stamp, today = self.db, self._stamp, self.now.date()
        orgs = [self._org(data.org) for data, _dates in self._queue]
        first = int(db.execute(LAST_CONTACT_ID).fetchone()[0]) + 1
        people: list[tuple[object, ...]] = []
        aliases: list[tuple[object, ...]] = []
        emails: list[tuple[object, ...]] = []
        phones: list[tuple[object, ...]] = []
        tags: list[tuple[object, ...]] = []
        dated: list[tuple[object, ...]] = []
        stages: list[tuple[object, ...]] = []
        addresses: list[tuple[object, ...]] = []
        custom: list[tuple[object, ...]] = []
        queue = zip(self._queue, orgs, strict=True)
        kinds: dict[str, tuple[str, str]] = {}  # a date's label -> kind_of(label)
        for contact_id, ((data, extra), org_id) in enumerate(queue, first):
            name = _require_name(data.name)
            cadence = data.cadence_days
            due = next_due(today, cadence) if cadence else None
            people.append(
                (
                    contact_id,
                    name,
                    fold(name),
                    org_id,
                    data.role,
                    data.relationship_type,
                    data.stage,
                    cadence,
                    1 if data.priority is None else data.priority,
                    data.notes or "",
                    stamp,
                    stamp,
                    due.isoformat() if due else None,
                    data.owner,
                    data.referred_by_id,
                )
            )
            if data.aliases:
                seen: set[str] = set()
                for alias in data.aliases:
                    if (alias := alias.strip()) and (key := fold(alias)) not in seen:
                        seen.add(key)
                        aliases.append((contact_id, alias, key))
            if data.emails:
                seen = set()
                for email in data.emails:
                    # email_key of a stripped e-mail
                    if (email := email.strip()) and (key := email.lower()) not in seen:
                        emails.append((contact_id, email, key, len(seen)))
                        seen.add(key)
            if data.phones:
                seen = set()
                for phone in data.phones:
                    if (phone := phone.strip()) and (key := phone_key(phone)) not in seen:
                        phones.append((contact_id, phone, key, len(seen)))
                        seen.add(key)
            for tag in data.tags:
                if tag := tag.strip():
                    tags.append((contact_id, tag, fold(tag)))
            by_label: dict[str, MonthDay] = {}
            if data.birthday is not None:
                by_label[BIRTHDAY] = data.birthday
            for label, when in extra:
                by_label[label] = when
            for label, when in by_label.items():
                if label not in kinds:
                    kinds[label] = kind_of(label)
                kind, clean_label = kinds[label]
                dated.append(
                    (contact_id, kind, clean_label, when.month, when.day, when.year, 7, stamp)
                )
            if data.stage:
                stages.append((contact_id, data.stage, stamp))
            if data.addresses:
                addresses.extend(_address_rows(contact_id, data.addresses))
            if data.fields:
                custom.extend(
                    (contact_id, key, value, fold(value)) for key, value in data.fields.items()
                )
        with db.inserting(BATCH_TABLES):
            db.insert_rows("contact", CONTACT_COLUMNS, people)
            db.insert_rows("contact_alias", ("contact_id", "alias", "alias_key"), aliases)
            db.insert_rows(
                "contact_email", ("contact_id", "email", "email_key", "position"), emails
            )
            db.insert_rows(
                "contact_phone", ("contact_id", "phone", "phone_key", "position"), phones
            )
            db.insert_rows("contact_tag", ("contact_id", "tag", "tag_key"), tags, ignore=True)
            db.insert_rows(
                "important_date",
                ("contact_id", "kind", "label", "month", "day", "year", "lead_days", "created_at"),
                dated,
            )
            db.insert_rows("stage_change", ("contact_id", "stage", "changed_at"), stages)
            db.insert_rows("contact_address", ADDRESS_COLUMNS, addresses)
            db.insert_rows("contact_field", ("contact_id", "key", "value", "value_key"), custom)
        self._queue.clear()


def _address_rows(contact_id: int, addresses: Sequence[Address]) -> list[tuple[object, ...]]:
    """A new contact's address rows as ``_add_addresses`` writes them: one a key, a
    later one of the same key giving its kind."""
    by_key: dict[str, tuple[Address, str | None]] = {}
    for address in addresses:
        key = address_key(address)
        if key not in by_key:
            by_key[key] = (address, address.kind)
        elif address.kind is not None:
            by_key[key] = (by_key[key][0], address.kind)
    return [
        (contact_id, kind, *address.parts(), key, position)
        for position, (key, (address, kind)) in enumerate(by_key.items())
    ]


SAME_EMAIL = statement(
    """SELECT DISTINCT c.id, c.name, c.archived_at IS NOT NULL AS archived, e.email AS value
    FROM contact_email e JOIN contact c ON c.id = e.contact_id
    WHERE e.email_key = :key ORDER BY c.id"""
)
SAME_PHONE = statement(
    """SELECT DISTINCT c.id, c.name, c.archived_at IS NOT NULL AS archived, p.phone AS value
    FROM contact_phone p JOIN contact c ON c.id = p.contact_id
    WHERE p.phone_key = :key ORDER BY c.id"""
)
SAME_NAME = statement(
    """SELECT id, name, archived_at IS NOT NULL AS archived, name AS value FROM contact
    WHERE name_key = :key ORDER BY id"""
)


@dataclass(frozen=True)
class Duplicate:
    """An existing contact a new one is likely the same person as, and why."""

    ref: ContactRef
    reason: str  # "same e-mail ann@acme.com", "same phone +45 1234", "same name"

    def label(self) -> str:
        archived = ", archived" if self.ref.archived else ""
        return f"{self.ref.label()} ({self.reason}{archived})"


class LikelyDuplicate(UsageError):
    """``add`` of someone who is probably in the book already; --force adds them anyway."""

    def __init__(self, name: str, duplicates: Sequence[Duplicate]) -> None:
        named = " or ".join(duplicate.label() for duplicate in duplicates)
        super().__init__(f"{name!r} may already be {named}", hint="add --force to add them anyway")
        self.duplicates = list(duplicates)


def likely_duplicates(conn: Database, data: ContactInput) -> list[Duplicate]:
    """Contacts sharing an e-mail, a phone number or the folded name with ``data``."""
    found: dict[int, Duplicate] = {}
    checks: list[tuple[str, str, str]] = [
        (SAME_EMAIL, email_key(email), "same e-mail") for email in _clean(data.emails)
    ]
    checks += [
        (SAME_PHONE, key, "same phone")
        for key in (phone_key(phone) for phone in _clean(data.phones))
        if key.strip("+")
    ]
    if data.name and data.name.strip():
        checks.append((SAME_NAME, fold(data.name), "same name"))
    for sql, key, why in checks:
        for row in conn.execute(sql, {"key": key}):
            if int(row["id"]) not in found:
                ref = ContactRef(int(row["id"]), str(row["name"]), bool(row["archived"]))
                reason = why if why == "same name" else f"{why} {row['value']}"
                found[ref.id] = Duplicate(ref, reason)
    return sorted(found.values(), key=lambda duplicate: duplicate.ref.id)


@dataclass(frozen=True)
class Added:
    ref: ContactRef
    duplicates: list[Duplicate]  # added anyway (force): the contacts it may duplicate


def add_contact(
    db: Database, data: ContactInput, now: datetime, *, force: bool = False
) -> ContactRef:
    """Add a contact and return it; a likely duplicate raises ``LikelyDuplicate``."""
    return add_new_contact(db, data, now, force=force).ref


def add_new_contact(
    db: Database, data: ContactInput, now: datetime, *, force: bool = False
) -> Added:
    """Add a contact; a likely duplicate raises ``LikelyDuplicate`` unless ``force``."""
    name = _require_name(data.name)
    with db.transaction() as conn:
        duplicates = likely_duplicates(conn, data)
        if duplicates and not force:
            raise LikelyDuplicate(name, duplicates)
        contact_id = insert_contact(conn, data, now)
    return Added(ContactRef(contact_id, name), duplicates)


def update_contact(
    conn: Database, contact_id: int, data: ContactInput, now: datetime, by: str | None = None
) -> None:
    """Apply the set fields of ``data`` to a contact inside an open transaction. Notes
    that change keep the text they replace (``note_history``), with when and ``by``
    whom (the current user)."""
    stamp = clock.to_storage(now)
    state = conn.execute(CONTACT_STATE, {"id": contact_id}).fetchone()
    if data.notes is not None and data.notes != (state["notes"] or ""):
        conn.execute(
            KEEP_NOTES, {"id": contact_id, "notes": state["notes"] or "", "now": stamp, "by": by}
        )
    name = _require_name(data.name) if data.name is not None else str(state["name"])
    cadence = None if data.clear_cadence else (data.cadence_days or state["cadence_days"])
    last_touch = clock.local_day_of(str(state["last_contact_at"] or state["created_at"]))
    due = next_due(last_touch, cadence)
    conn.execute(
        UPDATE_CONTACT,
        {
            "id": contact_id,
            "name": name,
            "name_key": fold(name),
            "set_org": data.org is not None,
            "org_id": _org_id(conn, data.org, stamp) if data.org else None,
            "role": data.role,
            "type": data.relationship_type,
            "stage": data.stage,
            "cadence_days": cadence,
            "priority": data.priority,
            "notes": data.notes,
            "next_due_on": due.isoformat() if due else None,
            "owner": data.owner,
            "referred_by_id": data.referred_by_id,
            "decides": data.decides,
            "now": stamp,
        },
    )
    for sql, values, keyer in (
        (DELETE_ALIAS, data.remove_aliases, fold),
        (DELETE_EMAIL, data.remove_emails, email_key),
        (DELETE_PHONE, data.remove_phones, phone_key),
        (DELETE_TAG, data.remove_tags, fold),
    ):
        for value in _clean(values):
            conn.execute(sql, {"id": contact_id, "key": keyer(value)})
    if data.remove_addresses:
        _remove_addresses(conn, contact_id, data.remove_addresses, name)
    for key in data.unset_fields:
        conn.execute(DELETE_FIELD, {"id": contact_id, "key": key})
    _add_lists(conn, contact_id, data)
    if data.birthday is not None:
        upsert_date(conn, contact_id, BIRTHDAY, data.birthday, now)
    if data.stage and data.stage != state["stage"]:
        conn.execute(INSERT_STAGE_CHANGE, {"id": contact_id, "stage": data.stage, "now": stamp})


def edit_contact(
    db: Database, ref: ContactRef, data: ContactInput, now: datetime, by: str | None = None
) -> None:
    with db.transaction() as conn:
        update_contact(conn, ref.id, data, now, by)


@dataclass(frozen=True)
class EarlierNote:
    """A text a contact's notes held before a change: when it was written and by whom
    (None: before relate kept the history of notes, or when the contact was added),
    when it was replaced and by whom."""

    notes: str
    written_at: datetime | None
    written_by: str | None
    replaced_at: datetime
    replaced_by: str | None


def note_history(db: Database, contact_id: int) -> list[EarlierNote]:
    """A contact's earlier notes, newest first (empty texts left out)."""
    earlier: list[EarlierNote] = []
    written_at: datetime | None = None
    written_by: str | None = None
    for row in db.execute(NOTE_HISTORY, {"id": contact_id}):
        replaced_at = clock.from_storage(str(row["replaced_at"]))
        if row["notes"]:
            earlier.append(
                EarlierNote(
                    str(row["notes"]), written_at, written_by, replaced_at, row["replaced_by"]
                )
            )
        # The change that replaced this text wrote the next one.
        written_at, written_by = replaced_at, row["replaced_by"]
    return earlier[::-1]


# What `edit` of several contacts compares before and after, for each: the public
# record, who introduced them and whether they decide.
CONTACT_EXTRAS = statement(
    """SELECT c.decides, r.name AS referred_by FROM contact c
    LEFT JOIN contact r ON r.id = c.referred_by_id WHERE c.id = :id"""
)
_NOT_COMPARED = ("id", "archived", "last_contact")


@dataclass(frozen=True)
class Change:
    """One field of a contact as it was and as it is (or would be)."""

    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Edited:
    """A contact ``edit_contacts`` changed (or would change); no ``changes``: it
    already was as asked."""

    ref: ContactRef
    changes: list[Change]


class _DryRun(Exception):
    """Raised at the end of a dry run so its transaction is rolled back."""


def _compared(conn: Database, contact_id: int) -> dict[str, object]:
    record = record_from_row(conn.execute(RECORD_BY_ID, {"id": contact_id}).fetchone())
    extras = conn.execute(CONTACT_EXTRAS, {"id": contact_id}).fetchone()
    shown = {key: value for key, value in record.items() if key not in _NOT_COMPARED}
    shown["referred_by"] = extras["referred_by"]
    shown["decides"] = bool(extras["decides"])
    return shown


def resolve_many(db: Database, named: Sequence[tuple[int | None, str]]) -> list[ContactRef]:
    """The contacts of a batch, each as typed with the line of stdin it came from (None:
    the command line, where a contact is named as everywhere). A line of stdin is an
    id, bare as `list --format ids` prints it, or a #id, or a name; blank lines are
    skipped. The first that names nobody, or several, stops everything: nothing is
    changed (exit 3, with the candidates)."""
    refs = []
    for line, query in named:
        text = query.strip()
        if not text:
            continue
        if line is not None and text.isdigit():
            text = "#" + text
        try:
            refs.append(resolve_contact(db, text))
        except RelateError as exc:
            raise type(exc)(
                exc.message if line is None else f"stdin line {line}: {exc.message}",
                hint=f"{exc.hint}; nothing changed" if exc.hint else "nothing changed",
            ) from None
    if not refs:
        raise UsageError(
            "no contacts to edit", hint="name them, or pipe ids: relate list --format ids"
        )
    return refs


def edit_contacts(
    db: Database,
    refs: Sequence[ContactRef],
    data: ContactInput,
    now: datetime,
    *,
    dry_run: bool = False,
    by: str | None = None,
) -> list[Edited]:
    """Apply ``data`` to every contact of ``refs`` in one transaction (one undo step),
    each once, and say what changed for each; ``dry_run`` says what would change and
    writes nothing."""
    edited: list[Edited] = []
    seen: set[int] = set()
    try:
        with db.transaction() as conn:
            for ref in refs:
                if ref.id in seen:
                    continue
                seen.add(ref.id)
                before = _compared(conn, ref.id)
                update_contact(conn, ref.id, data, now, by)
                after = _compared(conn, ref.id)
                changes = [
                    Change(key, before[key], after[key])
                    for key in before
                    if before[key] != after[key]
                ]
                edited.append(Edited(ref, changes))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return edited


class StillOpen(NamedTuple):
    """What an archived contact still has on the agenda: open reminders and follow-ups
    (an ``edit --revisit``), and open concerns; archiving hides their cadence and
    dates only."""

    reminders: int
    concerns: int


def set_archived(db: Database, ref: ContactRef, archived: bool, now: datetime) -> StillOpen:
    """Archive (or bring back) a contact; returns what of theirs stays on the agenda."""
    params: dict[str, object] = {"id": ref.id, "archive": archived, "now": clock.to_storage(now)}
    with db.transaction() as conn:
        conn.execute(SET_ARCHIVED, params)
        return StillOpen(
            int(conn.execute(COUNT_OPEN_REMINDERS_OF, params).fetchone()[0]),
            int(conn.execute(COUNT_OPEN_CONCERNS_OF, params).fetchone()[0]),
        )


def delete_contact(db: Database, ref: ContactRef) -> None:
    """Delete a contact with its dates, reminders and the interactions only they were in."""
    with db.transaction() as conn:
        conn.execute(DELETE_SOLE_INTERACTIONS, {"id": ref.id})
        conn.execute(DELETE_CONTACT, {"id": ref.id})


# --- reading ------------------------------------------------------------------------

# One row per contact with its lists folded in (unit separator, split in Python), so
# listing and export are a single statement however many contacts there are.
_SEP = "\x1f"
_ADDRESS_SEP = "\x1e"  # between a contact's addresses (and its custom fields)
_RECORD_SELECT = """SELECT c.id, c.name,
    (SELECT group_concat(alias, '\x1f') FROM
        (SELECT alias FROM contact_alias WHERE contact_id = c.id ORDER BY id) AS a) AS aliases,
    (SELECT group_concat(email, '\x1f') FROM
        (SELECT email FROM contact_email WHERE contact_id = c.id ORDER BY position, id) AS e)
        AS emails,
    (SELECT group_concat(phone, '\x1f') FROM
        (SELECT phone FROM contact_phone WHERE contact_id = c.id ORDER BY position, id) AS p)
        AS phones,
    o.name AS org, c.role,
    (SELECT group_concat(tag, '\x1f') FROM
        (SELECT tag FROM contact_tag WHERE contact_id = c.id ORDER BY tag_key) AS t) AS tags,
    c.relationship_type AS type, c.stage, c.cadence_days, c.priority,
    (SELECT CASE WHEN d.year IS NULL THEN printf('--%02d-%02d', d.month, d.day)
        ELSE printf('%04d-%02d-%02d', d.year, d.month, d.day) END
        FROM important_date d WHERE d.contact_id = c.id AND d.kind = 'birthday'
        ORDER BY d.id LIMIT 1) AS birthday,
    c.notes, c.archived_at IS NOT NULL AS archived, c.last_contact_at, c.owner,
    (SELECT r.name FROM contact r WHERE r.id = c.referred_by_id) AS referred_by,
    (SELECT group_concat(address, '\x1e') FROM
        (SELECT coalesce(kind, '') || '\x1f' || po_box || '\x1f' || extended || '\x1f'
            || street || '\x1f' || locality || '\x1f' || region || '\x1f' || postal_code
            || '\x1f' || country AS address
        FROM contact_address WHERE contact_id = c.id ORDER BY position, id) AS ad) AS addresses,
    (SELECT group_concat(field, '\x1e') FROM
        (SELECT key || '\x1f' || value AS field FROM contact_field WHERE contact_id = c.id
        ORDER BY key) AS cf) AS fields
FROM contact c LEFT JOIN organisation o ON o.id = c.org_id"""
# ``list --where KEY=VALUE``: the contacts come off ix_contact_field_key_value (the
# first --where; the others, up to MAX_WHERE, are each one look-up of the contact's key).
MAX_WHERE = 3
_BY_FIELD_FROM = """FROM contact_field w0 JOIN contact c ON c.id = w0.contact_id
    LEFT JOIN organisation o ON o.id = c.org_id"""
_MORE_WHERE = """
    AND (CAST(:where_key{n} AS TEXT) IS NULL OR EXISTS (
        SELECT 1 FROM contact_field w{n} WHERE w{n}.contact_id = c.id
        AND w{n}.key = :where_key{n} AND w{n}.value_key = :where_value{n}))"""

RECORD_BY_ID = statement(_RECORD_SELECT + " WHERE c.id = :id")
_RECORDS_WHERE = """ WHERE (:archived OR c.archived_at IS NULL)
    AND (CAST(:tag AS TEXT) IS NULL OR EXISTS (
        SELECT 1 FROM contact_tag t WHERE t.contact_id = c.id AND t.tag_key = :tag))
    AND (CAST(:stage AS TEXT) IS NULL OR c.stage = :stage)
    AND (CAST(:org AS TEXT) IS NULL OR o.name_key = :org)
    AND (CAST(:owner AS TEXT) IS NULL OR c.owner = :owner COLLATE NOCASE)
    AND (CAST(:type AS TEXT) IS NULL OR c.relationship_type = :type)
    AND (CAST(:priority AS INTEGER) IS NULL OR c.priority = :priority)
    AND (CAST(:referred_by AS INTEGER) IS NULL OR c.referred_by_id = :referred_by)
    AND (NOT :no_cadence OR c.cadence_days IS NULL)
    AND (CAST(:due_by AS TEXT) IS NULL OR c.next_due_on <= :due_by)"""
_FIELD_WHERE = " AND w0.key = :where_key0 AND w0.value_key = :where_value0" + "".join(
    _MORE_WHERE.format(n=n) for n in range(1, MAX_WHERE)
)
# How ``list --sort`` and ``export contacts --sort`` order the contacts: by name; by
# last contact, the longest ago first (never contacted before anyone); by the day the
# cadence is next due, the most overdue first (no cadence last); and, export's
# default, by id. Ties go by name, then id.
SORTS = ("name", "last-contact", "next-due")
_ORDERS = {
    "id": "c.id",
    "name": "c.name COLLATE NOCASE, c.id",
    "last-contact": "c.last_contact_at IS NOT NULL, c.last_contact_at, c.name COLLATE NOCASE, c.id",
    "next-due": "c.next_due_on IS NULL, c.next_due_on, c.name COLLATE NOCASE, c.id",
}
_RECORDS = _RECORD_SELECT + _RECORDS_WHERE + " ORDER BY {order} LIMIT :limit"
RECORDS = {
    "id": statement(_RECORDS.replace("{order}", _ORDERS["id"])),
    "name": statement(_RECORDS.replace("{order}", _ORDERS["name"])),
    "last-contact": statement(_RECORDS.replace("{order}", _ORDERS["last-contact"])),
    "next-due": statement(_RECORDS.replace("{order}", _ORDERS["next-due"])),
}
_BY_FIELD = (
    _RECORD_SELECT.replace(
        "FROM contact c LEFT JOIN organisation o ON o.id = c.org_id", _BY_FIELD_FROM
    )
    + _RECORDS_WHERE
    + _FIELD_WHERE
    + " ORDER BY {order} LIMIT :limit"
)
RECORDS_BY_FIELD = {
    "id": statement(_BY_FIELD.replace("{order}", _ORDERS["id"])),
    "name": statement(_BY_FIELD.replace("{order}", _ORDERS["name"])),
    "last-contact": statement(_BY_FIELD.replace("{order}", _ORDERS["last-contact"])),
    "next-due": statement(_BY_FIELD.replace("{order}", _ORDERS["next-due"])),
}
# No --limit is a LIMIT nobody reaches (PostgreSQL refuses SQLite's LIMIT -1).
NO_LIMIT = 1 << 62


def record_from_row(row: Row) -> dict[str, object]:
    """A contact as the public JSON object (see CONTACT_FIELDS), from a row of
    ``_RECORD_SELECT`` read by position: a listing of 100k contacts calls this for each."""
    aliases, emails, phones, tags = row[2], row[3], row[4], row[7]
    days, last, addresses, custom = row[10], row[15], row[18], row[19]
    return {
        "id": row[0],
        "name": row[1],
        "aliases": aliases.split(_SEP) if aliases else [],
        "emails": emails.split(_SEP) if emails else [],
        "phones": phones.split(_SEP) if phones else [],
        "org": row[5],
        "role": row[6] or None,  # an empty cell once stored ""; documented as null
        "tags": tags.split(_SEP) if tags else [],
        "type": row[8],
        "stage": row[9],
        "cadence": format_cadence(int(days)) if days else None,
        "priority": PRIORITY_NAMES.get(int(row[11]), "normal"),
        "birthday": row[12],
        "notes": row[13],
        "archived": bool(row[14]),
        "owner": row[16],
        "last_contact": clock.local_day_of(str(last)).isoformat() if last else None,
        "addresses": (
            [address_record(_address(text)) for text in addresses.split(_ADDRESS_SEP)]
            if addresses
            else []
        ),
        "fields": (
            dict(pair.split(_SEP, 1) for pair in custom.split(_ADDRESS_SEP)) if custom else {}
        ),
    }


def _address(packed: str) -> Address:
    kind, *parts = packed.split(_SEP)
    return Address(kind or None, *parts)


@dataclass(frozen=True)
class ContactFilter:
    """Which contacts ``list`` and ``export contacts`` give, in what order, how many."""

    tag: str | None = None
    stage: str | None = None
    org: str | None = None
    include_archived: bool = False
    by_id: bool = False  # id order (export's default) unless ``sort`` is given
    owner: str | None = None  # only the contacts this person owns (any case)
    relationship_type: str | None = None
    priority: int | None = None
    no_cadence: bool = False  # only those without a cadence
    overdue_on: date | None = None  # only those whose cadence is due on or before this day
    referred_by_id: int | None = None  # only those this contact introduced
    sort: str | None = None  # one of SORTS; None: by name (by id with ``by_id``)
    limit: int | None = None  # at most this many
    # Only those whose custom field KEY folds to the folded VALUE (all must hold).
    where_fields: tuple[tuple[str, str], ...] = ()


def iter_records(db: Database, where: ContactFilter) -> Iterator[dict[str, object]]:
    if where.sort is not None and where.sort not in SORTS:
        raise UsageError(f"cannot sort by {where.sort!r}", hint="use one of " + ", ".join(SORTS))
    sort = where.sort or ("id" if where.by_id else "name")
    if len(where.where_fields) > MAX_WHERE:
        raise UsageError(f"at most {MAX_WHERE} --where")
    matches: dict[str, object] = {}
    for n in range(MAX_WHERE if where.where_fields else 0):
        key, value = where.where_fields[n] if n < len(where.where_fields) else (None, None)
        matches["where_key" + str(n)] = key
        matches["where_value" + str(n)] = fold(value) if value is not None else None
    sql = RECORDS_BY_FIELD[sort] if where.where_fields else RECORDS[sort]
    cursor = db.execute(
        sql,
        {
            **matches,
            "archived": where.include_archived,
            "tag": fold(where.tag) if where.tag else None,
            "stage": where.stage,
            "org": fold(where.org) if where.org else None,
            "owner": where.owner,
            "type": where.relationship_type,
            "priority": where.priority,
            "referred_by": where.referred_by_id,
            "no_cadence": where.no_cadence,
            "due_by": where.overdue_on.isoformat() if where.overdue_on else None,
            "limit": NO_LIMIT if where.limit is None else where.limit,
        },
    )
    for row in cursor:
        yield record_from_row(row)


# CSV carries custom fields as one column each, named ``field:KEY``, after the public
# record's columns (but ``fields``), for every key in the database, sorted; an address
# is the named form of ``services.fields.address_text`` (docs/import-export.md).
FIELD_COLUMN = "field:"
# A walk down ix_contact_field_key_value, one index step per distinct key (as search
# walks the roles), however many contacts have each.
FIELD_KEYS = statement(
    """WITH RECURSIVE keys(key) AS (
        SELECT min(key) FROM contact_field
        UNION ALL
        SELECT (SELECT min(key) FROM contact_field WHERE key > keys.key)
        FROM keys WHERE keys.key IS NOT NULL)
    SELECT key FROM keys WHERE key IS NOT NULL"""
)


def field_keys(db: Database) -> tuple[str, ...]:
    """Every custom field key in the database, sorted: a CSV export's last columns."""
    return tuple(str(row[0]) for row in db.execute(FIELD_KEYS))


def csv_columns(keys: Sequence[str]) -> tuple[str, ...]:
    return (
        *(column for column in CONTACT_FIELDS if column != "fields"),
        *(FIELD_COLUMN + key for key in keys),
    )


def csv_record(record: dict[str, object], keys: Sequence[str]) -> dict[str, object]:
    """A public record as a CSV row (``csv_columns``): addresses as text, a column per
    custom field."""
    from relate.services.fields import address_text

    flat = dict(record)
    custom = flat.pop("fields", None)
    addresses = flat.get("addresses")
    if isinstance(addresses, list):
        flat["addresses"] = [address_text(Address(**address)) for address in addresses]
    if isinstance(custom, dict):
        for key in keys:
            flat[FIELD_COLUMN + key] = custom.get(key)
    return flat


@dataclass(frozen=True)
class Details:
    """A contact for ``show``: the public record ``list`` prints, and what only the
    card says."""

    record: dict[str, object]
    owner: str | None
    referred_by: str | None  # the name of the contact who introduced them
    last_contact: date | None  # the local day of the last logged contact


def get_details(db: Database, ref: ContactRef) -> Details:
    row = db.execute(RECORD_BY_ID, {"id": ref.id}).fetchone()
    last = row["last_contact_at"]
    return Details(
        record_from_row(row),
        row["owner"],
        row["referred_by"],
        clock.local_day_of(str(last)) if last else None,
    )
