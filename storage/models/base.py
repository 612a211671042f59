"""The tables' base class: SQLAlchemy's declarative mapping.

The tables were SQLModel's until its pydantic models, which the tables never used to
validate anything, were found to cost the bot 10 MB of its resident memory (pydantic,
and a schema per table). Two things of SQLModel's are kept, because the code relies on
them: a row built in Python has its columns' defaults at once (`Cycle(...).status` is
"preparing" before it is ever inserted), not only once the INSERT runs; and two rows of
a table are equal when their columns are (what was read before and after a refused
command compares equal when nothing changed), which leaves them unhashable, as they were.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Index, text
from sqlalchemy.orm import DeclarativeBase

# The partial unique indexes' predicates, by index: SQLite's is given where the index is
# defined; PostgreSQL's is attached by `on_postgresql`. Any `postgresql_*` argument makes
# SQLAlchemy import its whole PostgreSQL dialect (2.4 MB of resident memory), which a
# deployment on SQLite never uses.
_PARTIAL: list[tuple[Index, str]] = []


def partial_unique(name: str, *columns: str, where: str) -> Index:
    """A unique index over the rows matching `where` (SQL), on SQLite and PostgreSQL."""
    index = Index(name, *columns, unique=True, sqlite_where=text(where))
    _PARTIAL.append((index, where))
    return index


def on_postgresql() -> None:
    """The indexes' PostgreSQL predicates, attached once an engine on PostgreSQL is made
    (the schema is the migrations'; this is the tables' description of it)."""
    for index, where in _PARTIAL:
        index.dialect_options["postgresql"]["where"] = text(where)


class Base(DeclarativeBase):
    def __init__(self, **values: Any) -> None:
        """As SQLAlchemy's own constructor (keyword arguments, each an attribute of the
        table), the columns' scalar defaults first."""
        cls = type(self)
        for column in self.__table__.columns:
            default = column.default
            if column.key not in values and default is not None and default.is_scalar:
                setattr(self, column.key, default.arg)
        for name, value in values.items():
            if not hasattr(cls, name):
                raise TypeError(f"{name!r} is an invalid keyword argument for {cls.__name__}")
            setattr(self, name, value)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        mine, theirs = self.__dict__, other.__dict__  # what is loaded: no query in an ==
        return all(mine.get(c.key) == theirs.get(c.key) for c in self.__table__.columns)
