"""Sessions, RSVPs, minutes and time polls (reminders are work items: storage/models/work.py). Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class GroupSession(Base):
    """A three-hour working session of a group; `version` grows at each reschedule."""

    __tablename__ = "group_session"
    __table_args__ = (UniqueConstraint("group_id", "number", name="uq_group_session_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("work_group.id", ondelete="CASCADE"))
    number: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=180)
    place: Mapped[str | None] = mapped_column(String(100))
    visio_url: Mapped[str | None] = mapped_column(String(500))
    voice_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    event_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)
    post_message_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(
        String(16), default="scheduled"
    )  # scheduled, cancelled, done
    version: Mapped[int] = mapped_column(default=1)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Rsvp(Base):
    __tablename__ = "rsvp"
    __table_args__ = (UniqueConstraint("session_id", "member_id", name="uq_rsvp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("group_session.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    answer: Mapped[str] = mapped_column(String(16))  # in_person, online, absent
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SessionMinutes(Base):
    __tablename__ = "session_minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("group_session.id", ondelete="CASCADE"), unique=True
    )
    summary: Mapped[str] = mapped_column(default="")
    decisions: Mapped[str] = mapped_column(default="")
    attendees: Mapped[int] = mapped_column(default=0)
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TimePoll(Base):
    """Candidate slots for a group's next session, voted by regional-indicator reactions.
    Its closing is a work item ("timepoll_close:<id>")."""

    __tablename__ = "time_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("work_group.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=180)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, closed, scheduled
    winner_slot_id: Mapped[int | None]
    result_message_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TimeSlot(Base):
    __tablename__ = "time_slot"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_time_slot_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("time_poll.id", ondelete="CASCADE"))
    position: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TimeVote(Base):
    __tablename__ = "time_vote"
    __table_args__ = (UniqueConstraint("poll_id", "slot_id", "member_id", name="uq_time_vote"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("time_poll.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("time_slot.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
