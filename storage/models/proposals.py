"""Next themes proposed by members during a cycle. Discord ids are 64-bit snowflakes,
stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class ProposalCall(SQLModel, table=True):
    """A cycle's call for next themes: whether it follows the calendar or was opened or
    closed by hand, and the forum the bot made for it."""

    __tablename__ = "proposal_call"

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE", unique=True)
    mode: str = Field(default="calendar", max_length=16)  # calendar, open, closed
    forum_id: int | None = Field(default=None, sa_type=BigInteger)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Proposal(SQLModel, table=True):
    """A next theme a member proposed: one forum post, endorsed with 👍."""

    __tablename__ = "proposal"
    __table_args__ = (UniqueConstraint("cycle_id", "title_key", name="uq_proposal_cycle_title"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    title: str = Field(max_length=100)
    title_key: str = Field(max_length=100)
    description: str
    status: str = Field(default="open", max_length=16)  # open, shortlisted, merged, not_retained
    merged_into_id: int | None = Field(default=None, foreign_key="proposal.id", ondelete="SET NULL")
    thread_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class ProposalEndorsement(SQLModel, table=True):
    __tablename__ = "proposal_endorsement"
    __table_args__ = (UniqueConstraint("proposal_id", "member_id", name="uq_proposal_endorsement"),)

    id: int = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ProposalDecision(SQLModel, table=True):
    """Each status an organiser gave a proposal, with the note its author is told: the
    history of the decisions, and what the post and the DM say (work items point here)."""

    __tablename__ = "proposal_decision"

    id: int = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", ondelete="CASCADE", index=True)
    status: str = Field(max_length=16)
    merged_into_id: int | None = Field(default=None, foreign_key="proposal.id", ondelete="SET NULL")
    note: str = Field(default="")
    decided_by: int | None = Field(default=None, sa_type=BigInteger)
    decided_at: datetime = Field(sa_type=UTCDateTime)
