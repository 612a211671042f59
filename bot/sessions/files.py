"""RFC 5545 calendar files of group sessions (`/session ics`), and of the meetings open
to all members the reader registered for (same rules: UID, SEQUENCE, UTC).

Pure: no Discord, no clock. The same entries give the same bytes (DTSTAMP comes
from the session's `updated_at`), and calendar clients update an event in place
because its UID is stable and its SEQUENCE grows with each significant change.

Every DTSTART and DTEND is written in UTC ("…Z"), never as a TZID wall time. A
session is one instant, stored and sent to Discord in UTC; a wall time is read
differently by different readers exactly where it matters: in the repeated hour of
the October change RFC 5545 §3.3.5 means the first occurrence (icalendar and vobject
read 00:30Z for 02:30 in Paris) but Mozilla's ical.js — Thunderbird's parser — takes
the second (01:30Z); readers that map a TZID onto their own zone database rather
than the file's VTIMEZONE (Outlook, Google) resolve it their own way; and a length
computed as the difference of two wall times of one zone (Python datetimes do
that) comes out 120 or 240 minutes for a three-hour session across a change. Two
exact ends leave nothing to interpret. Google Calendar, Apple Calendar, Outlook and
Thunderbird all show a UTC event in the viewer's own time zone — the guild's, for
its members — as Discord does; what a TZID would add (an "event time zone" shown in
editors, recurrence following daylight saving) single sessions do not need. With no
TZID the file needs no VTIMEZONE (§3.6.5 asks for one per TZID used).
X-WR-TIMEZONE still names the guild's zone for clients that show a calendar's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from icalendar import Event

PRODID = "-//sipbot//sessions//FR"
_STATUS = {"scheduled": "CONFIRMED", "done": "CONFIRMED", "cancelled": "CANCELLED"}


def sequence_of(version: int, status: str) -> int:
    """The SEQUENCE of a session (RFC 5545 §3.8.7.4: it grows at every significant
    change): one more at each reschedule (the stored version starts at 1 and grows by
    one) and one more for the cancellation, which is final — a cancelled session is
    never moved nor reopened, so no later state can come back to the same number.
    Minutes (status "done") change nothing a calendar shows."""
    return max(version - 1, 0) + (1 if status == "cancelled" else 0)


@dataclass(frozen=True)
class CalendarEntry:
    """One session as a calendar shows it; the caller maps GroupSession onto it."""

    uid_key: str  # stable per session, e.g. f"{guild_id}-{session_id}"
    title: str
    starts_at: datetime  # aware
    minutes: int
    status: str  # scheduled | cancelled | done
    sequence: int  # sequence_of(session version, status)
    location: str | None
    url: str | None
    description: str
    updated_at: datetime  # aware
    kind: str = "session"  # or "meeting" (a meeting open to all members the reader joined)

    @property
    def uid(self) -> str:
        """Globally unique and stable, so a re-imported file updates, not duplicates."""
        return f"{self.kind}-{self.uid_key}@sipbot"


def _event(entry: CalendarEntry) -> Event:
    """One VEVENT; refuses what would make a wrong or ambiguous calendar entry."""
    for moment in (entry.starts_at, entry.updated_at):
        if moment.utcoffset() is None:
            raise ValueError(f"naive datetime in session {entry.uid_key!r}: {moment!r}")
    if entry.minutes <= 0 or entry.status not in _STATUS:
        raise ValueError(f"bad length or status in session {entry.uid_key!r}")
    from icalendar import Event  # loaded by build_calendar() already

    start = entry.starts_at.astimezone(UTC)
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.updated_at.astimezone(UTC))
    event.add("last-modified", entry.updated_at.astimezone(UTC))
    event.add("sequence", max(entry.sequence, 0))
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=entry.minutes))
    event.add("status", _STATUS[entry.status])
    event.add("summary", entry.title)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    event.add("description", entry.description)
    return event


def build_calendar(entries: Sequence[CalendarEntry], timezone: str, calendar_name: str) -> bytes:
    """The .ics bytes (CRLF, folded lines) of `entries`, for a guild in the IANA zone
    `timezone`.

    METHOD:PUBLISH, a published schedule: a cancelled session stays in it with
    STATUS:CANCELLED and a higher SEQUENCE, which is how a client importing the file
    again learns of the cancellation (METHOD:CANCEL is an iTIP message to attendees,
    with ORGANIZER and ATTENDEE, and could not carry the other sessions). Events come
    sorted by start then UID, so the output depends only on the entries. Raises
    ValueError on an unknown zone, a naive datetime, a non-positive length, an
    unknown status or a duplicated uid_key.
    """
    # Imported when a calendar is first asked for: about 3 MB (icalendar and dateutil)
    # the bot's start-up need not hold.
    from icalendar import Calendar

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone: {timezone!r}") from error
    if len({entry.uid for entry in entries}) != len(entries):
        raise ValueError("two sessions share a uid_key")
    ordered = sorted(entries, key=lambda entry: (entry.starts_at.timestamp(), entry.uid))
    events = [_event(entry) for entry in ordered]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", timezone)
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
