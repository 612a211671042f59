"""The general assembly's votes and ballots. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class AssemblyVote(SQLModel, table=True):
    """The general assembly's vote on next cycle's themes; results hidden until closed."""

    __tablename__ = "assembly_vote"

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    title: str = Field(max_length=100)
    options: str  # JSON list of option labels, in the order given
    method: str = Field(default="approval", max_length=16)  # approval, ranked
    deadline: datetime = Field(sa_type=UTCDateTime)
    channel_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="open", max_length=16)  # open, closed
    # closing is a work item ("assembly_close:<id>"); this is where its results went
    results_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Ballot(SQLModel, table=True):
    """One per member and vote, changeable until the vote closes."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("vote_id", "member_id", name="uq_ballot"),)

    id: int = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="assembly_vote.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    choices: str  # JSON list of option indexes (ranked: in order of preference)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class AssemblyOption(SQLModel, table=True):
    """Where an option of a vote came from: a member's proposal, or a theme of the cycle
    that could be prolonged (neither for an option typed by hand)."""

    __tablename__ = "assembly_option"
    __table_args__ = (UniqueConstraint("vote_id", "position", name="uq_assembly_option"),)

    id: int = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="assembly_vote.id", ondelete="CASCADE")
    position: int  # index in the vote's options
    proposal_id: int | None = Field(default=None, foreign_key="proposal.id", ondelete="SET NULL")
    theme_id: int | None = Field(default=None, foreign_key="theme.id", ondelete="SET NULL")
