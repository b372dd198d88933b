"""log, remind, done, snooze, reminders, date and search through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import Relate, Stored, as_json, ok


@pytest.fixture
def people(relate: Relate) -> None:
    ok(relate("add", "Ann Smith", "--every", "weekly"))
    ok(relate("add", "Bob Berg", "--every", "weekly"))
    ok(relate("add", "Carla Díaz"))


def test_a_meeting_with_several_people_counts_for_each(relate: Relate, people: None) -> None:
    out = ok(
        relate(
            "log",
            "ann",
            "Workshop",
            "--kind",
            "meeting",
            "--with",
            "bob",
            "--with",
            "carla",
            "--with",
            "ann",
        )
    )
    assert out == "Logged #1 meeting with Ann Smith, Bob Berg, Carla Díaz\n"
    for name in ("ann", "bob", "carla"):
        card = as_json(relate("show", name, "-f", "json"))
        assert card["last_contact"] == "2026-11-24"
        assert [e["text"] for e in card["timeline"]] == ["Workshop"]


def test_log_when_in_the_past_and_kinds(relate: Relate, people: None) -> None:
    ok(relate("log", "ann", "Sent the quote", "--kind", "e-mail", "--when", "last friday"))
    card = as_json(relate("show", "ann", "-f", "json"))
    assert card["timeline"][0]["kind"] == "email"
    assert card["timeline"][0]["when"] == "2026-11-20 12:00"
    bad = relate("log", "ann", "x", "--kind", "telepathy")
    assert bad.exit_code == 1
    assert "call, email, meeting" in bad.stderr


def test_follow_up_appears_until_done(relate: Relate, people: None) -> None:
    out = ok(relate("log", "ann", "Call about the redesign", "--follow-up", "in 2 days"))
    assert out.endswith("follow-up #1 due Thu 26 Nov\n")
    items = as_json(relate("today", "--days", "3", "-f", "json"))
    assert [(i["id"], i["kind"], i["overdue_days"]) for i in items if i["kind"] != "cadence"] == [
        (1, "follow-up", -2)
    ]
    ok(relate("done", "f1"))
    assert as_json(relate("reminders", "-f", "json")) == []
    done = as_json(relate("reminders", "--all", "-f", "json"))
    assert [(r["id"], r["done"]) for r in done] == [(1, True)]


def test_recurring_reminder_moves_on_and_keeps_its_history(
    relate: Relate, people: None, stored: Stored
) -> None:
    out = ok(
        relate("remind", "ann", "Monthly check-in", "--on", "2026-10-31", "--every", "monthly")
    )
    assert out == "Reminder #1 for Ann Smith due Sat 31 Oct, monthly\n"
    # Completed late (today is 24 Nov): the next occurrence is the first after today,
    # and November has no 31st.
    assert ok(relate("done", "1")) == "Done #1 Monthly check-in; next on Mon 30 Nov\n"
    [reminder] = as_json(relate("reminders", "-f", "json"))
    assert (reminder["due"], reminder["every"], reminder["done"]) == (
        "2026-11-30",
        "monthly",
        False,
    )
    history = stored.rows("SELECT reminder_id, due_at FROM reminder_completion")
    assert history == [(1, "2026-10-31 00:00:00.000000")]


def test_every_two_weeks_and_snooze(relate: Relate, people: None) -> None:
    ok(relate("remind", "bob", "Check the invoice", "--on", "today", "--every", "2 weeks"))
    assert ok(relate("snooze", "1", "--until", "thursday")).startswith("Snoozed #1")
    assert as_json(relate("today", "-f", "json")) == []  # snoozed out of sight
    [item] = [i for i in as_json(relate("today", "--date", "thursday", "-f", "json")) if i["id"]]
    assert (item["id"], item["due"]) == (1, "2026-11-26")
    ok(relate("done", "1"))
    [reminder] = as_json(relate("reminders", "-f", "json"))
    assert reminder["due"] == "2026-12-08"  # two weeks after the original date


def test_reminder_without_a_contact(relate: Relate) -> None:
    assert ok(relate("remind", "--no-contact", "Pay taxes", "--on", "dec 1")) == (
        "Reminder #1 due Tue 1 Dec\n"
    )
    [reminder] = as_json(relate("reminders", "-f", "json"))
    assert reminder["contact"] is None


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (("remind", "ann", "x"), 2, "--on"),
        (("remind", "ann", "x", "--on", "someday"), 1, "tomorrow"),
        (("remind", "ann", "x", "--on", "friday", "--every", "sometimes"), 1, "weekly"),
        (("done", "99"), 3, "no reminder or follow-up #99"),
        (("done", "abc"), 1, "not a reminder"),
        (("snooze", "99", "--until", "friday"), 3, "#99"),
        (("log", "nobody", "x"), 3, "no contact matches"),
        (("date", "ann", "birthday", "02-30"), 1, "February has 29 days"),
    ],
)
def test_capture_errors(
    relate: Relate, people: None, args: tuple[str, ...], code: int, needle: str
) -> None:
    result = relate(*args)
    assert result.exit_code == code, result.stderr
    assert needle in result.stderr
    assert "Traceback" not in result.stderr


def test_important_dates_with_lead_time(relate: Relate, people: None) -> None:
    assert ok(relate("date", "ann", "birthday", "03-14")) == (
        "Added #1 birthday --03-14 for Ann Smith\n"
    )
    assert ok(relate("date", "ann", "birthday", "1985-12-10", "--lead", "20")).startswith(
        "Updated #1 birthday 1985-12-10"
    )
    ok(relate("date", "carla", "contract renewal", "2027-01-31", "--lead", "30"))
    texts = [i["text"] for i in as_json(relate("today", "-f", "json")) if i["kind"] == "date"]
    assert texts == ["Ann Smith turns 41 on Thu 10 Dec: gift?"]
    later = as_json(relate("today", "--date", "2027-01-05", "-f", "json"))
    assert [i["text"] for i in later if i["kind"] == "date"] == [
        "Contract renewal with Carla Díaz on Sun 31 Jan"
    ]


def test_a_date_without_a_lead_time_gives_a_week_of_notice(relate: Relate, people: None) -> None:
    ok(relate("date", "ann", "anniversary", "2020-12-01"))  # a week after Tue 24 Nov
    ok(relate("date", "bob", "anniversary", "2020-12-02"))  # eight days
    texts = [i["text"] for i in as_json(relate("today", "-f", "json")) if i["kind"] == "date"]
    assert texts == ["6 years since anniversary with Ann Smith on Tue 1 Dec"]
    exported = as_json(relate("export", "dates", "-f", "json"))
    assert [d["lead_days"] for d in exported] == [7, 7]


def test_log_reads_stdin_when_piped_or_dash(relate: Relate, people: None) -> None:
    ok(relate("log", "ann", "-", input="Long notes\nfrom a file\n"))
    ok(relate("log", "bob", input="Piped text"))
    assert as_json(relate("show", "ann", "-f", "json"))["timeline"][0]["text"] == (
        "Long notes\nfrom a file"
    )
    assert as_json(relate("show", "bob", "-f", "json"))["timeline"][0]["text"] == "Piped text"
    empty = relate("log", "ann", "-", input="  \n")
    assert empty.exit_code == 1
    assert "nothing logged" in empty.stderr


def _editor(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-editor"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{body}' >> \"$1\"\n")
    script.chmod(0o755)
    return str(script)


def test_log_opens_the_editor_on_a_terminal(
    relate: Relate,
    people: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    screen: Callable[..., None],
) -> None:
    screen(stdin_is_terminal=True)
    monkeypatch.setenv("VISUAL", _editor(tmp_path, "Typed in the editor"))
    assert ok(relate("log", "ann", "--kind", "call")).startswith("Logged #1 call")
    card = as_json(relate("show", "ann", "-f", "json"))
    assert card["timeline"][0]["text"] == "Typed in the editor"


def test_an_empty_editor_message_aborts(
    relate: Relate,
    people: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    screen: Callable[..., None],
) -> None:
    screen(stdin_is_terminal=True)
    monkeypatch.setenv("VISUAL", _editor(tmp_path, ""))
    result = relate("log", "ann")
    assert result.exit_code == 1
    assert "empty message" in result.stderr
    assert as_json(relate("show", "ann", "-f", "json"))["timeline"] == []


def test_search_by_word_prefix_and_phrase(relate: Relate, people: None) -> None:
    ok(relate("log", "ann", "Call about the redesign; wants a quote by Friday"))
    ok(relate("log", "bob", "Lunch, talked about sailing"))
    ok(relate("edit", "carla", "--tag", "sailing", "--note", "Loves redesigning kitchens"))

    by_word = as_json(relate("search", "quote", "-f", "json"))
    assert [(h["type"], h["id"], h["contact"]) for h in by_word] == [
        ("interaction", 1, "Ann Smith")
    ]
    by_prefix = as_json(relate("search", "redes*", "-f", "json"))
    assert {(h["type"], h["contact"]) for h in by_prefix} == {
        ("interaction", "Ann Smith"),
        ("contact", "Carla Díaz"),
    }
    sailing = as_json(relate("search", "sailing", "-f", "json"))
    assert {(h["type"], h["contact"]) for h in sailing} == {
        ("contact", "Carla Díaz"),
        ("interaction", "Bob Berg"),
    }
    phrase = as_json(relate("search", '"talked about sailing"', "-f", "json"))
    assert [h["contact"] for h in phrase] == ["Bob Berg"]
    assert ok(relate("search", "zebra")) == "Nothing found for 'zebra'.\n"


# --- #10.10: search folds accents like name matching ----------------------------------


@pytest.fixture
def nordic(relate: Relate) -> None:
    ok(relate("add", "Søren Kierkegaard", "--note", "Met at Ørsted's café"))
    ok(relate("add", "Björk Guðmundsdóttir"))
    ok(relate("add", "Zoë Saldaña"))
    ok(relate("log", "zoe", "Dinner with Søren at the Straße café"))
    ok(relate("log", "bjork", "Sent the invoice to Björk"))


@pytest.mark.usefixtures("nordic")
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("soren", {("contact", "Søren Kierkegaard"), ("interaction", "Zoë Saldaña")}),
        ("SØREN", {("contact", "Søren Kierkegaard"), ("interaction", "Zoë Saldaña")}),
        ("sor*", {("contact", "Søren Kierkegaard"), ("interaction", "Zoë Saldaña")}),
        ("orsted", {("contact", "Søren Kierkegaard")}),  # in the notes
        ("gudmundsdottir", {("contact", "Björk Guðmundsdóttir")}),
        ("bjork", {("contact", "Björk Guðmundsdóttir"), ("interaction", "Björk Guðmundsdóttir")}),
        ("strasse", {("interaction", "Zoë Saldaña")}),
        ('"soren at the strasse"', {("interaction", "Zoë Saldaña")}),
        ("zoe saldana", {("contact", "Zoë Saldaña")}),
        ("soren NOT cafe", set()),
    ],
)
def test_search_folds_accents_like_names(relate: Relate, query: str, found: set[object]) -> None:
    hits = as_json(relate("search", query, "-f", "json"))
    assert {(hit["type"], hit["contact"]) for hit in hits} == found


@pytest.mark.usefixtures("nordic")
def test_a_folded_search_shows_the_text_as_written(relate: Relate) -> None:
    [contact, interaction] = as_json(relate("search", "soren", "-f", "json"))
    assert contact["text"] == "Søren Kierkegaard"
    assert interaction["text"] == "Dinner with Søren at the Straße café"
    ok(relate("add", "Soren Plain"))  # typed with ø, found without it too
    assert {hit["contact"] for hit in as_json(relate("search", "søren", "-f", "json"))} == {
        "Søren Kierkegaard",
        "Soren Plain",
        "Zoë Saldaña",
    }


def test_every_spelling_of_a_long_word_stays_bounded() -> None:
    from relate.services.search import MAX_SPELLINGS, spellings

    assert spellings("soren") == ["soren", "søren"]
    assert "guðmundsdottir" in spellings("gudmundsdottir")
    assert all(len(spellings(word)) <= MAX_SPELLINGS + 2 for word in ("d" * 40, "oddball" * 9))


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "redesign AND", "(redesign", "NOT"])
def test_malformed_search_is_a_user_error(relate: Relate, people: None, query: str) -> None:
    ok(relate("log", "ann", "redesign"))
    result = relate("search", query)
    assert result.exit_code == 1, result.stdout
    assert "relate: error:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "rule",
    ["FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY;INTERVAL=2", "FREQ=DAILY;BYHOUR=9,17"],
)
def test_a_series_within_a_day_is_refused(relate: Relate, people: None, rule: str) -> None:
    result = relate("remind", "ann", "Check in", "--on", "tomorrow", "--every", rule)
    assert result.exit_code == 1
    assert "a reminder repeats at most daily" in result.stderr
    assert as_json(relate("reminders", "--all", "--format", "json")) == []


def _series(relate: Relate) -> list[tuple[str, object]]:
    return [(r["due"], r["rrule"]) for r in as_json(relate("reminders", "--format", "json"))]


def test_count_means_that_many_occurrences_in_all(relate: Relate, people: None) -> None:
    ok(relate("remind", "ann", "Invoice", "--on", "2026-11-24", "--every", "FREQ=WEEKLY;COUNT=3"))
    ok(relate("done", "1"))
    assert _series(relate) == [("2026-12-01", "FREQ=WEEKLY;COUNT=2")]
    # Completed late, on the 9th: the occurrence of the 8th passed too.
    assert "next" not in ok(relate("done", "1", env={"RELATE_NOW": "2026-12-09T09:00"}))
    assert _series(relate) == []


def test_count_in_the_calendar_is_what_is_left(relate: Relate, people: None) -> None:
    ok(relate("remind", "ann", "Invoice", "--on", "2026-11-24", "--every", "FREQ=WEEKLY;COUNT=3"))
    ok(relate("done", "1"))
    calendar = ok(relate("export", "calendar"))
    assert "DTSTART;VALUE=DATE:20261201" in calendar
    assert "RRULE:FREQ=WEEKLY;COUNT=2" in calendar


def test_until_ends_the_series(relate: Relate, people: None) -> None:
    rule = "FREQ=WEEKLY;UNTIL=20261205"
    ok(relate("remind", "ann", "Stand-up", "--on", "2026-11-24", "--every", rule))
    assert "next on Tue 1 Dec" in ok(relate("done", "1"))
    assert "next" not in ok(relate("done", "1", env={"RELATE_NOW": "2026-12-01T09:00"}))
    assert _series(relate) == []
