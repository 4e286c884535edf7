"""One definition of what a visit batch writes: the table classes, which the `Visit` fields match."""

from __future__ import annotations

from dataclasses import fields
from zoneinfo import ZoneInfo

from tests.builders import a_visit
from tracking.core.visits import Visit
from tracking.storage.pg_writer import STATEMENT, batch_arguments
from tracking.storage.visit_sql import OUTBOX_COLUMNS, ROLLUP_TABLES, VISIT_COLUMNS, DriverSql, visit_values


def test_the_visits_table_stores_exactly_the_fields_of_a_visit() -> None:
    assert tuple(field.name for field in fields(Visit)) == VISIT_COLUMNS


def test_both_writers_take_the_columns_from_the_same_definition() -> None:
    visits = f"INSERT INTO visits ({', '.join(VISIT_COLUMNS)})"
    assert visits in STATEMENT and visits in DriverSql("sqlite").insert_visits()
    for rollup in ROLLUP_TABLES:
        assert f"INSERT INTO {rollup.name} ({', '.join(rollup.keys)}, visits)" in STATEMENT
        assert f"ON CONFLICT ({', '.join(rollup.keys)})" in DriverSql("sqlite").upsert(
            rollup.name, rollup.keys
        )


def test_a_visit_row_follows_the_column_order() -> None:
    visit = a_visit(user_agent="agent", country="FR")
    row = dict(zip(VISIT_COLUMNS, visit_values(visit), strict=True))
    assert row["kind"] == "click" and row["user_agent"] == "agent" and row["country"] == "FR"
    sqlite_row = dict(zip(VISIT_COLUMNS, DriverSql("sqlite").visit_row(visit), strict=True))
    assert sqlite_row["at"] == "2026-11-30 12:00:00.000000"  # SQLite keeps UTC text


def test_the_postgresql_arguments_hold_one_array_per_column() -> None:
    arguments = batch_arguments([a_visit(), a_visit(channel="whatsapp")], "b" * 32, tz=ZoneInfo("UTC"))
    width = len(VISIT_COLUMNS) + sum(len(rollup.columns) for rollup in ROLLUP_TABLES) + len(OUTBOX_COLUMNS)
    assert len(arguments) == 2 + width + 1  # the batch id and time, the arrays, "forward always"
    assert arguments[2 + VISIT_COLUMNS.index("channel")] == ["email", "whatsapp"]
