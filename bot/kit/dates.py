"""Reading dates and times the way members type them, in the guild's time zone.

Accepted: ISO ("2021-03-31", "2021-03-31 18:00", "2021-03-31T18:00") and French
("31/03/2021", "31/03/2021 18h00", "31/03/2021 18h", "31/03/2021 à 18h30",
"31.03.2021 18:00"). A date alone takes the default time the caller gives (a phase
starts at 09:00 and ends at 23:59). Local times that do not exist (the hour skipped
when clocks go forward) are refused rather than guessed; a repeated hour (clocks go
back) is the first of the two, as Discord and every calendar read it. Dates more than
two years from now, either way, are refused with the accepted forms: nothing the
cooperative plans is that far, and a typo such as 9999 would overflow later arithmetic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.kit.user_error import UserError

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_FRENCH = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_TIME = re.compile(r"^(\d{1,2})(?:[h:](\d{2})?)?$")
ACCEPTED = "2021-03-31 18:00 · 31/03/2021 18h00 · 31/03/2021"
HORIZON = timedelta(days=2 * 365 + 1)


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware, UTC
    has_time: bool


def _split(text: str) -> tuple[str, str | None]:
    cleaned = re.sub(r"(\d)t(\d)", r"\1 \2", text.strip().lower()).replace(",", " ")
    parts = [p for p in cleaned.split() if p not in ("à", "a", "at", "om")]
    if not parts or len(parts) > 2:
        raise UserError("error.date.format", value=text.strip(), forms=ACCEPTED)
    return parts[0], parts[1] if len(parts) == 2 else None


def _date(part: str, raw: str) -> date:
    iso, french = _ISO.match(part), _FRENCH.match(part)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if french:
            return date(int(french[3]), int(french[2]), int(french[1]))
    except ValueError as exc:
        raise UserError("error.date.invalid", value=raw.strip(), forms=ACCEPTED) from exc
    raise UserError("error.date.format", value=raw.strip(), forms=ACCEPTED)


def _time(part: str, raw: str) -> time:
    match = _TIME.match(part)
    if match is None:
        raise UserError("error.date.format", value=raw.strip(), forms=ACCEPTED)
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise UserError("error.date.invalid", value=raw.strip(), forms=ACCEPTED)
    return time(hour, minute)


def local_to_utc(day: date, clock_time: time, zone: ZoneInfo, raw: str = "") -> datetime:
    local = datetime.combine(day, clock_time, tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if (round_trip.hour, round_trip.minute) != (clock_time.hour, clock_time.minute):
        raise UserError("error.date.nonexistent", value=raw.strip() or local.isoformat())
    return local.astimezone(UTC)


def _within(day: date, raw: str, now: datetime) -> None:
    if abs(day - now.date()) > HORIZON:
        raise UserError(
            "error.date.range", value=raw.strip(), years=HORIZON.days // 365, forms=ACCEPTED
        )


def parse_moment(
    text: str, timezone: str, default_time: time = time(9, 0), *, now: datetime
) -> Moment:
    """The instant meant by `text` in `timezone`, as aware UTC, within two years of now."""
    date_part, time_part = _split(text)
    day = _date(date_part, text)
    _within(day, text, now)
    clock_time = _time(time_part, text) if time_part is not None else default_time
    return Moment(local_to_utc(day, clock_time, ZoneInfo(timezone), text), time_part is not None)


def parse_future(
    text: str, timezone: str, now: datetime, default_time: time = time(9, 0)
) -> Moment:
    moment = parse_moment(text, timezone, default_time, now=now)
    if moment.at <= now:
        raise UserError("error.date.past", value=text.strip(), forms=ACCEPTED)
    return moment
