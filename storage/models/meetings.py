"""Meetings open to every member (open meetings, webinars, presentations of
recommendations) and the registrations to them. Discord ids are 64-bit snowflakes,
stored as BIGINT.

Reminders, notices and the Discord event are work items (storage/models/work.py).
What keeps a meeting from being oversold is in the database: a seat is a number from 1
to the capacity, unique per meeting, so no two registrations ever hold the same seat;
the order of the waitlist is a number taken from the meeting's own counter, unique too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class Meeting(SQLModel, table=True):
    """One meeting; `version` grows at each reschedule (reminders and calendars follow it)."""

    __tablename__ = "meeting"

    id: int = Field(default=None, primary_key=True)
    guild_id: int = Field(sa_type=BigInteger, index=True)
    theme_id: int | None = Field(default=None, foreign_key="theme.id", ondelete="SET NULL")
    title: str = Field(max_length=100)
    kind: str = Field(default="open_meeting", max_length=16)  # open_meeting, webinar, presentation
    starts_at: datetime = Field(sa_type=UTCDateTime)
    minutes: int = 120
    place: str | None = Field(default=None, max_length=100)
    visio_url: str | None = Field(default=None, max_length=500)
    voice_channel_id: int | None = Field(default=None, sa_type=BigInteger)
    capacity: int | None = None  # seats in person; None: no limit
    speaker: str | None = Field(default=None, max_length=100)
    description: str = Field(default="", max_length=1000)
    status: str = Field(default="scheduled", max_length=16)  # scheduled, cancelled, done
    version: int = 1
    event_id: int | None = Field(default=None, sa_type=BigInteger)
    channel_id: int | None = Field(default=None, sa_type=BigInteger)  # the announcement's
    message_id: int | None = Field(default=None, sa_type=BigInteger)
    info_channel_id: int | None = Field(default=None, sa_type=BigInteger)  # the theme's copy
    info_message_id: int | None = Field(default=None, sa_type=BigInteger)
    summary: str = ""
    recording_url: str | None = Field(default=None, max_length=500)
    report_message_id: int | None = Field(default=None, sa_type=BigInteger)
    # how many places in the queue were handed out: the next one takes this + 1
    registrations_numbered: int = 0
    created_by: int | None = Field(default=None, sa_type=BigInteger)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class MeetingRegistration(SQLModel, table=True):
    """A member's registration: in person (a seat, or a place on the waitlist) or online."""

    __tablename__ = "meeting_registration"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_meeting_registration"),
        UniqueConstraint("meeting_id", "seq", name="uq_meeting_registration_seq"),
        UniqueConstraint("meeting_id", "seat", name="uq_meeting_registration_seat"),
    )

    id: int = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", ondelete="CASCADE")
    member_id: int = Field(sa_type=BigInteger, index=True)
    display_name: str = Field(default="", max_length=100)
    mode: str = Field(max_length=16)  # in_person, online
    state: str = Field(max_length=16)  # registered, waitlisted, cancelled
    seq: int  # the place in the queue, taken from the meeting's counter at each change
    seat: int | None = None  # 1..capacity while seated in person
    dm_status: str = Field(default="", max_length=16)  # "", sent, closed
    registered_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
