"""Scheduled and must-happen work: one table for every kind (reminders, closings,
announcements, Discord writes that must eventually succeed). Discord ids are 64-bit
snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime

# pending: waiting for next_at; running: claimed until lease_until; then one of
# done, skipped (nothing to do any more), failed (refused for good), cancelled.
PENDING, RUNNING = "pending", "running"
FINISHED = ("done", "skipped", "failed", "cancelled")


class WorkItem(SQLModel, table=True):
    """One piece of work of one kind, unique by its key (the dedupe key)."""

    __tablename__ = "work_item"
    __table_args__ = (Index("ix_work_item_next", "state", "next_at"),)

    id: int = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    key: str = Field(max_length=120, unique=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    # when it is meant to happen (lateness is measured from here) ...
    due_at: datetime = Field(sa_type=UTCDateTime)
    # ... and when it may next be tried (due_at, later after a transient failure)
    next_at: datetime = Field(sa_type=UTCDateTime)
    state: str = Field(default=PENDING, max_length=16)
    attempts: int = 0
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim_token: str | None = Field(default=None, max_length=32)
    payload: str = "{}"  # JSON object of the ids the handler needs
    last_error: str = Field(default="", max_length=300)
    result_id: int | None = Field(default=None, sa_type=BigInteger)  # e.g. the message sent
    late: bool = False
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
