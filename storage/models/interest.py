"""The interest poll, its votes, and member profiles. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, partial_unique
from storage.types import UTCDateTime


class InterestPoll(Base):
    """The interest poll of a cycle: a message whose reactions are the votes. Its closing
    is a work item ("interest_close:<id>")."""

    __tablename__ = "interest_poll"
    __table_args__ = (
        partial_unique("uq_interest_poll_one_open", "cycle_id", where="status = 'open'"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycle.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, closed
    results_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollOption(Base):
    """Which emoji stands for which theme in a poll (fixed when the poll opens)."""

    __tablename__ = "poll_option"
    __table_args__ = (
        UniqueConstraint("poll_id", "emoji", name="uq_poll_option_emoji"),
        UniqueConstraint("poll_id", "theme_id", name="uq_poll_option_theme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("interest_poll.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    emoji: Mapped[str] = mapped_column(String(80))


class InterestVote(Base):
    __tablename__ = "interest_vote"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id", "theme_id", name="uq_interest_vote"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("interest_poll.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PollNotice(Base):
    """A non-member told once why their reaction did not count."""

    __tablename__ = "poll_notice"
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_poll_notice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("interest_poll.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MemberProfile(Base):
    __tablename__ = "member_profile"
    __table_args__ = (UniqueConstraint("guild_id", "member_id", name="uq_member_profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger)
    member_id: Mapped[int] = mapped_column(BigInteger)
    office: Mapped[str | None] = mapped_column(String(80))
    mode: Mapped[str | None] = mapped_column(String(16))  # in_person, online, either
    facilitate: Mapped[bool] = mapped_column(default=False)
    take_notes: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
