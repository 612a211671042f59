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

from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base
from storage.types import UTCDateTime


class Meeting(Base):
    """One meeting; `version` grows at each reschedule (reminders and calendars follow it)."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(BigInteger, index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(
        String(16), default="open_meeting"
    )  # open_meeting, webinar, presentation
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(default=120)
    place: Mapped[str | None] = mapped_column(String(100))
    visio_url: Mapped[str | None] = mapped_column(String(500))
    voice_channel_id: Mapped[int | None] = mapped_column(BigInteger)
    capacity: Mapped[int | None]  # seats in person; None: no limit
    speaker: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(
        String(16), default="scheduled"
    )  # scheduled, cancelled, done
    version: Mapped[int] = mapped_column(default=1)
    event_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int | None] = mapped_column(BigInteger)  # the announcement's
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    info_channel_id: Mapped[int | None] = mapped_column(BigInteger)  # the theme's copy
    info_message_id: Mapped[int | None] = mapped_column(BigInteger)
    summary: Mapped[str] = mapped_column(default="")
    recording_url: Mapped[str | None] = mapped_column(String(500))
    report_message_id: Mapped[int | None] = mapped_column(BigInteger)
    # how many places in the queue were handed out: the next one takes this + 1
    registrations_numbered: Mapped[int] = mapped_column(default=0)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MeetingRegistration(Base):
    """A member's registration: in person (a seat, or a place on the waitlist) or online."""

    __tablename__ = "meeting_registration"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_meeting_registration"),
        UniqueConstraint("meeting_id", "seq", name="uq_meeting_registration_seq"),
        UniqueConstraint("meeting_id", "seat", name="uq_meeting_registration_seat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(BigInteger, index=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    mode: Mapped[str] = mapped_column(String(16))  # in_person, online
    state: Mapped[str] = mapped_column(String(16))  # registered, waitlisted, cancelled
    seq: Mapped[int]  # the place in the queue, taken from the meeting's counter at each change
    seat: Mapped[int | None]  # 1..capacity while seated in person
    dm_status: Mapped[str] = mapped_column(String(16), default="")  # "", sent, closed
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
