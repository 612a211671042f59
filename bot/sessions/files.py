"""RFC 5545 calendar files of group sessions (`/session ics`).

Pure: no Discord, no clock. The same entries give the same bytes (DTSTAMP comes
from the session's `updated_at`), and calendar clients update an event in place
because its UID is stable and its SEQUENCE grows with each reschedule.

The VTIMEZONE is built here from zoneinfo rather than by `Timezone.from_tzid`:
icalendar lists every change as an RDATE, which Outlook misreads (events shift by
an hour in summer). A zone whose changes follow a yearly rule over the years
covered (Europe/Paris, Europe/Brussels: last Sunday of March and of October) gets
the RRULE form Google and Microsoft publish; any other zone keeps explicit RDATEs.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

PRODID = "-//sipbot//sessions//FR"
_STATUS = {"scheduled": "CONFIRMED", "done": "CONFIRMED", "cancelled": "CANCELLED"}
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class CalendarEntry:
    """One session as a calendar shows it; the caller maps GroupSession onto it."""

    uid_key: str  # stable per session, e.g. f"{guild_id}-{session_id}"
    title: str
    starts_at: datetime  # aware
    minutes: int
    status: str  # scheduled | cancelled | done
    sequence: int  # session version - 1
    location: str | None
    url: str | None
    description: str
    updated_at: datetime  # aware

    @property
    def uid(self) -> str:
        """Globally unique and stable, so a re-imported file updates, not duplicates."""
        return f"session-{self.uid_key}@sipbot"


@dataclass(frozen=True)
class _Change:
    """One offset change of a zone: the instant and what it changes from and to."""

    at: datetime  # aware UTC, first second of the new offset
    offset_from: timedelta
    offset_to: timedelta
    name: str
    dst: bool

    @property
    def onset(self) -> datetime:
        """Wall time of the change read with the old offset (RFC 5545 §3.6.5 DTSTART)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def _offset(zone: ZoneInfo, seconds: int) -> timedelta:
    return datetime.fromtimestamp(seconds, UTC).astimezone(zone).utcoffset() or timedelta(0)


@lru_cache(maxsize=64)
def _changes(tzid: str, first_year: int, last_year: int) -> tuple[_Change, ...]:
    """Offset changes from 1 January of `first_year` to the end of `last_year`.

    Scans hour by hour then bisects to the second: exact for every zone in the
    IANA database, and cached because a guild asks for the same years repeatedly.
    """
    zone = ZoneInfo(tzid)
    start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp())
    end = int(datetime(last_year + 1, 1, 1, tzinfo=UTC).timestamp())
    found: list[_Change] = []
    before = _offset(zone, start)
    for hour in range(start, end, 3600):
        after = _offset(zone, hour + 3600)
        if after != before:
            lo, hi = hour, hour + 3600
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _offset(zone, mid) == before else (lo, mid)
            at = datetime.fromtimestamp(hi, UTC)
            local, earlier = at.astimezone(zone), (at - timedelta(seconds=1)).astimezone(zone)
            # DAYLIGHT is the larger offset of a daylight-saving pair, also in zones
            # tzdata models with negative saving (Europe/Dublin, Africa/Casablanca).
            dst = after > before and bool(local.dst() or earlier.dst())
            found.append(_Change(at, before, after, local.tzname() or "", dst))
        before = after
    return tuple(found)


def _yearly_rule(changes: Sequence[_Change], last_year: int) -> dict[str, object] | None:
    """The RRULE that yields exactly these onsets (and goes on), or None if there is none."""
    onsets = [change.onset for change in changes]
    first = onsets[0]
    if len(onsets) < 2 or onsets[-1].year != last_year:
        return None
    for index, onset in enumerate(onsets):
        if (onset.year, onset.month) != (first.year + index, first.month):
            return None
        if (onset.weekday(), onset.time()) != (first.weekday(), first.time()):
            return None
    if all(onset.day + 7 > monthrange(onset.year, onset.month)[1] for onset in onsets):
        ordinal = -1
    elif len({(onset.day - 1) // 7 for onset in onsets}) == 1:
        ordinal = (first.day - 1) // 7 + 1
    else:
        return None
    weekday = _WEEKDAYS[first.weekday()]
    return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": f"{ordinal}{weekday}"}


def _observance(
    dst: bool, name: str, offset_from: timedelta, offset_to: timedelta, onset: datetime
) -> TimezoneStandard | TimezoneDaylight:
    observance = TimezoneDaylight() if dst else TimezoneStandard()
    observance.add("dtstart", onset)  # naive: VTIMEZONE onsets are local wall times
    observance.add("tzname", name)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    return observance


def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE exact from 1 January of `first_year` to the end of `last_year`.

    Changes are scanned from the year before, so a zone with daylight saving gets
    only its two yearly observances starting before any session.
    """
    zone = ZoneInfo(tzid)
    changes = _changes(tzid, first_year - 1, last_year)
    vtimezone = Timezone()
    vtimezone.add("tzid", tzid)
    # The earliest session starts on 1 January local, at worst 31 December in UTC.
    if not changes or changes[0].at > datetime(first_year - 1, 12, 31, tzinfo=UTC):
        local = datetime(first_year - 1, 1, 1, tzinfo=zone)
        offset = local.utcoffset() or timedelta(0)
        onset = local.replace(tzinfo=None)
        dst = (local.dst() or timedelta(0)) > timedelta(0)
        vtimezone.add_component(_observance(dst, local.tzname() or "", offset, offset, onset))
    groups: dict[tuple[bool, str, timedelta, timedelta], list[_Change]] = {}
    for change in changes:
        key = (change.dst, change.name, change.offset_from, change.offset_to)
        groups.setdefault(key, []).append(change)
    for (dst, name, offset_from, offset_to), members in groups.items():
        observance = _observance(dst, name, offset_from, offset_to, members[0].onset)
        rule = _yearly_rule(members, last_year)
        if rule is not None:
            observance.add("rrule", rule)
        elif len(members) > 1:
            observance.add("rdate", [member.onset for member in members[1:]])
        vtimezone.add_component(observance)
    return vtimezone


def _wall_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` in `zone`, except in the repeated hour after a fall-back: a TZID time
    there means its first occurrence (RFC 5545 §3.3.5), so the second one goes in UTC."""
    local = moment.astimezone(zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def _event(entry: CalendarEntry, zone: ZoneInfo) -> Event:
    """One VEVENT; refuses what would make a wrong or ambiguous calendar entry."""
    for moment in (entry.starts_at, entry.updated_at):
        if moment.utcoffset() is None:
            raise ValueError(f"naive datetime in session {entry.uid_key!r}: {moment!r}")
    if entry.minutes <= 0 or entry.status not in _STATUS:
        raise ValueError(f"bad length or status in session {entry.uid_key!r}")
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.updated_at.astimezone(UTC))
    event.add("last-modified", entry.updated_at.astimezone(UTC))
    event.add("sequence", max(entry.sequence, 0))
    event.add("dtstart", _wall_time(entry.starts_at, zone))
    # Added in UTC: wall-clock arithmetic would be an hour off across a change.
    end = entry.starts_at.astimezone(UTC) + timedelta(minutes=entry.minutes)
    event.add("dtend", _wall_time(end, zone))
    event.add("status", _STATUS[entry.status])
    event.add("summary", entry.title)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    event.add("description", entry.description)
    return event


def build_calendar(entries: Sequence[CalendarEntry], timezone: str, calendar_name: str) -> bytes:
    """The .ics bytes (CRLF, folded lines) of `entries`, shown in the IANA zone `timezone`.

    DTSTART/DTEND carry TZID so clients show the guild's wall time and follow
    daylight saving. Events come sorted by start then UID, so the output depends
    only on the entries. Raises ValueError on an unknown zone, a naive datetime,
    a non-positive length, an unknown status or a duplicated uid_key.
    """
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone: {timezone!r}") from error
    if len({entry.uid_key for entry in entries}) != len(entries):
        raise ValueError("two sessions share a uid_key")
    ordered = sorted(entries, key=lambda entry: (entry.starts_at.timestamp(), entry.uid_key))
    events = [_event(entry, zone) for entry in ordered]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", calendar_name)
    calendar.add("x-wr-timezone", timezone)
    if events:
        first, last = (entry.starts_at.astimezone(zone).year for entry in (ordered[0], ordered[-1]))
        calendar.add_component(_vtimezone(timezone, first, last + 1))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
