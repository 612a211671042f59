"""The follow-up of adopted recommendations: a dated timeline of updates per draft.
Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class FollowupUpdate(Base):
    """One step of an adopted recommendation's follow-up; the last one is its state."""

    __tablename__ = "followup_update"
    __table_args__ = (Index("ix_followup_update_draft", "draft_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    # planned, in_progress, done, abandoned
    state: Mapped[str] = mapped_column(String(16))
    note: Mapped[str]
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
