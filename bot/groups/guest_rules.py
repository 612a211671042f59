"""How long a guest stays (pure: no discord, no storage).

A guest comes for a purpose — an expert's session, a partner's contribution — so the
stay is short and always ends: by default at the end of the group's next session day
(in the server's time zone; a session running past midnight keeps them until it ends),
or two weeks when no session is planned; never more than 60 days, counted in days of
the server's calendar, so that "the 60th day" is accepted whatever the hour typed. A
date typed without a time means the end of that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.kit.user_error import UserError

MAX_DAYS = 60
DEFAULT_STAY = timedelta(days=14)
END_OF_DAY = time(23, 59)
# Guests a group may have at once: enough for an expert panel, few enough for one line
# each in /group info and for Discord's overwrites of one channel.
MAX_GUESTS = 20
NOTE_LENGTH = 200


def end_of_day(moment: datetime, zone: ZoneInfo) -> datetime:
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), END_OF_DAY, tzinfo=zone).astimezone(UTC)


def latest_day(now: datetime, zone: ZoneInfo) -> date:
    """The 60th day from today, in the server's calendar."""
    return now.astimezone(zone).date() + timedelta(days=MAX_DAYS)


def latest_until(now: datetime, zone: ZoneInfo) -> datetime:
    """The end of the 60th day from today, in the server's calendar."""
    return datetime.combine(latest_day(now, zone), END_OF_DAY, tzinfo=zone).astimezone(UTC)


def default_until(
    now: datetime, next_session: tuple[datetime, datetime] | None, zone: ZoneInfo
) -> datetime:
    """The end of the next session's day (or of the session, if later); two weeks when
    none is planned; within the 60 days either way."""
    if next_session is None:
        chosen = now + DEFAULT_STAY
    else:
        starts, ends = next_session
        chosen = max(end_of_day(starts, zone), ends)
    return min(chosen, latest_until(now, zone))


def check_until(until: datetime, now: datetime, zone: ZoneInfo, typed: str) -> None:
    """Refuse a stay longer than 60 days (a date in the past is refused by the parser)."""
    if until.astimezone(zone).date() > latest_day(now, zone):
        latest = latest_until(now, zone)
        raise UserError("error.guests.too_far", value=typed, days=MAX_DAYS, latest=latest)


def clean_note(note: str | None) -> str | None:
    """An empty note is no note; a long one is refused, not cut."""
    if note is None or not note.strip():
        return None
    if len(note) > NOTE_LENGTH:
        raise UserError("error.guests.note_too_long", length=len(note), limit=NOTE_LENGTH)
    return note.strip()
