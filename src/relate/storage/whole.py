"""The SQL that reads every table whole (``export all``) and asks whether it is empty
(``import`` of a whole database), derived from ``storage/tables.py``: one statement
per table of the user's data, in both engines' SQL. They are not ``statement()``s
(that registry counts one call a statement); tests/unit/test_storage.py checks
``tables.py`` against the models, and tests/cli/test_export_all.py runs every one
on both engines.
"""

from __future__ import annotations

from relate.storage.tables import COLUMNS, JOURNALED_TABLES, KEYS


def _listed(columns: tuple[str, ...]) -> str:
    return ", ".join('"' + column + '"' for column in columns)


# Every row of a table, its columns in the models' order, in primary-key order.
SELECT_ALL: dict[str, str] = {
    table: "SELECT "
    + _listed(COLUMNS[table])
    + ' FROM "'
    + table
    + '" ORDER BY '
    + _listed(KEYS[table])
    for table in JOURNALED_TABLES
}
# One row if the table has any.
ANY_ROW: dict[str, str] = {
    table: 'SELECT 1 FROM "' + table + '" LIMIT 1' for table in JOURNALED_TABLES
}
