"""Cycles, their phases and themes. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, partial_unique
from storage.types import UTCDateTime


class Cycle(Base):
    """One yearly cycle. At most one not closed per guild (partial unique index)."""

    __tablename__ = "cycle"
    __table_args__ = (
        UniqueConstraint("guild_id", "name", name="uq_cycle_guild_name"),
        partial_unique("uq_cycle_one_open", "guild_id", where="status != 'closed'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(40))
    first_year: Mapped[int]
    status: Mapped[str] = mapped_column(
        String(16), default="preparing"
    )  # preparing, running, closed
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Phase(Base):
    """A phase of a cycle; its start announcement is a work item (kind "phase_start",
    see storage/cycles.py)."""

    __tablename__ = "phase"
    __table_args__ = (UniqueConstraint("cycle_id", "key", name="uq_phase_cycle_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    position: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
