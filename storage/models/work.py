"""Scheduled and must-happen work: one table for every kind (reminders, closings,
announcements, Discord writes that must eventually succeed). Discord ids are 64-bit
snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime

# pending: waiting for next_at; running: claimed until lease_until; then one of
# done, skipped (nothing to do any more), failed (refused for good), cancelled.
PENDING, RUNNING = "pending", "running"
FINISHED = ("done", "skipped", "failed", "cancelled")


class WorkItem(Base):
    """One piece of work of one kind, unique by its key (the dedupe key)."""

    __tablename__ = "work_item"
    __table_args__ = (Index("ix_work_item_next", "state", "next_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(120), unique=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # when it is meant to happen (lateness is measured from here) ...
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # ... and when it may next be tried (due_at, later after a transient failure)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(default="{}")  # JSON object of the ids the handler needs
    last_error: Mapped[str] = mapped_column(String(300), default="")
    result_id: Mapped[int | None] = mapped_column(BigInteger)  # e.g. the message sent
    late: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
