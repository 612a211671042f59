"""Recommendation drafts, endorsements and syntheses. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Draft(Base):
    """A recommendation draft: a forum post in its theme's forum, with every version kept."""

    __tablename__ = "draft"
    __table_args__ = (Index("ix_draft_theme", "theme_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("work_group.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    # draft, open, synthesised, submitted, adopted, not_retained, withdrawn
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    thread_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # the starter message is the thread's id; longer texts continue in these messages
    extra_message_ids: Mapped[str] = mapped_column(default="")
    announce_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DraftVersion(Base):
    __tablename__ = "draft_version"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_draft_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str]
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DraftAnswer(Base):
    """The board's answer to a submitted recommendation. Several over time (under study,
    then adopted): the last one is the current decision."""

    __tablename__ = "draft_answer"
    __table_args__ = (Index("ix_draft_answer_draft", "draft_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    # under_study, adopted, adopted_with_changes, not_retained
    decision: Mapped[str] = mapped_column(String(24))
    text: Mapped[str]
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Endorsement(Base):
    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("draft_id", "member_id", name="uq_endorsement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("draft.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
