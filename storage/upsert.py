"""Idempotent inserts through unique constraints, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql, sqlite
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
    dialect = db.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(table).values(list(rows))
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
