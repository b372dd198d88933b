"""The morning agenda: what needs doing today, ranked, in sections.

1. overdue reminders and follow-ups (oldest first),
2. due today (or within ``days``),
   open engagements due within ``ENGAGEMENT_LEAD_DAYS`` (or ``days``), or late,
3. open concerns (complaints and problems), high severity first, then oldest first
   (``concern_order``); a concern past the day it should be resolved by is in the
   overdue section instead, among the reminders by its due day,
4. important dates within their lead time (a birthday, with the age it brings),
5. people overdue for contact by their cadence, most late relative to their cadence
   first, then by priority; with them, organisations whose cadence has lapsed
   (nobody there contacted for longer than it, ``lapsed_orgs``),
6. losing touch: people without a cadence nobody has contacted for longer than a
   period (``DEFAULT_LOSING_TOUCH`` days; counted from when they were added for those
   never contacted), longest first (``silence``).

Archiving a contact hides their cadence and their dates (and leaves them out of
losing touch); what was set explicitly stays until it is done: their reminders and
follow-ups (the ``edit --revisit`` after a dissolution) and their open concerns
(archiving resolves no complaint; ``resolve`` does).

Every section is an indexed query with a LIMIT plus a COUNT, so the agenda costs the
same at 100k contacts and 2M interactions as at 1k.

Items carry facts (days late, the occasion and its years, the cadence); the words
for people are ``relate.render.agenda``'s.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import NamedTuple

from relate import clock
from relate.dates import FIRST_DAY, MonthDay
from relate.services import important_dates
from relate.services.matching import fold
from relate.services.severity import severity_name
from relate.storage.database import Database
from relate.storage.engines import Row
from relate.storage.sql import statement

OVERDUE = "overdue"
DUE = "due"
ENGAGEMENTS = "engagements"
CONCERNS = "concerns"
DATES = "dates"
CADENCE = "cadence"
LOSING_TOUCH = "losing-touch"
DEFAULT_LIMIT = 10
# Days without contact after which a contact with no cadence is losing touch.
DEFAULT_LOSING_TOUCH = 180
# An open engagement shows this many days before its due date (and once it is late).
ENGAGEMENT_LEAD_DAYS = 7

_OPEN_ITEMS = """SELECT r.id, r.kind, r.text, coalesce(r.snoozed_until, r.due_at) AS due_at,
        r.all_day, c.id AS contact_id, c.name AS contact
    FROM reminder r LEFT JOIN contact c ON c.id = r.contact_id
    WHERE r.done_at IS NULL
    AND coalesce(r.snoozed_until, r.due_at) >= :start
    AND coalesce(r.snoozed_until, r.due_at) < :end"""
# `today --mine`: only what concerns the contacts the current user owns (a reminder
# about no one concerns no one's contacts); each query below has a _MINE twin.
_MINE = " AND c.owner = :owner"
OPEN_ITEMS = statement(_OPEN_ITEMS + " ORDER BY due_at, r.id LIMIT :limit")
OPEN_ITEMS_MINE = statement(_OPEN_ITEMS + _MINE + " ORDER BY due_at, r.id LIMIT :limit")
COUNT_OPEN_ITEMS = statement("SELECT count(*) FROM (" + _OPEN_ITEMS + ") AS items")
COUNT_OPEN_ITEMS_MINE = statement("SELECT count(*) FROM (" + _OPEN_ITEMS + _MINE + ") AS items")

# Relative lateness = days since last touch / cadence, where days since last touch =
# (today - next_due_on) + cadence, because next_due_on = last touch + cadence.
_CADENCE = """FROM contact
    WHERE archived_at IS NULL AND next_due_on IS NOT NULL AND next_due_on <= :today"""
# The top of the ranking is the union of the tops of each cadence (within one cadence
# the most late is the oldest next_due_on), so each cadence is a short range on
# ix_contact_cadence_due and the cost does not grow with the number of late contacts.
# The distinct cadences are walked with one index step each. One owner's contacts
# (--mine) walk ix_contact_owner_cadence_due the same way.
_CADENCE_ITEMS = """WITH RECURSIVE cadence(days) AS (
        SELECT min(cadence_days) FROM contact
        WHERE archived_at IS NULL AND next_due_on IS NOT NULL{mine}
        UNION ALL
        SELECT (SELECT min(cadence_days) FROM contact
            WHERE archived_at IS NULL AND next_due_on IS NOT NULL{mine}
            AND cadence_days > cadence.days)
        FROM cadence WHERE days IS NOT NULL)
    SELECT c.id, c.name, c.cadence_days, c.priority, c.next_due_on, c.last_contact_at,
        c.created_at,
        (julianday(:today) - julianday(c.next_due_on) + c.cadence_days) / c.cadence_days
            AS lateness
    FROM cadence JOIN contact c ON c.id IN (
        SELECT x.id FROM contact x
        WHERE x.cadence_days = cadence.days AND x.archived_at IS NULL{mine_x}
        AND x.next_due_on IS NOT NULL AND x.next_due_on <= :today
        ORDER BY x.next_due_on, x.priority DESC, x.name COLLATE NOCASE, x.id LIMIT :limit)
    ORDER BY lateness DESC, c.priority DESC, c.name COLLATE NOCASE, c.id LIMIT :limit"""
CADENCE_ITEMS = statement(_CADENCE_ITEMS.format(mine="", mine_x=""), name="agenda.cadence")
CADENCE_ITEMS_MINE = statement(
    _CADENCE_ITEMS.format(mine=" AND owner = :owner", mine_x=" AND x.owner = :owner"),
    name="agenda.cadence",
)
COUNT_CADENCE = statement("SELECT count(*) " + _CADENCE)
COUNT_CADENCE_MINE = statement("SELECT count(*) " + _CADENCE + " AND owner = :owner")
# Contacts without a cadence whose last touch (last contact, else when added) is
# before :before: the first entries of ix_contact_losing_touch, longest first.
_LOSING = """FROM contact
    WHERE archived_at IS NULL AND cadence_days IS NULL
    AND coalesce(last_contact_at, created_at) < :before"""
_LOSING_ITEMS = "SELECT id, name, last_contact_at, created_at "
_LOSING_ORDER = " ORDER BY coalesce(last_contact_at, created_at), id LIMIT :limit"
_MINE_BARE = " AND owner = :owner"
LOSING_ITEMS = statement(_LOSING_ITEMS + _LOSING + _LOSING_ORDER)
LOSING_ITEMS_MINE = statement(_LOSING_ITEMS + _LOSING + _MINE_BARE + _LOSING_ORDER)
COUNT_LOSING = statement("SELECT count(*) " + _LOSING)
COUNT_LOSING_MINE = statement("SELECT count(*) " + _LOSING + _MINE_BARE)
# Open concerns not past their due day, in the order of ix_concern_open_rank (high
# severity first, then oldest first), so the LIMIT stops the walk after a few entries;
# and those past it (ix_concern_open_due), for the overdue section.
_CONCERNS = """FROM concern k JOIN contact c ON c.id = k.contact_id
    WHERE k.resolved_at IS NULL"""
_NOT_DUE = " AND (k.due_on IS NULL OR k.due_on >= :today)"
_PAST_DUE = " AND k.due_on IS NOT NULL AND k.due_on < :today"
_CONCERN_ITEMS = """SELECT k.id, k.text, k.opened_at, k.severity, k.due_on,
        c.id AS contact_id, c.name AS contact,
        (SELECT count(*) FROM concern_escalation e WHERE e.concern_id = k.id) AS escalations,
        (SELECT e.escalated_to FROM concern_escalation e WHERE e.concern_id = k.id
            ORDER BY e.id DESC LIMIT 1) AS escalated_to """
_CONCERNS_ORDER = " ORDER BY k.severity DESC, k.opened_at, k.id LIMIT :limit"
_PAST_DUE_ORDER = " ORDER BY k.due_on, k.id LIMIT :limit"
CONCERN_ITEMS = statement(_CONCERN_ITEMS + _CONCERNS + _NOT_DUE + _CONCERNS_ORDER)
CONCERN_ITEMS_MINE = statement(_CONCERN_ITEMS + _CONCERNS + _NOT_DUE + _MINE + _CONCERNS_ORDER)
# Without --mine a count needs no contact (every concern has one): it reads the open
# concerns' partial index only. With the join SQLite would walk all contacts instead.
_OPEN_ONLY = "FROM concern k WHERE k.resolved_at IS NULL"
COUNT_CONCERNS = statement("SELECT count(*) " + _OPEN_ONLY + _NOT_DUE)
COUNT_CONCERNS_MINE = statement("SELECT count(*) " + _CONCERNS + _NOT_DUE + _MINE)
OVERDUE_CONCERNS = statement(_CONCERN_ITEMS + _CONCERNS + _PAST_DUE + _PAST_DUE_ORDER)
OVERDUE_CONCERNS_MINE = statement(_CONCERN_ITEMS + _CONCERNS + _PAST_DUE + _MINE + _PAST_DUE_ORDER)
COUNT_OVERDUE_CONCERNS = statement("SELECT count(*) " + _OPEN_ONLY + _PAST_DUE)
COUNT_OVERDUE_CONCERNS_MINE = statement("SELECT count(*) " + _CONCERNS + _PAST_DUE + _MINE)

# A concern's severity, as stored (0, 1, 2) and as said.
def concern_order(severity: int, opened: str, concern_id: int) -> tuple[int, str, int]:
    """The concerns section's order as a sort key (the SQL's ``ORDER BY``): high
    severity first, then the oldest (``opened``: the stored UTC timestamp), then by id."""
    return (-severity, opened, concern_id)


def concern_overdue(due: date | None, today: date) -> bool:
    """A concern is overdue once the day it should be resolved by has passed (on that
    day it is still only due)."""
    return due is not None and due < today


# Open engagements due by :until (late ones too), soonest first: the first entries of
# the partial index ix_engagement_open_due, which holds only open ones with a due date.
# A due date is set explicitly, like a reminder: an archived contact's still shows.
# The count reads the index alone (no contact to join: their owner matters for --mine only).
_OPEN_DUE = """WHERE e.status IN ('proposed', 'active') AND e.due_on IS NOT NULL
    AND e.due_on <= :until"""
_ENGAGEMENTS = "FROM engagement e JOIN contact c ON c.id = e.contact_id " + _OPEN_DUE
_ENGAGEMENT_ITEMS = "SELECT e.id, e.title, e.due_on, c.id AS contact_id, c.name AS contact "
_ENGAGEMENTS_ORDER = " ORDER BY e.due_on, e.id LIMIT :limit"
ENGAGEMENT_ITEMS = statement(_ENGAGEMENT_ITEMS + _ENGAGEMENTS + _ENGAGEMENTS_ORDER)
ENGAGEMENT_ITEMS_MINE = statement(_ENGAGEMENT_ITEMS + _ENGAGEMENTS + _MINE + _ENGAGEMENTS_ORDER)
COUNT_ENGAGEMENTS = statement("SELECT count(*) FROM engagement e " + _OPEN_DUE)
COUNT_ENGAGEMENTS_MINE = statement("SELECT count(*) " + _ENGAGEMENTS + _MINE)

# The gifts given to someone between two days, to tell whether a date still needs one.
GIFTS_GIVEN = statement(
    """SELECT description, occasion FROM gift
    WHERE contact_id = :contact_id AND status = 'given' AND occasion IS NOT NULL
    AND given_on > :after AND given_on <= :on ORDER BY given_on DESC, id DESC"""
)
# A date's line names the contact's open gift ideas, oldest first (a few: one more
# than shown, to tell whether there are more) and the last gift given, so nothing is
# given twice: one statement of two short ranges on ix_gift_contact, for the dates
# shown only.
GIFTS_OF = statement(
    """SELECT * FROM (SELECT 0 AS given, description, NULL AS given_on FROM gift
        WHERE contact_id = :contact_id AND status = 'idea' ORDER BY id LIMIT :limit) AS ideas
    UNION ALL
    SELECT * FROM (SELECT 1 AS given, description, given_on FROM gift
        WHERE contact_id = :contact_id AND status = 'given' AND given_on IS NOT NULL
        ORDER BY given_on DESC, id DESC LIMIT 1) AS last_given"""
)
COUNT_GIFT_IDEAS = statement(
    "SELECT count(*) FROM gift WHERE contact_id = :contact_id AND status = 'idea'"
)
# How many gift ideas a date's line names.
GIFT_IDEAS_SHOWN = 3


# The small records every ``today`` builds are NamedTuples: a frozen dataclass's
# generated methods cost about a millisecond of start-up each (docs/performance.md).
class Occasion(NamedTuple):
    """What an important date is: its kind (birthday, anniversary, custom), its label,
    and the years it marks on this occurrence (the age a birthday brings, the years
    since an anniversary); None when its year is unknown or not yet past, and for a
    date that happens one time (``once``)."""

    kind: str
    label: str
    years: int | None
    once: bool = False


class GiftGiven(NamedTuple):
    """The last gift given to someone: what it was and the day it was given."""

    description: str
    given_on: date


class Gifts(NamedTuple):
    """What a date's line says about gifts: the first of the contact's open gift ideas
    (oldest first; ``more`` not named), and the last gift given (None if none)."""

    ideas: tuple[str, ...]
    more: int
    last: GiftGiven | None


class Neglect(NamedTuple):
    """Why a contact is due for contact: days since the last contact (or since they
    were added, if never contacted) against their cadence."""

    days_since: int
    cadence_days: int
    ever_contacted: bool


class Silence(NamedTuple):
    """Why a contact without a cadence is losing touch: days since the last contact
    (or since they were added, if never contacted), longer than ``limit`` days."""

    days_since: int
    limit: int
    ever_contacted: bool


def silence(today: date, limit: int, last_contact: date | None, added: date) -> Silence | None:
    """The losing-touch rule for a contact without a cadence: a Silence when nobody has
    contacted them for longer than ``limit`` days (counted from ``added`` when they
    never were), else None. ``limit`` 0 (or less) switches the rule off."""
    if limit <= 0:
        return None
    since = (today - (last_contact or added)).days
    if since <= limit:
        return None
    return Silence(since, limit, last_contact is not None)


def losing_touch_before(today: date, limit: int) -> date:
    """The first local day whose contact still keeps in touch: a contact last touched
    before it has gone more than ``limit`` days without contact (the first day of the
    dates relate takes when ``limit`` reaches back further)."""
    return date.fromordinal(max(FIRST_DAY.toordinal(), today.toordinal() - limit))


class ConcernState(NamedTuple):
    """A concern on the agenda: its severity, when it was opened, the day it should be
    resolved by, and how often (and, last, to whom) it was escalated."""

    severity: str  # low | normal | high
    opened: date
    due: date | None
    escalations: int
    escalated_to: str | None


class Item(NamedTuple):
    section: str
    # The item's own id: a reminder's (what done/snooze take), an engagement's
    # (engagement show/edit, close), a concern's (resolve),
    # an important date's, or for cadence and losing touch the contact's.
    id: int
    kind: str  # reminder | follow-up | engagement | concern | date | cadence | losing-touch
    contact: str | None
    contact_id: int | None
    due: date
    overdue_days: int  # 0 due today, negative when upcoming
    text: str | None = None  # the user's words: a reminder's, an engagement's title, a concern's
    time_of_day: time | None = None  # a timed reminder's local time
    occasion: Occasion | None = None  # a date's
    gift: str | None = None  # a date's: a gift given for this occurrence (its description)
    gifts: Gifts | None = None  # a date's: gift ideas and the last gift given
    neglect: Neglect | None = None  # a cadence item's
    silence: Silence | None = None  # a losing-touch item's
    organisation: bool = False  # a cadence item about an organisation (id is its id)
    concern: ConcernState | None = None  # a concern's severity, age and escalations


class Agenda(NamedTuple):
    today: date
    sections: dict[str, list[Item]]  # filled section by section
    totals: dict[str, int]

    def items(self) -> list[Item]:
        return [item for section in self.sections.values() for item in section]

    def hidden(self, section: str) -> int:
        return self.totals.get(section, 0) - len(self.sections.get(section, []))

    def is_empty(self) -> bool:
        return not any(self.totals.values())


def _reminder_items(
    db: Database, section: str, start: str, end: str, today: date, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    params: dict[str, object] = {"start": start, "end": end, "limit": limit, "owner": owner}
    items = []
    for row in db.execute(OPEN_ITEMS if owner is None else OPEN_ITEMS_MINE, params):
        due = clock.from_storage(str(row["due_at"]))
        items.append(
            Item(
                section=section,
                id=int(row["id"]),
                kind=str(row["kind"]),
                contact=row["contact"],
                contact_id=row["contact_id"],
                due=due.date(),
                overdue_days=(today - due.date()).days,
                text=str(row["text"]),
                time_of_day=None if row["all_day"] else due.time(),
            )
        )
    total = len(items)
    if 0 <= limit <= total:
        count = COUNT_OPEN_ITEMS if owner is None else COUNT_OPEN_ITEMS_MINE
        total = int(db.execute(count, params).fetchone()[0])
    return items, total


Window = tuple[tuple[int, int], tuple[int, int], tuple[int, int]]


def _windows(start: date, end: date) -> list[Window]:
    """(month, day) ranges covering [start, end], split at the new year, each with the
    years it covers (a one-time date of another year is not in it).

    A window that reaches 28 February also takes 29 February, whose anniversaries
    fall on the 28th in common years.
    """

    def upper(day: date) -> tuple[int, int]:
        return (2, 29) if (day.month, day.day) == (2, 28) else (day.month, day.day)

    if (end - start).days >= 365:
        return [((1, 1), (12, 31), (start.year, end.year))]
    if end.year == start.year:
        return [((start.month, start.day), upper(end), (start.year, start.year))]
    return [
        ((start.month, start.day), (12, 31), (start.year, start.year)),
        ((1, 1), upper(end), (end.year, end.year)),
    ]


def _date_items(
    db: Database, today: date, days: int, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    horizon = max(int(db.execute(important_dates.MAX_LEAD).fetchone()[0]), days - 1)
    found: list[tuple[date, int, str, int, Row]] = []
    next_on: dict[tuple[int, int], date] = {}
    for (from_month, from_day), (to_month, to_day), (from_year, to_year) in _windows(
        today, today + timedelta(days=horizon)
    ):
        rows = db.execute(
            important_dates.DATES_IN_WINDOW
            if owner is None
            else important_dates.DATES_IN_WINDOW_MINE,
            {
                "from_month": from_month,
                "from_day": from_day,
                "to_month": to_month,
                "to_day": to_day,
                "from_year": from_year,
                "to_year": to_year,
                "owner": owner,
            },
        )
        for row in rows:
            key = (int(row["month"]), int(row["day"]))
            if row["once"]:  # its own day, if still to come
                found_on = important_dates.next_occurrence(*key, row["year"], True, today)
            else:  # the next occurrence depends on (month, day) only: computed once per day
                found_on = next_on.get(key)
                if found_on is None:
                    found_on = next_on[key] = MonthDay(*key).next_on_or_after(today)
            if found_on is None:
                continue
            on = found_on
            ahead = (on - today).days
            if ahead > max(int(row["lead_days"]), days - 1):
                continue
            found.append((on, -int(row["priority"]), row["contact"] or "", int(row["id"]), row))
    # Ties (one contact's dates on one day) in the order they were added, on every engine.
    found.sort(key=lambda entry: entry[:4])
    items = []
    for on, _priority, _name, _id, row in found[:limit]:
        once = bool(row["once"])
        gift = _gift_given_for(db, row, on)
        year = row["year"]
        occasion = Occasion(
            str(row["kind"]),
            str(row["label"]),
            None if once or year is None or on.year <= int(year) else on.year - int(year),
            once,
        )
        items.append(
            Item(
                DATES,
                int(row["id"]),
                "date",
                row["contact"],
                row["contact_id"],
                on,
                -(on - today).days,
                occasion=occasion,
                gift=gift,
                gifts=_gifts_for(db, int(row["contact_id"])),
            )
        )
    return items, len(found)


def _gifts_for(db: Database, contact_id: int) -> Gifts:
    """A contact's first open gift ideas and last gift given (``Gifts``)."""
    params: dict[str, object] = {"contact_id": contact_id, "limit": GIFT_IDEAS_SHOWN + 1}
    ideas: list[str] = []
    given = None
    for row in db.execute(GIFTS_OF, params):
        if row[0]:
            given = GiftGiven(str(row[1]), date.fromisoformat(str(row[2])))
        else:
            ideas.append(str(row[1]))
    more = 0
    if len(ideas) > GIFT_IDEAS_SHOWN:
        more = int(db.execute(COUNT_GIFT_IDEAS, params).fetchone()[0]) - GIFT_IDEAS_SHOWN
        del ideas[GIFT_IDEAS_SHOWN:]
    return Gifts(tuple(ideas), more, given)


def _gift_given_for(db: Database, row: Row, on: date) -> str | None:
    """The gift given for this occurrence of a date: one whose occasion is the date's
    label (ignoring case and accents), given after the previous occurrence."""
    previous = MonthDay(int(row["month"]), int(row["day"])).next_on_or_after(
        on - timedelta(days=366)
    )
    if previous >= on:  # 29 February: the previous one may be four years back
        previous = on - timedelta(days=365)
    gifts = db.execute(
        GIFTS_GIVEN,
        {"contact_id": row["contact_id"], "after": previous.isoformat(), "on": on.isoformat()},
    ).fetchall()
    if not gifts:
        return None  # the usual case: no folding (and no transliteration tables) needed
    label = fold(str(row["label"]))
    for gift in gifts:
        if fold(str(gift["occasion"])) == label:
            return str(gift["description"])
    return None


def _engagement_items(
    db: Database, today: date, days: int, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    until = today + timedelta(days=max(ENGAGEMENT_LEAD_DAYS, days - 1))
    params: dict[str, object] = {"until": until.isoformat(), "limit": limit, "owner": owner}
    items = []
    for row in db.execute(ENGAGEMENT_ITEMS if owner is None else ENGAGEMENT_ITEMS_MINE, params):
        due = date.fromisoformat(str(row["due_on"])[:10])
        items.append(
            Item(
                ENGAGEMENTS,
                int(row["id"]),
                "engagement",
                str(row["contact"]),
                int(row["contact_id"]),
                due,
                (today - due).days,
                text=str(row["title"]),
            )
        )
    total = len(items)
    if 0 <= limit <= total:
        count = COUNT_ENGAGEMENTS if owner is None else COUNT_ENGAGEMENTS_MINE
        total = int(db.execute(count, params).fetchone()[0])
    return items, total


def _concern_items(
    db: Database, section: str, today: date, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    """The open concerns of the concerns section, or (``section`` OVERDUE) those past
    their due day. An item's ``due`` is its due day, else the day it was opened, and
    ``overdue_days`` counts from that day."""
    overdue = section == OVERDUE
    if overdue:
        query = OVERDUE_CONCERNS if owner is None else OVERDUE_CONCERNS_MINE
    else:
        query = CONCERN_ITEMS if owner is None else CONCERN_ITEMS_MINE
    items = []
    params: dict[str, object] = {"limit": limit, "owner": owner, "today": today.isoformat()}
    for row in db.execute(query, params):
        opened = clock.local_day_of(str(row["opened_at"]))
        due_on = date.fromisoformat(str(row["due_on"])[:10]) if row["due_on"] else None
        due = due_on or opened
        items.append(
            Item(
                section,
                int(row["id"]),
                "concern",
                str(row["contact"]),
                int(row["contact_id"]),
                due,
                (today - due).days,
                text=str(row["text"]),
                concern=ConcernState(
                    severity_name(int(row["severity"])),
                    opened,
                    due_on,
                    int(row["escalations"]),
                    row["escalated_to"],
                ),
            )
        )
    total = len(items)
    if 0 <= limit <= total:
        if overdue:
            count = COUNT_OVERDUE_CONCERNS if owner is None else COUNT_OVERDUE_CONCERNS_MINE
        else:
            count = COUNT_CONCERNS if owner is None else COUNT_CONCERNS_MINE
        total = int(db.execute(count, params).fetchone()[0])
    return items, total


def _overdue_items(
    db: Database, start: str, today: date, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    """Overdue reminders and follow-ups, and concerns past their due day, by the day
    each was due (reminders first on the same day)."""
    reminders, total = _reminder_items(db, OVERDUE, "", start, today, limit, owner)
    concerns, late = _concern_items(db, OVERDUE, today, limit, owner)
    if not concerns:
        return reminders, total
    merged = sorted(reminders + concerns, key=lambda item: item.due)
    return merged[:limit], total + late


def _cadence_items(
    db: Database, today: date, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    params: dict[str, object] = {"today": today.isoformat(), "limit": limit, "owner": owner}
    items = []
    for row in db.execute(CADENCE_ITEMS if owner is None else CADENCE_ITEMS_MINE, params):
        cadence = int(row["cadence_days"])
        due = date.fromisoformat(str(row["next_due_on"]))
        since = (today - due).days + cadence
        items.append(
            Item(
                CADENCE,
                int(row["id"]),
                "cadence",
                str(row["name"]),
                int(row["id"]),
                due,
                (today - due).days,
                neglect=Neglect(since, cadence, bool(row["last_contact_at"])),
            )
        )
    total = len(items)
    if 0 <= limit <= total:
        count = COUNT_CADENCE if owner is None else COUNT_CADENCE_MINE
        total = int(db.execute(count, params).fetchone()[0])
    return _with_orgs(db, today, items, total, limit, owner)


# Organisations with a cadence (ix_organisation_cadence), each with its
# last contact with anyone there (one index step each). ``--mine``: those where the
# user owns someone.
ORG_CADENCES = statement(
    """SELECT o.id, o.name, o.cadence_days, o.created_at,
        (SELECT max(c.last_contact_at) FROM contact c WHERE c.org_id = o.id) AS last_contact_at
    FROM organisation o
    WHERE o.cadence_days IS NOT NULL
    AND (CAST(:owner AS TEXT) IS NULL OR EXISTS (
        SELECT 1 FROM contact m WHERE m.org_id = o.id AND m.owner = :owner))
    ORDER BY o.cadence_days, o.id LIMIT :limit"""
)
# More organisations with a cadence than this are not read by one agenda.
MAX_ORG_CADENCES = 10_000


def org_neglect(
    today: date, cadence_days: int | None, last_contact: date | None, created: date
) -> Neglect | None:
    """Why an organisation is due for contact, or None when it is not: days since the
    last contact with anyone there (or since it was added, if nobody ever was)
    against its cadence. Due on the day the cadence runs out, like a contact."""
    if not cadence_days:
        return None
    since = (today - (last_contact or created)).days
    if since < cadence_days:
        return None
    return Neglect(since, cadence_days, last_contact is not None)


def lapsed_orgs(db: Database, today: date, owner: str | None = None) -> list[Item]:
    """Organisations whose cadence has lapsed, as cadence items (``contact`` is the
    organisation's name), most late relative to their cadence first."""
    found = []
    for row in db.execute(ORG_CADENCES, {"owner": owner, "limit": MAX_ORG_CADENCES}):
        stamp = row["last_contact_at"]
        last = clock.local_day_of(str(stamp)) if stamp else None
        created = clock.local_day_of(str(row["created_at"]))
        neglect = org_neglect(today, int(row["cadence_days"]), last, created)
        if neglect is not None:
            due = date.fromordinal((last or created).toordinal() + neglect.cadence_days)
            found.append(
                Item(
                    CADENCE,
                    int(row["id"]),
                    "cadence",
                    str(row["name"]),
                    None,
                    due,
                    (today - due).days,
                    neglect=neglect,
                    organisation=True,
                )
            )
    found.sort(key=lambda o: (-_lateness(o), (o.contact or "").casefold()))
    return found


def _lateness(item: Item) -> float:
    assert item.neglect is not None
    return item.neglect.days_since / item.neglect.cadence_days


def _with_orgs(
    db: Database, today: date, people: list[Item], total: int, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    """The cadence section with the organisations whose cadence lapsed, ranked among
    the people by how late they are relative to their cadence."""
    orgs = lapsed_orgs(db, today, owner)
    if not orgs:
        return people, total

    ranked = sorted(people + orgs, key=lambda item: -_lateness(item))
    return (ranked if limit < 0 else ranked[:limit]), total + len(orgs)


def _losing_touch_items(
    db: Database, today: date, days: int, limit: int, owner: str | None
) -> tuple[list[Item], int]:
    if days <= 0:
        return [], 0
    before, _ = clock.day_bounds(losing_touch_before(today, days))
    params: dict[str, object] = {"before": before, "limit": limit, "owner": owner}
    items = []
    for row in db.execute(LOSING_ITEMS if owner is None else LOSING_ITEMS_MINE, params):
        last = row["last_contact_at"]
        last_day = clock.local_day_of(str(last)) if last else None
        added = clock.local_day_of(str(row["created_at"]))
        found = silence(today, days, last_day, added)
        if found is None:  # cannot happen: the query's bound is the rule's
            continue
        due = (last_day or added) + timedelta(days=days)
        items.append(
            Item(
                LOSING_TOUCH,
                int(row["id"]),
                LOSING_TOUCH,
                str(row["name"]),
                int(row["id"]),
                due,
                (today - due).days,
                silence=found,
            )
        )
    total = len(items)
    if 0 <= limit <= total:
        count = COUNT_LOSING if owner is None else COUNT_LOSING_MINE
        total = int(db.execute(count, params).fetchone()[0])
    return items, total


def build_agenda(
    db: Database,
    today: date,
    days: int = 1,
    limit: int | None = DEFAULT_LIMIT,
    owner: str | None = None,
    losing_touch: int = DEFAULT_LOSING_TOUCH,
) -> Agenda:
    """The agenda as of ``today``; ``days`` widens "due" to the next N days.

    ``limit`` caps each section (the totals still count everything); None shows all.
    With ``owner``, only what concerns the contacts that person owns (``--mine``).
    ``losing_touch``: the days without contact after which a contact with no cadence
    is listed as losing touch; 0 leaves that section out.
    """
    # No limit is a LIMIT no section reaches (PostgreSQL refuses SQLite's LIMIT -1).
    cap = big = limit if limit is not None and limit >= 0 else 1 << 62
    agenda = Agenda(today, {}, {})
    start_today, _ = clock.day_bounds(today)
    _, end_window = clock.day_bounds(today + timedelta(days=max(days, 1) - 1))
    sections = {
        OVERDUE: _overdue_items(db, start_today, today, cap, owner),
        DUE: _reminder_items(db, DUE, start_today, end_window, today, cap, owner),
        ENGAGEMENTS: _engagement_items(db, today, days, cap, owner),
        CONCERNS: _concern_items(db, CONCERNS, today, cap, owner),
        DATES: _date_items(db, today, days, big, owner),
        CADENCE: _cadence_items(db, today, cap, owner),
        LOSING_TOUCH: _losing_touch_items(db, today, losing_touch, cap, owner),
    }
    for name, (items, total) in sections.items():
        agenda.sections[name] = items
        agenda.totals[name] = total
    return agenda
