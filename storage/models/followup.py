"""The follow-up of adopted recommendations: a dated timeline of updates per draft.
Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class FollowupUpdate(SQLModel, table=True):
    """One step of an adopted recommendation's follow-up; the last one is its state."""

    __tablename__ = "followup_update"
    __table_args__ = (Index("ix_followup_update_draft", "draft_id", "id"),)

    id: int = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    # planned, in_progress, done, abandoned
    state: str = Field(max_length=16)
    note: str
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
