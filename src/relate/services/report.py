"""The figures of ``relate report`` over a period (how they look is ``render/report.py``'s).

Each figure is one aggregated query (never one per contact), and the pure functions
below turn its rows into typed records: weeks and months are local (a call at 00:30
on a Monday in Copenhagen is stored on Sunday in UTC and counts for the Monday's
week), every week and quarter of the period is listed even when nothing happened in
it, and notes (kind ``note``, internal) are not counted as interactions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from relate import clock
from relate.services.agenda import CADENCE_ITEMS
from relate.services.concerns import Figures
from relate.services.concerns import figures as concern_figures
from relate.storage.database import Database
from relate.storage.sql import statement

NEGLECTED = 10  # how many of the most neglected contacts the report names

FEEDBACK_SCORES = statement(
    """SELECT score, count(*) AS responses FROM feedback
    WHERE received_on >= :since AND received_on <= :until GROUP BY score"""
)
# Scores per month and score (a few hundred rows at most), folded into quarters.
FEEDBACK_MONTHS = statement(
    """SELECT substr(received_on, 1, 7) AS month, score, count(*) AS responses FROM feedback
    WHERE received_on >= :since AND received_on <= :until GROUP BY 1, 2 ORDER BY 1, 2"""
)
SATISFACTION = statement(
    """SELECT count(*), avg(satisfaction) FROM engagement
    WHERE satisfaction IS NOT NULL AND ended_on >= :since AND ended_on <= :until"""
)
CONTACTS_BY = statement(
    """SELECT coalesce(stage, '(none)') AS stage, coalesce(relationship_type, '(none)') AS type,
        count(*) AS contacts
    FROM contact WHERE archived_at IS NULL GROUP BY 1, 2 ORDER BY 1, 2"""
)
# Months are local months: a call at 00:30 on 1 December in Copenhagen is stored as
# 30 November 23:30 UTC and counts for December ('localtime' is the process's zone,
# the one clock.from_storage uses). Notes are internal, not contact.
MONTHLY_TOUCHES = statement(
    """SELECT substr(datetime(occurred_at, 'localtime'), 1, 7) AS month,
        count(DISTINCT i.id) AS interactions, count(DISTINCT ic.contact_id) AS people
    FROM interaction i JOIN interaction_contact ic ON ic.interaction_id = i.id
    WHERE occurred_at >= :start AND occurred_at < :end AND i.kind <> 'note'
    GROUP BY 1 ORDER BY 1"""
)
# Interactions per local day (a range of ix_interaction_occurred_at), folded into weeks.
DAILY_TOUCHES = statement(
    """SELECT substr(datetime(occurred_at, 'localtime'), 1, 10) AS day, count(*) AS interactions
    FROM interaction WHERE occurred_at >= :start AND occurred_at < :end AND kind <> 'note'
    GROUP BY 1 ORDER BY 1"""
)
# Engagements started and closed in the period, and their value, per currency.
ENGAGEMENT_FLOWS = statement(
    """SELECT currency,
        sum(CASE WHEN started >= :since AND started <= :until THEN 1 ELSE 0 END) AS opened,
        sum(CASE WHEN started >= :since AND started <= :until
            THEN coalesce(value_cents, 0) ELSE 0 END) AS opened_cents,
        sum(CASE WHEN ended_on >= :since AND ended_on <= :until THEN 1 ELSE 0 END) AS closed,
        sum(CASE WHEN ended_on >= :since AND ended_on <= :until
            THEN coalesce(value_cents, 0) ELSE 0 END) AS closed_cents
    FROM (SELECT currency, value_cents, ended_on,
            coalesce(started_on, substr(created_at, 1, 10)) AS started
        FROM engagement) AS e
    WHERE (started >= :since AND started <= :until)
        OR (ended_on >= :since AND ended_on <= :until)
    GROUP BY currency"""
)


# -- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    stage: str  # "(none)" for contacts without one
    type: str  # the relationship type, "(none)" likewise
    contacts: int


@dataclass(frozen=True)
class Tally:
    """Active contacts with one stage (or one relationship type)."""

    name: str
    contacts: int


@dataclass(frozen=True)
class MonthCount:
    month: str  # local YYYY-MM
    interactions: int
    people: int  # distinct contacts in them


@dataclass(frozen=True)
class WeekCount:
    week: date  # the local Monday it starts on
    interactions: int


@dataclass(frozen=True)
class QuarterScore:
    year: int
    quarter: int  # 1 to 4
    responses: int
    average: float | None  # None without responses
    nps: float | None


@dataclass(frozen=True)
class Neglected:
    """A contact late for contact, by how many times their cadence has passed."""

    id: int
    name: str
    cadence_days: int
    last_contact: date | None  # None: never contacted (counted from when added)
    days_since: int
    priority: int
    lateness: float  # days_since / cadence_days


@dataclass(frozen=True)
class CurrencyFlow:
    """Engagements started and closed in the period in one currency (None: no value
    or no currency given) and their value."""

    currency: str | None
    opened: int
    opened_value_cents: int
    closed: int
    closed_value_cents: int


@dataclass(frozen=True)
class Report:
    """The figures of ``report`` over [since, until] (local days)."""

    since: date
    responses: int  # feedback scores received
    average_score: float | None  # None without scores
    nps: float | None  # Net Promoter Score, None without scores
    engagements_closed: int  # with a satisfaction score
    average_satisfaction: float | None
    contacts: list[StageCount]  # active contacts by stage and type
    monthly: list[MonthCount]  # contact frequency, oldest month first
    concerns: Figures | None = None  # open now, resolved in the period, median days
    until: date | None = None
    weekly: list[WeekCount] = field(default_factory=list)  # every week of the period
    quarterly: list[QuarterScore] = field(default_factory=list)  # every quarter
    by_stage: list[Tally] = field(default_factory=list)  # most contacts first
    by_type: list[Tally] = field(default_factory=list)
    neglected: list[Neglected] = field(default_factory=list)  # most late first, as of today
    engagements: list[CurrencyFlow] = field(default_factory=list)  # by currency, none last

    @property
    def engagements_opened(self) -> int:
        return sum(flow.opened for flow in self.engagements)

    @property
    def engagements_ended(self) -> int:
        return sum(flow.closed for flow in self.engagements)


# -- pure rules ---------------------------------------------------------------------------


def nps_of(counts: Mapping[int, int]) -> float | None:
    """Net Promoter Score of score -> responses: % promoters (9-10) minus % detractors
    (0-6), to one decimal; None without responses."""
    total = sum(counts.values())
    if not total:
        return None
    promoters = sum(n for score, n in counts.items() if score >= 9)
    detractors = sum(n for score, n in counts.items() if score <= 6)
    return round(100 * (promoters - detractors) / total, 1)


def average_of(counts: Mapping[int, int]) -> float | None:
    total = sum(counts.values())
    return sum(score * n for score, n in counts.items()) / total if total else None


def quarter_of(day: date) -> tuple[int, int]:
    """(year, quarter 1 to 4) of a day."""
    return day.year, (day.month - 1) // 3 + 1


def quarters(since: date, until: date) -> list[tuple[int, int]]:
    """Every (year, quarter) [since, until] touches, oldest first (none if until < since)."""
    found: list[tuple[int, int]] = []
    if until < since:
        return found
    year, q = quarter_of(since)
    while (year, q) <= quarter_of(until):
        found.append((year, q))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return found


def quarterly_scores(
    rows: Iterable[tuple[date, int, int]], since: date, until: date
) -> list[QuarterScore]:
    """(a day in the month, score, responses) rows as NPS and average per quarter, every
    quarter of the period listed (one without responses has None for both)."""
    counts: dict[tuple[int, int], dict[int, int]] = {q: {} for q in quarters(since, until)}
    for day, score, responses in rows:
        bucket = counts.setdefault(quarter_of(day), {})
        bucket[score] = bucket.get(score, 0) + responses
    return [
        QuarterScore(year, q, sum(c.values()), average_of(c), nps_of(c))
        for (year, q), c in sorted(counts.items())
    ]


def week_of(day: date) -> date:
    """The Monday of the (local) week a day is in."""
    return day - timedelta(days=day.weekday())


def weekly_buckets(days: Mapping[date, int], since: date, until: date) -> list[WeekCount]:
    """Interactions per local day as interactions per week (Monday to Sunday), every
    week from the one ``since`` is in to the one ``until`` is in, empty ones too.
    Days are calendar days, so a week with a DST change is seven days like any other."""
    sums: dict[date, int] = {}
    for day, count in days.items():
        sums[week_of(day)] = sums.get(week_of(day), 0) + count
    weeks, monday = [], week_of(since)
    while monday <= until:
        weeks.append(WeekCount(monday, sums.pop(monday, 0)))
        monday += timedelta(days=7)
    return weeks


def lateness(today: date, next_due: date, cadence_days: int) -> tuple[int, float]:
    """Days since the last contact (next_due - cadence) and how many cadences that is."""
    days_since = (today - next_due).days + cadence_days
    return days_since, days_since / cadence_days


def rank_neglected(candidates: Iterable[Neglected], limit: int = NEGLECTED) -> list[Neglected]:
    """The most neglected first: most cadences passed, then higher priority, then by
    name and id (the order of ``today``'s cadence section)."""
    order = sorted(candidates, key=lambda c: (-c.lateness, -c.priority, c.name.casefold(), c.id))
    return order[:limit]


def tallies(rows: Iterable[StageCount], by: str) -> list[Tally]:
    """Contacts per stage (``by="stage"``) or per type, most first, then by name."""
    sums: dict[str, int] = {}
    for row in rows:
        key = row.stage if by == "stage" else row.type
        sums[key] = sums.get(key, 0) + row.contacts
    return [Tally(name, n) for name, n in sorted(sums.items(), key=lambda kv: (-kv[1], kv[0]))]


# -- the report ---------------------------------------------------------------------------


def _neglected(db: Database, today: date) -> list[Neglected]:
    params: dict[str, object] = {"today": today.isoformat(), "limit": NEGLECTED, "owner": None}
    found = []
    for row in db.execute(CADENCE_ITEMS, params):
        cadence = int(row["cadence_days"])
        days_since, times = lateness(today, date.fromisoformat(str(row["next_due_on"])), cadence)
        last = row["last_contact_at"]
        found.append(
            Neglected(
                int(row["id"]),
                str(row["name"]),
                cadence,
                clock.local_day_of(str(last)) if last else None,
                days_since,
                int(row["priority"]),
                times,
            )
        )
    return rank_neglected(found)


def _flows(db: Database, period: dict[str, object]) -> list[CurrencyFlow]:
    flows = [
        CurrencyFlow(
            row["currency"],
            int(row["opened"]),
            int(row["opened_cents"]),
            int(row["closed"]),
            int(row["closed_cents"]),
        )
        for row in db.execute(ENGAGEMENT_FLOWS, period)
    ]
    return sorted(flows, key=lambda f: (f.currency is None, f.currency or ""))


def report(db: Database, since: date, until: date, today: date) -> Report:
    """Feedback, satisfaction, the book of contacts, contact over time, who is most
    neglected (as of ``today``), concerns and engagements, over [since, until]."""
    period: dict[str, object] = {"since": since.isoformat(), "until": until.isoformat()}
    moments: dict[str, object] = {
        "start": clock.day_bounds(since)[0],
        "end": clock.day_bounds(until)[1],
    }
    scores = {int(r["score"]): int(r["responses"]) for r in db.execute(FEEDBACK_SCORES, period)}
    count, average = db.execute(SATISFACTION, period).fetchone()
    contacts = [
        StageCount(str(row["stage"]), str(row["type"]), int(row["contacts"]))
        for row in db.execute(CONTACTS_BY)
    ]
    months = [
        (date.fromisoformat(str(row["month"]) + "-01"), int(row["score"]), int(row["responses"]))
        for row in db.execute(FEEDBACK_MONTHS, period)
    ]
    days = {
        date.fromisoformat(str(row["day"])): int(row["interactions"])
        for row in db.execute(DAILY_TOUCHES, moments)
    }
    return Report(
        since=since,
        responses=sum(scores.values()),
        average_score=average_of(scores),
        nps=nps_of(scores),
        engagements_closed=int(count),
        average_satisfaction=average,
        contacts=contacts,
        monthly=[
            MonthCount(str(row["month"]), int(row["interactions"]), int(row["people"]))
            for row in db.execute(MONTHLY_TOUCHES, moments)
        ],
        concerns=concern_figures(db, since, until),
        until=until,
        weekly=weekly_buckets(days, since, until),
        quarterly=quarterly_scores(months, since, until),
        by_stage=tallies(contacts, "stage"),
        by_type=tallies(contacts, "type"),
        neglected=_neglected(db, today),
        engagements=_flows(db, period),
    )
