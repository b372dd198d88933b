"""Shell completion of contact names (the `autocompletion` of ContactArg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from helpers import Relate, ok
from relate.cli.options import complete_contact
from relate.services.matching import complete_names
from relate.storage.database import Database


class _Root:
    params: ClassVar[dict[str, object]] = {}


class _Ctx:
    def find_root(self) -> _Root:
        return _Root()


def test_names_complete_by_folded_prefix_of_name_or_alias(relate: Relate, db: Database) -> None:
    ok(relate("add", "Søren Kierkegaard"))
    ok(relate("add", "Ann Smith", "--alias", "Nancy"))
    ok(relate("add", "Anna Jones"))
    ok(relate("add", "Bob Andersen"))
    assert complete_names(db, "an") == ["Ann Smith", "Anna Jones"]
    assert complete_names(db, "sor") == ["Søren Kierkegaard"]
    assert complete_names(db, "nan") == ["Ann Smith"]
    assert complete_names(db, "zz") == []


def test_completion_keeps_what_was_typed_and_never_creates_a_database(
    relate: Relate, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ok(relate("add", "Ann Smith"))
    ok(relate("add", "Anna Jones"))
    ctx: Any = _Ctx()
    # The shell keeps only values starting with the typed text, so its case is kept.
    assert complete_contact(ctx, "an") == ["ann Smith", "anna Jones"]
    assert complete_contact(ctx, "Ann S") == ["Ann Smith"]
    missing = tmp_path / "none" / "relate.db"
    monkeypatch.setenv("RELATE_DB", str(missing))
    assert complete_contact(ctx, "an") == []
    assert not missing.exists()
