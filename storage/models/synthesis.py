"""Syntheses: one forum post per theme gathering its drafts. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Synthesis(SQLModel, table=True):
    """One per theme and cycle: a forum post gathering the theme's drafts."""

    __tablename__ = "synthesis"
    __table_args__ = (UniqueConstraint("cycle_id", "theme_id", name="uq_synthesis_theme"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    thread_id: int | None = Field(default=None, sa_type=BigInteger)
    extra_message_ids: str = Field(default="")
    built_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SynthesisDraft(SQLModel, table=True):
    __tablename__ = "synthesis_draft"
    __table_args__ = (UniqueConstraint("synthesis_id", "draft_id", name="uq_synthesis_draft"),)

    id: int = Field(default=None, primary_key=True)
    synthesis_id: int = Field(foreign_key="synthesis.id", ondelete="CASCADE")
    draft_id: int = Field(foreign_key="draft.id", ondelete="CASCADE")
    version: int
