"""Cycles, their phases and themes. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Cycle(SQLModel, table=True):
    """One yearly cycle. At most one not closed per guild (partial unique index)."""

    __tablename__ = "cycle"
    __table_args__ = (
        UniqueConstraint("guild_id", "name", name="uq_cycle_guild_name"),
        Index(
            "uq_cycle_one_open",
            "guild_id",
            unique=True,
            sqlite_where=text("status != 'closed'"),
            postgresql_where=text("status != 'closed'"),
        ),
    )

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    name: str = Field(max_length=40)
    first_year: int
    status: str = Field(default="preparing", max_length=16)  # preparing, running, closed
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Phase(SQLModel, table=True):
    """A phase of a cycle; its start announcement is a work item (kind "phase_start",
    see storage/cycles.py)."""

    __tablename__ = "phase"
    __table_args__ = (UniqueConstraint("cycle_id", "key", name="uq_phase_cycle_key"),)

    id: int = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    key: str = Field(max_length=32)
    position: int
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
