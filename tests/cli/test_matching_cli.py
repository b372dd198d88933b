"""Writes land on the person meant, or nowhere: name matching as a user meets it."""

from __future__ import annotations

import json

import pytest

from helpers import Relate, ok


@pytest.fixture
def month_of_contacts(relate: Relate) -> None:
    for name in ("Anna Schmidt", "Anna Kowalski", "Zoë Saldaña", "Björk Guðmundsdóttir"):
        ok(relate("add", name))


def _logs(relate: Relate, who: str) -> list[object]:
    shown = json.loads(ok(relate("show", who, "-f", "json")))
    return [entry for entry in shown["timeline"] if entry["kind"] != "reminder"]


@pytest.mark.usefixtures("month_of_contacts")
def test_log_ana_lists_the_two_annas_and_logs_nothing(relate: Relate) -> None:
    result = relate("log", "Ana", "Sent the invoice")
    assert result.exit_code == 3
    assert "#1 Anna Schmidt" in result.stderr and "#2 Anna Kowalski" in result.stderr
    assert "Saldaña" not in result.stderr
    assert _logs(relate, "#3") == []


@pytest.mark.usefixtures("month_of_contacts")
def test_log_dot_finds_no_one(relate: Relate) -> None:
    result = relate("log", "dot", "x")
    assert result.exit_code == 3
    assert _logs(relate, "#4") == []


@pytest.mark.usefixtures("month_of_contacts")
def test_log_kowalsky_logs_against_anna_kowalski(relate: Relate) -> None:
    assert "with Anna Kowalski" in ok(relate("log", "Kowalsky", "Sent the invoice"))


@pytest.mark.parametrize("typed", ["Jon Smith", "jo"])
def test_delete_acts_only_on_an_exact_name(relate: Relate, typed: str) -> None:
    ok(relate("add", "Joan Smith"))
    ok(relate("add", "Bob Jones"))
    result = relate("delete", typed, "--yes")
    assert result.exit_code == 3
    assert "no contact is named exactly" in result.stderr
    names = [c["name"] for c in json.loads(ok(relate("list", "-f", "json")))]
    assert names == ["Bob Jones", "Joan Smith"]


def test_archive_acts_only_on_an_exact_name(relate: Relate) -> None:
    ok(relate("add", "Joan Smith"))
    assert relate("archive", "Jon Smith").exit_code == 3
    assert relate("archive", "joan").exit_code == 3
    assert ok(relate("archive", "joan smith")) == "Archived #1 Joan Smith\n"
