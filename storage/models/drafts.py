"""Recommendation drafts, endorsements and syntheses. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Draft(SQLModel, table=True):
    """A recommendation draft: a forum post in its theme's forum, with every version kept."""

    __tablename__ = "draft"
    __table_args__ = (Index("ix_draft_theme", "theme_id", "status"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    # draft, open, synthesised, submitted, adopted, not_retained, withdrawn
    status: str = Field(default="draft", max_length=16)
    version: int = 1
    thread_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    # the starter message is the thread's id; longer texts continue in these messages
    extra_message_ids: str = Field(default="")
    announce_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DraftVersion(SQLModel, table=True):
    __tablename__ = "draft_version"
    __table_args__ = (UniqueConstraint("draft_id", "number", name="uq_draft_version"),)

    id: int = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    number: int
    text: str
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class DraftAnswer(SQLModel, table=True):
    """The board's answer to a submitted recommendation. Several over time (under study,
    then adopted): the last one is the current decision."""

    __tablename__ = "draft_answer"
    __table_args__ = (Index("ix_draft_answer_draft", "draft_id", "id"),)

    id: int = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    # under_study, adopted, adopted_with_changes, not_retained
    decision: str = Field(max_length=24)
    text: str
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Endorsement(SQLModel, table=True):
    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("draft_id", "member_id", name="uq_endorsement"),)

    id: int = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
