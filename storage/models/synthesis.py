"""Syntheses: one forum post per theme gathering its drafts. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Synthesis(Base):
    """One per theme and cycle: a forum post gathering the theme's drafts."""

    __tablename__ = "synthesis"
    __table_args__ = (UniqueConstraint("cycle_id", "theme_id", name="uq_synthesis_theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    extra_message_ids: Mapped[str] = mapped_column(default="")
    built_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SynthesisDraft(Base):
    __tablename__ = "synthesis_draft"
    __table_args__ = (UniqueConstraint("synthesis_id", "draft_id", name="uq_synthesis_draft"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    synthesis_id: Mapped[int] = mapped_column(ForeignKey("synthesis.id", ondelete="CASCADE"))
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    version: Mapped[int]
