"""Idempotent inserts through unique constraints, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def insert_ignore(
    db: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    conflict_columns: Sequence[str],
    *,
    where: str | None = None,
) -> int:
    """Insert rows, silently skipping those that hit the unique key; returns rows inserted.
    `where`: the predicate of a partial unique index, as written in the index (SQLite
    matches the index only when the conflict target repeats it literally)."""
    if not rows:
        return 0
    statement = dialect_module(db).insert(table).values(list(rows))
    statement = statement.on_conflict_do_nothing(
        index_elements=list(conflict_columns),
        index_where=text(where) if where is not None else None,
    )
    result = await db.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def table_of(model: type[Any]) -> Table:
    """The Table behind a model class (typed, unlike `Model.__table__`)."""
    table: Table = model.__table__
    return table


def dialect_module(db: AsyncSession) -> Any:
    """SQLAlchemy's module for the session's database (its `insert` has ON CONFLICT).
    PostgreSQL's is imported only on PostgreSQL: a SQLite deployment never loads it."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    return sqlite
