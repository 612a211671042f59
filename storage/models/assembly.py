"""The general assembly's votes and ballots. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class AssemblyVote(Base):
    """The general assembly's vote on next cycle's themes; results hidden until closed."""

    __tablename__ = "assembly_vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    title: Mapped[str] = mapped_column(String(100))
    options: Mapped[str]  # JSON list of option labels, in the order given
    method: Mapped[str] = mapped_column(String(16), default="approval")  # approval, ranked
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, closed
    # closing is a work item ("assembly_close:<id>"); this is where its results went
    results_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Ballot(Base):
    """One per member and vote, changeable until the vote closes."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("vote_id", "member_id", name="uq_ballot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("assembly_vote.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    choices: Mapped[str]  # JSON list of option indexes (ranked: in order of preference)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AssemblyOption(Base):
    """Where an option of a vote came from: a member's proposal, or a theme of the cycle
    that could be prolonged (neither for an option typed by hand)."""

    __tablename__ = "assembly_option"
    __table_args__ = (UniqueConstraint("vote_id", "position", name="uq_assembly_option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("assembly_vote.id", ondelete="CASCADE"))
    position: Mapped[int]  # index in the vote's options
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
