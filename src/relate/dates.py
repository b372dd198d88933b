"""The date grammar: what users may type for days, times, cadences and recurrences.

Pure functions. Nothing here reads the clock: ``today`` is always an argument, so
every answer is reproducible. Built on dateutil (``relativedelta`` for calendar
months and years, ``rrule`` for recurrences), imported inside the paths that need
them, because start-up time is a product feature: ISO dates use the stdlib.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple, TypeVar

from relate.errors import RelateError

ACCEPTED_FORMS = (
    "use e.g. 2026-12-01, dec 1, 1 december, today, tomorrow, yesterday, friday, next friday,"
    " last friday, in 3 days, in 2 weeks, 3 months ago, 3d/2w/6m/1y,"
    " optionally with a time: friday 3pm, tomorrow 09:30"
)
ACCEPTED_CADENCES = (
    "use e.g. daily, weekly, every 2 weeks, monthly, every 2 months, quarterly,"
    " every 6 months, yearly, every 30 days, 30d/2w/3m/1y"
)
ACCEPTED_RECURRENCES = ACCEPTED_CADENCES + ", or an RRULE such as FREQ=WEEKLY;BYDAY=MO,TH"
MONTH_DAY_FORMS = "use e.g. 1985-03-14 or 03-14 or mar 14, or 14 march 1985"

# Longer than this is a typo, and would overflow date arithmetic downstream.
MAX_CADENCE_DAYS = 36525

# The days a user may name. An agenda looks up to a year ahead and a cadence or a
# recurrence up to a century, so the ends of the calendar (years 1 and 9999, where
# "the next day" does not exist) stay far away.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(9000, 12, 31)
OUTSIDE_RANGE = f"relate's dates run from {FIRST_DAY.year} to {LAST_DAY.year}"

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)} | {
    name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)
}
_MONTHS["sept"] = 9
_WEEKDAYS = {
    name: i
    for i, names in enumerate(
        (
            "mon monday",
            "tue tues tuesday",
            "wed weds wednesday",
            "thu thur thurs thursday",
            "fri friday",
            "sat saturday",
            "sun sunday",
        )
    )
    for name in names.split()
}
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_ABBR = tuple(name[:3].title() for name in _MONTH_NAMES)


def _alternation(words: dict[str, int]) -> str:
    # Longest first, so "march" is not read as "mar" followed by junk.
    return "|".join(sorted(words, key=len, reverse=True))


class _Pattern:
    """A regular expression compiled on first use: most runs of relate read no date,
    and compiling these at import cost ~3 ms of every start."""

    __slots__ = ("_compiled", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        self._compiled: re.Pattern[str] | None = None

    def _pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return self._compiled

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self._pattern().fullmatch(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self._pattern().search(text)


_MONTH = rf"(?P<month>{_alternation(_MONTHS)})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:\s+(?P<year>\d{4}))?"
_MONTH_FIRST = _Pattern(rf"{_MONTH}\s+{_DAY}{_YEAR}")
_DAY_FIRST = _Pattern(rf"{_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}")
_ISO_DATE = _Pattern(r"(\d{4})-(\d{2})-(\d{2})")
_WEEKDAY = _Pattern(rf"(?:(?P<which>next|last|this)\s+)?(?P<wd>{_alternation(_WEEKDAYS)})")
_COUNT = r"(?P<n>\d{1,9}|an?|one)"
_UNIT_WORD = r"(?P<unit>days?|weeks?|fortnights?|months?|years?)"
_IN = _Pattern(rf"in\s+{_COUNT}\s+{_UNIT_WORD}")
_AGO = _Pattern(rf"{_COUNT}\s+{_UNIT_WORD}\s+ago")
_COMPACT = _Pattern(r"(?P<sign>[+-]?)(?P<n>\d{1,9})(?P<unit>[dwmy])")
# A trailing time of day. A bare number only counts as an hour after "at" ("friday at 9"),
# so "dec 1" and "1 december 2027" keep their numbers.
_TIME = _Pattern(
    r"(?:^|\s)(?P<at>at\s+)?(?P<h>\d{1,2})(?::(?P<m>\d{2})(?::(?P<s>\d{2}))?)?"
    r"(?:\s*(?P<ampm>[ap])\.?m\.?)?$"
)
_RELATIVE_WORDS = {"today": 0, "now": 0, "tomorrow": 1, "yesterday": -1}
_D = TypeVar("_D", bound=date)


class When(NamedTuple):
    """A day, and the time of day if the user gave one."""

    day: date
    time: time | None


def _normalise(text: str) -> str:
    # Commas are decoration ("dec 1, 2027"); runs of spaces are typing noise.
    return " ".join(text.lower().replace(",", " ").split())


def _date_error(text: str, why: str | None = None) -> RelateError:
    reason = f": {why}" if why else ""
    return RelateError(f"cannot read {text!r} as a date{reason}", hint=ACCEPTED_FORMS)


def _make_date(year: int | None, month: int, day: int) -> date | str:
    """The date, or why it does not exist. Without a year, 29 Feb is allowed (in 2000)."""
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    if year is not None and not 1 <= year <= 9999:
        return "years run from 1 to 9999"
    last = calendar.monthrange(2000 if year is None else year, month)[1]
    if not 1 <= day <= last:
        month_name = _MONTH_NAMES[month - 1].title()
        return (
            f"{month_name} has {last} days"
            if year is None
            else f"{month_name} {year} has {last} days"
        )
    return date(2000 if year is None else year, month, day)


def _add_months(moment: _D, months: int) -> _D:
    """``moment`` moved by whole months, clamped to the month's last day (Jan 31 + 1 = Feb 28).

    dateutil's ``relativedelta`` (20 ms to import) is loaded only when a month or year
    is actually counted. Works for datetimes too (the time of day is kept).
    OverflowError outside years 1-9999.
    """
    from dateutil.relativedelta import relativedelta

    index = moment.year * 12 + moment.month - 1 + months
    if not 1 <= index // 12 <= 9999:
        raise OverflowError("date value out of range")
    moved: _D = moment + relativedelta(months=months)
    return moved


def _count(word: str) -> int:
    return 1 if word in ("a", "an", "one") else int(word)


def _offset(today: date, n: int, unit: str) -> date:
    """``today`` moved by ``n`` units; ``unit`` is read by its first letter (d/w/f/m/y)."""
    kind = unit[0]
    if kind in "dwf":
        return today + timedelta(days=n * {"d": 1, "w": 7, "f": 14}[kind])
    return _add_months(today, n * (12 if kind == "y" else 1))


def _split_time(s: str, text: str) -> tuple[str, time | None]:
    """Split a trailing time of day off ``s``; returns the day part and the time."""
    s = re.sub(r"^(\d{4}-\d{2}-\d{2})t(?=\d)", r"\1 ", s)  # ISO 2026-12-01T14:30
    m = _TIME.search(s)
    if m is None or not (m["m"] or m["ampm"] or m["at"]):
        return s, None
    hour, minute, second = int(m["h"]), int(m["m"] or 0), int(m["s"] or 0)
    clock = m.group(0).strip()
    if m["ampm"]:
        if not 1 <= hour <= 12:
            raise _date_error(text, f"{clock}: with am/pm the hour runs from 1 to 12")
        hour = hour % 12 + (12 if m["ampm"] == "p" else 0)
    elif hour > 23:
        raise _date_error(text, f"there is no hour {hour}")
    if minute > 59 or second > 59:
        raise _date_error(text, f"{clock} is not a time of day")
    return s[: m.start()].strip(), time(hour, minute, second)


def _match_month_name(s: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) for 'dec 1', '1st of december 2027' and the like."""
    m = _MONTH_FIRST.fullmatch(s) or _DAY_FIRST.fullmatch(s)
    if m is None:
        return None
    return _MONTHS[m["month"]], int(m["day"]), int(m["year"]) if m["year"] else None


# Which way a date without a year (or a bare weekday) leans: AHEAD for something to
# do (on 24 Nov, "jan 5" is next January), BACK for something that happened (on a
# Tuesday, "friday" is the Friday just gone); None reads it in the current year.
AHEAD = "ahead"
BACK = "back"


def _lean_year(found: date, today: date, lean: str | None) -> date | str:
    """A year-less ``found`` (in today's year) moved to the year ``lean`` points at."""
    if lean == AHEAD and found < today:
        return _make_date(today.year + 1, found.month, found.day)
    if lean == BACK and found > today:
        return _make_date(today.year - 1, found.month, found.day)
    return found


def _parse_day(s: str, today: date, text: str, lean: str | None = None) -> date:
    if m := _ISO_DATE.fullmatch(s):
        found = _make_date(int(m[1]), int(m[2]), int(m[3]))
    elif s in _RELATIVE_WORDS:
        found = today + timedelta(days=_RELATIVE_WORDS[s])
    elif m := _WEEKDAY.fullmatch(s):
        wanted = _WEEKDAYS[m["wd"]]
        if m["which"] == "last":
            found = today - timedelta(days=(today.weekday() - wanted) % 7 or 7)
        elif m["which"] is None and lean == BACK:
            # Something that happened on "friday" happened on the latest one (maybe today).
            found = today - timedelta(days=(today.weekday() - wanted) % 7)
        else:
            ahead = (wanted - today.weekday()) % 7
            # Plain "friday" and "next friday" never mean today; "this friday" may.
            found = today + timedelta(days=ahead if m["which"] == "this" else ahead or 7)
    elif m := _IN.fullmatch(s):
        found = _offset(today, _count(m["n"]), m["unit"])
    elif m := _AGO.fullmatch(s):
        found = _offset(today, -_count(m["n"]), m["unit"])
    elif m := _COMPACT.fullmatch(s):
        n = int(m["n"])
        found = _offset(today, -n if m["sign"] == "-" else n, m["unit"])
    elif month_day := _match_month_name(s):
        month, day, year = month_day
        found = _make_date(year or today.year, month, day)
        if year is None and isinstance(found, date):
            found = _lean_year(found, today, lean)
    else:
        raise _date_error(text)
    if isinstance(found, str):
        raise _date_error(text, found)
    return found


def parse_when(text: str, today: date, lean: str | None = None) -> When:
    """Read a user's day, with an optional time of day, relative to ``today``.

    A time alone ('3pm', 'at 15:00') means today at that time. ``lean`` (AHEAD or
    BACK) says which year a date without one is in, and which way a bare weekday goes.
    """
    s = _normalise(text)
    if not s:
        raise _date_error(text)
    day_text, at = _split_time(s, text)
    try:
        day = _parse_day(day_text, today, text, lean) if day_text else today
    except OverflowError:
        day = date.max
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _date_error(text, OUTSIDE_RANGE)
    return When(day, at)


def parse_date(text: str, today: date) -> date:
    """Like ``parse_when``, keeping only the day (a time of day is accepted and dropped)."""
    return parse_when(text, today).day


# Named cadences and recurrences: (count, unit letter).
_NAMED_INTERVALS = {
    "daily": (1, "d"),
    "weekly": (1, "w"),
    "fortnightly": (2, "w"),
    "monthly": (1, "m"),
    "quarterly": (1, "q"),
    "half-yearly": (6, "m"),
    "yearly": (1, "y"),
    "annually": (1, "y"),
}
_INTERVAL = _Pattern(
    r"(?P<every>every\s+)?(?:(?P<n>\d{1,9}|other)\s*)?"
    r"(?P<unit>days?|weeks?|fortnights?|months?|quarters?|years?|[dwmy])"
)


def _match_interval(s: str) -> tuple[int, str] | None:
    """(count, unit letter d/w/f/m/q/y) for 'every 2 weeks', '2w', 'monthly'...; None if junk."""
    if s in _NAMED_INTERVALS:
        return _NAMED_INTERVALS[s]
    m = _INTERVAL.fullmatch(s)
    if m is None:
        return None
    n, unit = m["n"], m["unit"]
    # "week" or "d" alone is not a cadence; "every week" and "3d" are.
    if n is None and (not m["every"] or len(unit) == 1):
        return None
    if n == "other":
        if not m["every"]:
            return None
        return 2, unit[0]
    return (int(n) if n else 1), unit[0]


def _months_in_days(months: int) -> int:
    # Three and six months are a quarter and a half year (91 and 182 days, as in
    # "quarterly"); whole years are 365 days each; anything else counts 30-day months.
    if months % 12 == 0:
        return 365 * (months // 12)
    return {3: 91, 6: 182}.get(months, 30 * months)


def _interval_days(n: int, unit: str) -> int:
    if unit == "m":
        return _months_in_days(n)
    return n * {"d": 1, "w": 7, "f": 14, "q": 91, "y": 365}[unit]


def parse_cadence(text: str) -> int:
    """How often to be in touch, as a number of days ('every 2 weeks' -> 14).

    Months count 30 days, except 3 months = quarterly = 91 and 6 months = 182;
    years count 365.
    """
    found = _match_interval(_normalise(text))
    if found is None:
        raise RelateError(f"cannot read {text!r} as a cadence", hint=ACCEPTED_CADENCES)
    days = _interval_days(*found)
    if days < 1:
        raise RelateError(f"a cadence must be at least one day, not {text!r}")
    if days > MAX_CADENCE_DAYS:
        raise RelateError(f"a cadence of {text!r} is longer than 100 years")
    return days


def format_cadence(days: int) -> str:
    """Canonical text for a cadence in days; ``parse_cadence`` reads it back exactly."""
    if days < 1:
        raise ValueError(f"a cadence is at least one day, not {days}")
    named = {1: "daily", 7: "weekly", 30: "monthly", 91: "quarterly", 182: "every 6 months"}
    if days in named:
        return named[days]
    if days % 365 == 0:
        return "yearly" if days == 365 else f"every {days // 365} years"
    # 90 and 180 days would read back as 91 and 182 (quarterly, half-yearly).
    if days % 30 == 0 and days < 360 and days not in (90, 180):
        return f"every {days // 30} months"
    if days % 7 == 0:
        return f"every {days // 7} weeks"
    return f"every {days} days"


_FREQ_OF_UNIT = {"d": "DAILY", "w": "WEEKLY", "m": "MONTHLY", "y": "YEARLY"}
_SIMPLE_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def _simple_rule(freq: str, interval: int) -> str:
    return f"FREQ={freq}" if interval == 1 else f"FREQ={freq};INTERVAL={interval}"


# Every RRULE relate reads or writes is split and joined by the two functions below
# (the iCalendar export too): one reading of the text.


def _rule_fields(rrule: str) -> dict[str, str] | None:
    """KEY -> VALUE of an RRULE value (prefix 'RRULE:' allowed); None if not KEY=VALUE;..."""
    body = rrule.strip()
    if body[:6].upper() == "RRULE:":
        body = body[6:]
    fields: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in body.upper().split(";"))):
        key, sep, value = part.partition("=")
        if not sep or not key or not value or key in fields or not key.isalpha():
            return None
        fields[key] = value
    return fields


def rule_text(fields: dict[str, str]) -> str:
    """The RRULE value of ``fields``, in their order: 'FREQ=WEEKLY;INTERVAL=2'."""
    return ";".join(f"{key}={value}" for key, value in fields.items())


def stored_rule(rrule: str) -> dict[str, str]:
    """KEY -> VALUE of a reminder's stored rule; a RelateError when it is not a rule."""
    fields = _rule_fields(rrule)
    if fields is None or "FREQ" not in fields:
        raise RelateError(f"not a recurrence rule: {rrule!r}")
    return fields


def _simple_interval(fields: dict[str, str], extra: frozenset[str]) -> tuple[str, int] | None:
    """(FREQ, INTERVAL) when the rule is FREQ + INTERVAL (+ the ``extra`` keys) only."""
    if set(fields) - {"FREQ", "INTERVAL"} - extra or fields.get("FREQ") not in _SIMPLE_FREQS:
        return None
    interval = fields.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        return None
    return fields["FREQ"], int(interval)


def _recurrence_error(text: str, why: str | None = None) -> RelateError:
    reason = f": {why}" if why else ""
    return RelateError(f"cannot read {text!r} as a recurrence{reason}", hint=ACCEPTED_RECURRENCES)


def parse_recurrence(text: str) -> str:
    """A reminder's recurrence as an RFC 5545 RRULE value (no 'RRULE:' prefix).

    Plain words become 'FREQ=...[;INTERVAL=n]'; an RRULE is validated, upper-cased
    and returned (a plain FREQ/INTERVAL one in that canonical order).
    """
    if "=" in text:
        return _validate_rrule(text)
    found = _match_interval(_normalise(text))
    if found is None:
        raise _recurrence_error(text)
    n, unit = found
    if n < 1:
        raise _recurrence_error(text, "it must repeat at least every day")
    if _interval_days(n, unit) > MAX_CADENCE_DAYS:
        raise _recurrence_error(text, "that is longer than 100 years")
    if unit == "q":
        n, unit = 3 * n, "m"
    elif unit == "f":
        n, unit = 2 * n, "w"
    return _simple_rule(_FREQ_OF_UNIT[unit], n)


def _validate_rrule(text: str) -> str:
    fields = _rule_fields(text)
    if fields is None or "FREQ" not in fields:
        raise _recurrence_error(text, "an RRULE is FREQ=...;KEY=VALUE;...")
    simple = _simple_interval(fields, frozenset())
    if simple is not None:
        return _simple_rule(*simple)
    for key in ("INTERVAL", "COUNT"):
        if key in fields and not (fields[key].isdigit() and int(fields[key]) >= 1):
            raise _recurrence_error(text, f"{key} must be a whole number of at least 1")
    # A reminder is due on a day (at a time): a series within a day cannot be honoured.
    if fields["FREQ"] not in _SIMPLE_FREQS or {"BYHOUR", "BYMINUTE", "BYSECOND"} & set(fields):
        raise _recurrence_error(text, "a reminder repeats at most daily")
    if fields.get("UNTIL", "").endswith("Z"):
        # Reminders run on naive local time, and dateutil refuses a UTC end with those.
        raise _recurrence_error(text, "UNTIL must be a local date or time, without Z")
    rule = rule_text(fields)
    from dateutil.rrule import rrulestr

    anchor = datetime(2000, 1, 1)
    try:
        series = rrulestr(rule, dtstart=anchor)
        first = series.after(anchor, inc=True)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise _recurrence_error(text, str(exc)) from None
    if first is None:
        raise _recurrence_error(text, "that rule never happens")
    return rule


def anchor_fields(fields: dict[str, str], start: date) -> dict[str, str]:
    """A plain monthly or yearly rule's fields pinned to the day of ``start``.

    relate's monthly series from 31 Jan falls on 28 Feb, 31 Mar, 30 Apr: the last of
    days 28..31 each month has, which RFC 5545 says as ``BYMONTHDAY=28,29,30,31;
    BYSETPOS=-1`` (and a yearly one from 29 Feb as ``BYMONTH=2;BYMONTHDAY=28,29;
    BYSETPOS=-1``). Stored that way the day is kept in the rule itself, so stepping on
    from a clamped 28 Feb comes back to the 31st, and the rule a calendar gets is the
    same before and after ``done``. Other rules are returned unchanged.
    """
    if set(fields) - {"FREQ", "INTERVAL", "COUNT", "UNTIL"}:
        return fields
    if fields.get("FREQ") == "MONTHLY" and start.day > 28:
        days = ",".join(str(day) for day in range(28, start.day + 1))
        return {**fields, "BYMONTHDAY": days, "BYSETPOS": "-1"}
    if fields.get("FREQ") == "YEARLY" and (start.month, start.day) == (2, 29):
        return {**fields, "BYMONTH": "2", "BYMONTHDAY": "28,29", "BYSETPOS": "-1"}
    return fields


def anchored_rule(rrule: str, start: date) -> str:
    """``rrule`` (FREQ/INTERVAL only) pinned to the day of ``start``; see ``anchor_fields``.

    Rules with COUNT or UNTIL are left as they are: their count runs from the first
    occurrence, which the stored rule does not carry.
    """
    fields = _rule_fields(rrule)
    if fields is None or set(fields) - {"FREQ", "INTERVAL"}:
        return rrule
    return rule_text(anchor_fields(fields, start))


def _unanchored(fields: dict[str, str]) -> dict[str, str]:
    """The plain rule behind an anchored one (what the user asked for), else ``fields``."""
    plain = {k: v for k, v in fields.items() if k not in ("BYMONTH", "BYMONTHDAY", "BYSETPOS")}
    try:
        last_day = int(fields.get("BYMONTHDAY", "").split(",")[-1])
        start = date(2000, int(fields.get("BYMONTH", "1")), last_day)
    except ValueError:
        return fields
    return plain if anchor_fields(plain, start) == fields else fields


def describe_recurrence(rrule: str) -> str:
    """Human words for an RRULE ('every 2 weeks'); the rule itself when it is not simple."""
    fields = _rule_fields(rrule)
    simple = _simple_interval(_unanchored(fields), frozenset()) if fields else None
    if simple is None:
        body = rrule.strip()
        return body[6:] if body[:6].upper() == "RRULE:" else body
    freq, n = simple
    if freq == "MONTHLY" and n == 3:
        return "quarterly"
    if n == 1:
        return freq.lower()
    unit = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months", "YEARLY": "years"}[freq]
    return f"every {n} {unit}"


def next_occurrence(rrule: str, dtstart: datetime, after: datetime) -> datetime | None:
    """The first occurrence strictly after ``after`` of the series starting at ``dtstart``.

    None when the series has ended (COUNT/UNTIL) or runs past year 9999. Naive datetimes.
    Plain FREQ/INTERVAL(/COUNT) rules step from ``dtstart`` with month-end clamping: a
    monthly series from Jan 31 falls on Feb 28 (29), Mar 31, Apr 30..., and a yearly one
    from Feb 29 on Feb 28 in other years. (Plain RFC 5545, and so dateutil, would skip
    the months without that day instead.) Any other rule is left to ``dateutil.rrule``,
    with its RFC semantics.
    """
    fields = stored_rule(rrule)
    simple = _simple_interval(fields, frozenset({"COUNT"}))
    count = fields.get("COUNT", "")
    if simple is None or (count and not count.isdigit()):
        return _dateutil_after(fields, dtstart, after)
    freq, interval = simple
    try:
        if freq in ("DAILY", "WEEKLY"):
            step = timedelta(days=interval * (7 if freq == "WEEKLY" else 1))
            k = 0 if after < dtstart else (after - dtstart) // step + 1
            found = dtstart + k * step
        else:
            months = interval * (12 if freq == "YEARLY" else 1)
            gap = (after.year - dtstart.year) * 12 + after.month - dtstart.month
            k = max(0, gap // months)
            # At most two steps: clamping only ever moves an occurrence earlier in its month.
            while (found := _add_months(dtstart, k * months)) <= after:
                k += 1
    except OverflowError:
        return None
    if count and k >= int(count):
        return None
    return found


def remaining_rule(rrule: str, dtstart: datetime, following: datetime) -> str:
    """``rrule`` for the series restarted at ``following``: its COUNT less the
    occurrences from ``dtstart`` up to ``following`` (a late completion may have
    passed several), so "COUNT=3" still means three in all. Without COUNT, as it is."""
    fields = _rule_fields(rrule)
    if fields is None or not fields.get("COUNT", "").isdigit():
        return rrule
    used = 0
    current = next_occurrence(rrule, dtstart, dtstart - timedelta(seconds=1))
    while current is not None and current < following:
        used += 1
        current = next_occurrence(rrule, dtstart, current)
    fields["COUNT"] = str(max(1, int(fields["COUNT"]) - used))
    return rule_text(fields)


def _dateutil_after(fields: dict[str, str], dtstart: datetime, after: datetime) -> datetime | None:
    from dateutil.rrule import rrulestr

    rule = rule_text(fields)
    try:
        found: datetime | None = rrulestr(rule, dtstart=dtstart).after(after, inc=False)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RelateError(f"not a valid recurrence rule: {rule!r} ({exc})") from None
    return found


@dataclass(frozen=True)
class MonthDay:
    """An important date whose year may be unknown (a birthday without the birth year)."""

    month: int
    day: int
    year: int | None = None

    def __post_init__(self) -> None:
        # Without a year 29 Feb is allowed: it is a real birthday.
        problem = _make_date(self.year, self.month, self.day)
        if isinstance(problem, str):
            raise ValueError(f"not a valid date: {problem}")

    def iso(self) -> str:
        """'YYYY-MM-DD', or '--MM-DD' without a year (the form JSON exports use)."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> date:
        """This date in ``year``; 29 Feb falls on 28 Feb in other years."""
        return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))

    def next_on_or_after(self, day: date) -> date:
        """The next anniversary on or after ``day``."""
        this_year = self.in_year(day.year)
        return this_year if this_year >= day else self.in_year(day.year + 1)


_NUMERIC_MONTH_DAY = _Pattern(r"--(\d{2})-?(\d{2})|(\d{2})-(\d{2})")
_COMPACT_ISO = _Pattern(r"(\d{4})(\d{2})(\d{2})")


def parse_month_day(text: str, today: date) -> MonthDay:
    """Read a birthday or anniversary; the year is optional ('03-14', 'mar 14').

    Relative days ('today', 'yesterday', 'last friday') give a full date.
    """
    s = _normalise(text)
    year: int | None
    if m := _ISO_DATE.fullmatch(s) or _COMPACT_ISO.fullmatch(s):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _NUMERIC_MONTH_DAY.fullmatch(s):
        year, month, day = None, int(m[1] or m[3]), int(m[2] or m[4])
    elif found := _match_month_name(s):
        month, day, year = found
    else:
        try:
            when = parse_when(text, today)
        except RelateError:
            raise RelateError(f"cannot read {text!r} as a date", hint=MONTH_DAY_FORMS) from None
        return MonthDay(when.day.month, when.day.day, when.day.year)
    problem = _make_date(year, month, day)
    if isinstance(problem, str):
        raise RelateError(f"cannot read {text!r} as a date: {problem}", hint=MONTH_DAY_FORMS)
    return MonthDay(month, day, year)


def format_moment(d: date, at: time | None, today: date) -> str:
    """``format_day`` with the time of day when one was given: 'Fri 27 Nov 15:00'."""
    day = format_day(d, today)
    return f"{day} {at:%H:%M}" if at is not None else day


def format_on(d: date, at: time | None, today: date) -> str:
    """``format_moment`` to follow a verb: 'yesterday 15:00', 'on Fri 20 Nov'."""
    text = format_moment(d, at, today)
    return text if (d - today).days in (-1, 0, 1) else f"on {text}"


def format_day(d: date, today: date) -> str:
    """'today', 'tomorrow', 'yesterday', else 'Fri 27 Nov' (with ' 2027' if not this year)."""
    relative = {0: "today", 1: "tomorrow", -1: "yesterday"}.get((d - today).days)
    if relative:
        return relative
    text = f"{_DAY_ABBR[d.weekday()]} {d.day} {_MONTH_ABBR[d.month - 1]}"
    return text if d.year == today.year else f"{text} {d.year}"
