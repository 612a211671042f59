"""The interest poll, its votes, and member profiles. Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class InterestPoll(SQLModel, table=True):
    """The interest poll of a cycle: a message whose reactions are the votes. Its closing
    is a work item ("interest_close:<id>")."""

    __tablename__ = "interest_poll"
    __table_args__ = (
        Index(
            "uq_interest_poll_one_open",
            "cycle_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    cycle_id: int = Field(foreign_key="cycle.id", ondelete="CASCADE")
    channel_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    deadline: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=16)  # open, closed
    results_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PollOption(SQLModel, table=True):
    """Which emoji stands for which theme in a poll (fixed when the poll opens)."""

    __tablename__ = "poll_option"
    __table_args__ = (
        UniqueConstraint("poll_id", "emoji", name="uq_poll_option_emoji"),
        UniqueConstraint("poll_id", "theme_id", name="uq_poll_option_theme"),
    )

    id: int = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="interest_poll.id", ondelete="CASCADE")
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    emoji: str = Field(max_length=80)


class InterestVote(SQLModel, table=True):
    __tablename__ = "interest_vote"
    __table_args__ = (
        UniqueConstraint("poll_id", "member_id", "theme_id", name="uq_interest_vote"),
    )

    id: int = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="interest_poll.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE")
    created_at: datetime = Field(sa_type=UTCDateTime)


class PollNotice(SQLModel, table=True):
    """A non-member told once why their reaction did not count."""

    __tablename__ = "poll_notice"
    __table_args__ = (UniqueConstraint("poll_id", "user_id", name="uq_poll_notice"),)

    id: int = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="interest_poll.id", ondelete="CASCADE")
    user_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class MemberProfile(SQLModel, table=True):
    __tablename__ = "member_profile"
    __table_args__ = (UniqueConstraint("guild_id", "member_id", name="uq_member_profile"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger)
    member_id: int = Field(sa_type=BigInteger)
    office: str | None = Field(default=None, max_length=80)
    mode: str | None = Field(default=None, max_length=16)  # in_person, online, either
    facilitate: bool = False
    take_notes: bool = False
    updated_at: datetime = Field(sa_type=UTCDateTime)
