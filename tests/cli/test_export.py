"""`relate export`: layouts, formats, --excel-safe, -o, iCalendar, streaming."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import Result

from helpers import Relate, ok
from relate import clock
from relate.dates import next_occurrence
from relate.render.output import write_csv
from relate.services import exporting
from relate.services.calendar import calendar_rule
from relate.storage.database import Database


@pytest.fixture
def sample(relate: Relate) -> None:
    relate(
        "add",
        "Ann Smith",
        "--email",
        "ann@acme.com",
        "--phone",
        "+49 30 1234",
        "--org",
        "Acme",
        "--birthday",
        "03-14",
        "--tag",
        "vip",
        "--note",
        '=HYPERLINK("http://evil")',
    )
    relate("add", "Bob Jones", "--birthday", "1980-02-29")
    relate("log", "ann", "Call about the redesign", "--kind", "call", "--with", "bob")
    relate("remind", "ann", "Monthly report", "--on", "2027-01-31", "--every", "monthly")
    relate("remind", "bob", "Standup", "--on", "friday 9am", "--every", "weekly")
    relate("concern", "ann", "Invoice sent twice", "--due", "friday")
    relate("escalate", "1", "--to", "Dana")
    relate("engagement", "ann", "Redesign", "--value", "4500", "--currency", "EUR")
    relate("engagement", "edit", "1", "--value", "5000", "--note", "Adds the shop; a|b")
    relate("feedback", "ann", "9", "--note", "Loved it")
    relate("gift", "ann", "Tea set", "--occasion", "birthday")  # an idea: given is a log


def rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout_bytes.decode(), newline="")))


@pytest.mark.usefixtures("sample")
@pytest.mark.parametrize("kind", exporting.KINDS)
def test_csv_header_is_the_documented_layout(kind: str, relate: Relate) -> None:
    result = relate("export", kind)
    header = result.stdout_bytes.split(b"\r\n", 1)[0].decode()
    # Contacts: custom fields are a field:KEY column each (the sample has none).
    columns = [c for c in exporting.FIELDS[kind] if kind != "contacts" or c != "fields"]
    assert header == ",".join(columns)


@pytest.mark.usefixtures("sample")
@pytest.mark.parametrize("kind", exporting.KINDS)
def test_json_and_jsonl_hold_the_same_records(kind: str, relate: Relate) -> None:
    as_json = json.loads(relate("export", kind, "--format", "json").stdout)
    lines = relate("export", kind, "--format", "jsonl").stdout.splitlines()
    assert as_json == [json.loads(line) for line in lines]
    assert as_json and all(list(record) == list(exporting.FIELDS[kind]) for record in as_json)


@pytest.mark.usefixtures("sample")
def test_interactions_name_their_participants(relate: Relate) -> None:
    [row] = rows(relate("export", "interactions"))
    assert row["contact_ids"] == "1;2"
    assert row["contacts"] == "Ann Smith;Bob Jones"
    assert row["kind"] == "call"
    assert row["occurred_at"].startswith("2026-11-24T")


@pytest.mark.usefixtures("sample")
def test_reminders_and_dates_use_iso_8601(relate: Relate) -> None:
    reminders = rows(relate("export", "reminders"))
    assert reminders[0]["due"] == "2027-01-31" and reminders[0]["all_day"] == "true"
    # Monthly from the 31st is stored with its day (#10.3): the RFC 5545 rule for
    # "the 31st, or the month's last day", the same before and after `done`.
    assert reminders[0]["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1"
    assert reminders[1]["due"] == "2026-11-27T09:00:00+00:00"
    assert [row["date"] for row in rows(relate("export", "dates"))] == ["--03-14", "1980-02-29"]


@pytest.mark.usefixtures("sample")
def test_default_csv_is_exact_and_excel_safe_neutralises_formulas(relate: Relate) -> None:
    [ann, _bob] = rows(relate("export", "contacts"))
    assert ann["notes"] == '=HYPERLINK("http://evil")'
    assert ann["phones"] == "+49 30 1234"
    [safe, _] = rows(relate("export", "contacts", "--excel-safe"))
    assert safe["notes"] == '\'=HYPERLINK("http://evil")'
    assert safe["phones"] == "'+49 30 1234"
    assert safe["birthday"] == "'--03-14"
    assert safe["name"] == "Ann Smith"


def test_excel_safe_cell_triggers() -> None:
    for text in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert exporting.excel_safe_cell(text) == "'" + text
    assert exporting.excel_safe_cell("a=1") == "a=1"


@pytest.mark.usefixtures("sample")
def test_output_file(relate: Relate, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    result = relate("export", "contacts", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_bytes() == relate("export", "contacts").stdout_bytes
    assert sorted(p.name for p in tmp_path.iterdir() if "contacts" in p.name) == ["contacts.csv"]


@pytest.mark.usefixtures("sample")
def test_an_export_never_overwrites_the_database_or_a_backup(
    relate: Relate, db_path: Path, tmp_path: Path
) -> None:
    ok(relate("backup", str(tmp_path / "kept.db")))
    ok(relate("list"))  # the -wal and -shm files exist while relate runs
    for name in ("relate.db", "relate.db-wal", "relate.db-shm", "kept.db"):
        target = tmp_path / name
        before = target.read_bytes() if target.exists() else None
        for force in ((), ("--force",)):
            result = relate("export", "contacts", "-o", str(target), *force)
            assert result.exit_code == 1, (name, result.stderr)
            assert result.stderr.startswith(f"relate: error: {target}"), result.stderr
            if before is not None and name != "relate.db-shm":
                assert target.read_bytes() == before
    assert "Ann Smith" in ok(relate("list"))
    assert ok(relate("check"))


@pytest.mark.usefixtures("sample")
def test_an_existing_file_is_overwritten_only_with_force(relate: Relate, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    target.write_text("keep me\n")
    refused = relate("export", "contacts", "-o", str(target))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"relate: error: {target} exists; not overwriting it (choose another name or add --force)\n"
    )
    assert target.read_text() == "keep me\n"
    ok(relate("export", "contacts", "-o", str(target), "--force"))
    assert "Ann Smith" in target.read_text()


@pytest.mark.parametrize("folder", ["", ".", "some-folder"])
def test_an_export_to_a_folder_is_a_clean_error(
    relate: Relate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "some-folder").mkdir()
    result = relate("export", "contacts", "-o", folder)
    assert result.exit_code == 1
    assert "is a folder; name the file to write" in result.stderr


def test_export_errors_name_the_users_file_not_a_temporary_one(
    relate: Relate, tmp_path: Path
) -> None:
    target = tmp_path / "missing-folder" / "contacts.csv"
    result = relate("export", "contacts", "-o", str(target))
    assert result.exit_code == 4
    assert result.stderr == (f"relate: error: cannot write {target}: No such file or directory\n")


@pytest.mark.usefixtures("sample")
def test_exports_and_their_temporary_files_are_owner_only_under_umask_000(
    relate: Relate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import stat

    seen: list[int] = []
    real_replace = os.replace

    def watching_replace(src: object, dst: object) -> None:
        seen.append(stat.S_IMODE(os.stat(src).st_mode))  # type: ignore[arg-type]
        real_replace(src, dst)  # type: ignore[arg-type]

    previous = os.umask(0)
    monkeypatch.setattr(os, "replace", watching_replace)
    try:
        for fmt in ("csv", "json", "vcard"):
            target = tmp_path / f"contacts.{fmt}"
            ok(relate("export", "contacts", "-f", fmt, "-o", str(target)))
            assert stat.S_IMODE(target.stat().st_mode) == 0o600
        ok(relate("export", "calendar", "-o", str(tmp_path / "agenda.ics")))
        assert stat.S_IMODE((tmp_path / "agenda.ics").stat().st_mode) == 0o600
    finally:
        os.umask(previous)
    assert seen and set(seen) == {0o600}


@pytest.mark.parametrize(
    "args",
    [
        ("export", "presents"),
        ("export", "interactions", "--format", "vcard"),
        ("export", "contacts", "--format", "ics"),
        ("export", "contacts", "--format", "json", "--excel-safe"),
    ],
)
def test_bad_export_requests_are_usage_errors(args: tuple[str, ...], relate: Relate) -> None:
    result = relate(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith("relate: error: ")


def test_empty_exports(relate: Relate) -> None:
    assert relate("export", "contacts", "-f", "json").stdout == "[]\n"
    assert relate("export", "interactions").stdout_bytes == (
        ",".join(exporting.FIELDS["interactions"]).encode() + b"\r\n"
    )


# --- iCalendar -----------------------------------------------------------------------------


@pytest.mark.usefixtures("sample")
def test_calendar_parses_back_with_icalendar(relate: Relate) -> None:
    from icalendar import Calendar

    result = relate("export", "calendar")
    assert result.exit_code == 0, result.stderr
    calendar = Calendar.from_ical(result.stdout_bytes)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        "reminder-1@relate",
        "reminder-2@relate",
        "date-1@relate",
        "date-2@relate",
    }
    monthly = events["reminder-1@relate"]
    assert str(monthly["summary"]) == "Ann Smith: Monthly report"
    assert monthly["dtstart"].dt == date(2027, 1, 31)
    assert set(monthly["rrule"].to_ical().split(b";")) == {
        b"FREQ=MONTHLY",
        b"BYMONTHDAY=28,29,30,31",
        b"BYSETPOS=-1",
    }
    weekly = events["reminder-2@relate"]
    assert weekly["dtstart"].dt == datetime(2026, 11, 27, 9, 0)  # floating local time
    assert weekly["rrule"].to_ical() == b"FREQ=WEEKLY"
    birthday = events["date-2@relate"]
    assert str(birthday["summary"]) == "Bob Jones's birthday"
    assert birthday["dtstart"].dt == date(1980, 2, 29)
    assert set(birthday["rrule"].to_ical().split(b";")) == {
        b"FREQ=YEARLY",
        b"BYMONTH=2",
        b"BYMONTHDAY=28,29",
        b"BYSETPOS=-1",
    }
    [alarm] = birthday.walk("VALARM")
    assert alarm["trigger"].to_ical() == b"-P7D"
    assert events["date-1@relate"]["dtstart"].dt == date(2000, 3, 14)


@pytest.mark.usefixtures("sample")
def test_calendar_leaves_out_done_reminders(relate: Relate) -> None:
    from icalendar import Calendar

    relate("remind", "ann", "One-off", "--on", "tomorrow")
    relate("done", "3")
    calendar = Calendar.from_ical(relate("export", "calendar").stdout_bytes)
    assert "reminder-3@relate" not in {str(e["uid"]) for e in calendar.walk("VEVENT")}


@pytest.mark.parametrize(
    ("rule", "start"),
    [
        ("FREQ=MONTHLY", datetime(2027, 1, 31)),
        ("FREQ=MONTHLY;INTERVAL=2", datetime(2027, 1, 30)),
        ("FREQ=MONTHLY;COUNT=14", datetime(2027, 3, 29)),
        ("FREQ=YEARLY", datetime(2028, 2, 29)),
        ("FREQ=MONTHLY", datetime(2027, 1, 15)),
    ],
)
def test_calendar_rule_gives_relates_own_dates(rule: str, start: datetime) -> None:
    """The exported RRULE, read by an RFC 5545 engine, lands where relate does."""
    from dateutil.rrule import rrulestr

    fields = calendar_rule(rule, start)
    rfc = rrulestr(";".join(f"{k}={v}" for k, v in fields.items()), dtstart=start)
    ours, current = [start], start
    for _ in range(13):
        found = next_occurrence(rule, start, current)
        if found is None:
            break
        ours.append(found)
        current = found
    # The engine's first occurrences (list(rfc) would expand the rule to the year 9999).
    assert list(itertools.islice(rfc, len(ours))) == ours


# --- streaming -----------------------------------------------------------------------------


def _bulk_interactions(db: Database, count: int) -> None:
    stamp = clock.to_storage(clock.now())
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO contact (id, name, name_key, priority, notes, created_at,"
            " updated_at) VALUES (1, 'Ann', 'ann', 1, '', :now, :now) ON CONFLICT DO NOTHING",
            {"now": stamp},
        )
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)"
            " INSERT INTO interaction (kind, occurred_at, text, created_at)"
            " SELECT 'call', :now, 'a call about something, of some length', :now FROM n",
            {"now": stamp, "count": count},
        )
        conn.execute(
            "INSERT INTO interaction_contact (interaction_id, contact_id)"
            " SELECT id, 1 FROM interaction WHERE true ON CONFLICT DO NOTHING"
        )


def _peak_export_bytes(db: Database) -> int:
    tracemalloc.start()
    try:
        write_csv(exporting.iter_interactions(db), exporting.INTERACTION_FIELDS, _Discard())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Discard(io.StringIO):
    def write(self, text: str) -> int:
        return len(text)


@pytest.mark.slow
def test_export_memory_does_not_grow_with_the_history(db: Database) -> None:
    _bulk_interactions(db, 2_000)
    small = _peak_export_bytes(db)
    _bulk_interactions(db, 30_000)
    large = _peak_export_bytes(db)
    # Loading 32,000 rows at once would take megabytes; streaming stays flat.
    assert large < small + 200_000, (small, large)


@pytest.mark.slow  # a Python process of its own
def test_export_never_imports_sqlmodel(db_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    shutil.copyfile(db_path, path)
    code = (
        "import sys\n"
        "from relate.cli.main import app\n"
        "codes = []\n"
        "for kind in ('contacts', 'interactions', 'reminders', 'dates'):\n"
        "    try:\n"
        "        app(['export', kind], prog_name='relate')\n"
        "    except SystemExit as done:  # how Typer ends every run, failed or not\n"
        "        codes.append(done.code)\n"
        "heavy = [m for m in ('sqlmodel', 'sqlalchemy', 'vobject', 'icalendar', 'rich')"
        " if m in sys.modules]\n"
        "print('EXITS', codes, 'HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "RELATE_DB": str(path)}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    # Every export ran to the end (a failed one imports little and proves nothing).
    assert "EXITS [0, 0, 0, 0] HEAVY []" in done.stderr, done.stderr
    assert [line.split(",")[0] for line in done.stdout.splitlines()] == ["id"] * 4


DOCS = Path(__file__).resolve().parents[2] / "docs" / "import-export.md"


@pytest.mark.parametrize("kind", ["organisations", "engagements", "feedback", "gifts"])
def test_the_columns_are_documented_in_order(kind: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(f"**{kind}** (`relate export {kind}`)", 1)[1].split("\n\n", 2)[1]
    documented = [line.split("`")[1] for line in section.splitlines()[2:]]
    assert documented == list(exporting.FIELDS[kind])
