"""Next themes proposed by members during a cycle. Discord ids are 64-bit snowflakes,
stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class ProposalCall(Base):
    """A cycle's call for next themes: whether it follows the calendar or was opened or
    closed by hand, and the forum the bot made for it."""

    __tablename__ = "proposal_call"

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"), unique=True)
    mode: Mapped[str] = mapped_column(String(16), default="calendar")  # calendar, open, closed
    forum_id: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Proposal(Base):
    """A next theme a member proposed: one forum post, endorsed with 👍."""

    __tablename__ = "proposal"
    __table_args__ = (UniqueConstraint("cycle_id", "title_key", name="uq_proposal_cycle_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(100))
    title_key: Mapped[str] = mapped_column(String(100))
    description: Mapped[str]
    status: Mapped[str] = mapped_column(
        String(16), default="open"
    )  # open, shortlisted, merged, not_retained
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL")
    )
    thread_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProposalEndorsement(Base):
    __tablename__ = "proposal_endorsement"
    __table_args__ = (UniqueConstraint("proposal_id", "member_id", name="uq_proposal_endorsement"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProposalDecision(Base):
    """Each status an organiser gave a proposal, with the note its author is told: the
    history of the decisions, and what the post and the DM say (work items point here)."""

    __tablename__ = "proposal_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(default="")
    decided_by: Mapped[int | None] = mapped_column(BigInteger)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
