"""Resolving typed names to one contact, or a clear error listing the candidates."""

from __future__ import annotations

from datetime import datetime

import pytest

from relate.errors import AmbiguousError, ExitCode, NotFoundError
from relate.services.contacts import ContactInput, add_contact
from relate.services.matching import fold, resolve_contact
from relate.storage.database import Database


@pytest.fixture
def people(db: Database, now: datetime) -> dict[str, int]:
    names = {
        "Søren Kierkegaard": ["Kierke"],
        "Ann Smith": [],
        "Anna Schmidt": [],
        "Jürgen Straße": [],
        "דוד כהן": [],  # Hebrew
        "Ole Ødegaard": [],
    }
    return {
        name: add_contact(db, ContactInput(name=name, aliases=aliases), now).id
        for name, aliases in names.items()
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("#2", "Ann Smith"),
        ("ann smith", "Ann Smith"),
        ("ANN SMITH", "Ann Smith"),
        ("soren", "Søren Kierkegaard"),
        ("Søren", "Søren Kierkegaard"),
        ("soren kierkegaard", "Søren Kierkegaard"),
        ("kierke", "Søren Kierkegaard"),  # alias
        ("jurgen strasse", "Jürgen Straße"),
        ("strasse", "Jürgen Straße"),  # a word of the name
        ("odegaard", "Ole Ødegaard"),
        ("דוד כהן", "דוד כהן"),
        ("דוד", "דוד כהן"),
        ("Kierkegard", "Søren Kierkegaard"),  # a typo: unique fuzzy match
    ],
)
def test_resolves_to_the_one_contact(
    db: Database, people: dict[str, int], typed: str, expected: str
) -> None:
    ref = resolve_contact(db, typed)
    assert ref.name == expected
    assert ref.id == people[expected]


def test_ambiguous_prefix_lists_every_candidate(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(AmbiguousError) as caught:
        resolve_contact(db, "an")
    message = str(caught.value)
    assert f"#{people['Ann Smith']} Ann Smith" in message
    assert f"#{people['Anna Schmidt']} Anna Schmidt" in message
    assert caught.value.exit_code == ExitCode.NOT_FOUND


def test_exact_name_beats_a_longer_one_with_the_same_prefix(
    db: Database, people: dict[str, int], now: datetime
) -> None:
    add_contact(db, ContactInput(name="Ann"), now)
    assert resolve_contact(db, "ann").name == "Ann"


def test_two_people_with_the_same_name_are_never_guessed(
    db: Database, people: dict[str, int], now: datetime
) -> None:
    second = add_contact(db, ContactInput(name="Ann Smith"), now)
    with pytest.raises(AmbiguousError) as caught:
        resolve_contact(db, "Ann Smith")
    assert f"#{second.id} Ann Smith" in str(caught.value)


def test_unknown_name_says_so_and_suggests_near_names(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(NotFoundError, match="no contact matches 'zzyzx'"):
        resolve_contact(db, "zzyzx")


def test_unknown_id(db: Database, people: dict[str, int]) -> None:
    with pytest.raises(NotFoundError, match="no contact #999"):
        resolve_contact(db, "#999")


def test_fold_is_case_and_accent_blind() -> None:
    assert fold("  Søren   KIERKEGAARD ") == "soren kierkegaard"
    assert fold("Straße") == fold("STRASSE")
