"""Sessions, RSVPs, minutes and time polls (reminders are work items: storage/models/work.py). Discord ids are 64-bit snowflakes, stored as BIGINT."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class GroupSession(SQLModel, table=True):
    """A three-hour working session of a group; `version` grows at each reschedule."""

    __tablename__ = "group_session"
    __table_args__ = (UniqueConstraint("group_id", "number", name="uq_group_session_number"),)

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    number: int
    starts_at: datetime = Field(sa_type=UTCDateTime)
    minutes: int = 180
    place: str | None = Field(default=None, max_length=100)
    visio_url: str | None = Field(default=None, max_length=500)
    voice_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    event_id: int | None = Field(default=None, sa_type=BigInteger)
    channel_id: int | None = Field(default=None, sa_type=BigInteger)
    post_message_id: int | None = Field(default=None, sa_type=BigInteger)
    status: str = Field(default="scheduled", max_length=16)  # scheduled, cancelled, done
    version: int = 1
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Rsvp(SQLModel, table=True):
    __tablename__ = "rsvp"
    __table_args__ = (UniqueConstraint("session_id", "member_id", name="uq_rsvp"),)

    id: int = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="group_session.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    answer: str = Field(max_length=16)  # in_person, online, absent
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SessionMinutes(SQLModel, table=True):
    __tablename__ = "session_minutes"

    id: int = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="group_session.id", ondelete="CASCADE", unique=True)
    summary: str = ""
    decisions: str = ""
    attendees: int = 0
    author_id: int | None = Field(default=None, sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TimePoll(SQLModel, table=True):
    """Candidate slots for a group's next session, voted by regional-indicator reactions.
    Its closing is a work item ("timepoll_close:<id>")."""

    __tablename__ = "time_poll"

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    group_id: int = Field(foreign_key="work_group.id", ondelete="CASCADE")
    channel_id: int = Field(sa_type=BigInteger)
    message_id: int | None = Field(default=None, sa_type=BigInteger, index=True)
    deadline: datetime = Field(sa_type=UTCDateTime)
    minutes: int = 180
    status: str = Field(default="open", max_length=16)  # open, closed, scheduled
    winner_slot_id: int | None = None
    result_message_id: int | None = Field(default=None, sa_type=BigInteger)
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)


class TimeSlot(SQLModel, table=True):
    __tablename__ = "time_slot"
    __table_args__ = (UniqueConstraint("poll_id", "position", name="uq_time_slot_position"),)

    id: int = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="time_poll.id", ondelete="CASCADE")
    position: int
    starts_at: datetime = Field(sa_type=UTCDateTime)


class TimeVote(SQLModel, table=True):
    __tablename__ = "time_vote"
    __table_args__ = (UniqueConstraint("poll_id", "slot_id", "member_id", name="uq_time_vote"),)

    id: int = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="time_poll.id", ondelete="CASCADE")
    slot_id: int = Field(foreign_key="time_slot.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
