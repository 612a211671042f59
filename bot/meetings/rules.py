"""Rules for meetings: what may be scheduled, and who gets a seat.

Seats: a meeting with a capacity has seats 1..capacity for those who come in person.
A member who asks for one gets the lowest free seat, unless nobody is waiting and none
is free, in which case they join the waitlist; the waitlist is served in the order of
the places taken in the queue (a number the database hands out, `seq`). A seat given up
(cancelled, or switched to online) goes at once to the first member waiting. So: no
more seated than seats, no free seat while someone waits, and the waitlist is first
come, first served. Online has no limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.kit.user_error import UserError

KINDS = ("open_meeting", "webinar", "presentation")
IN_PERSON, ONLINE, CANCEL = "in_person", "online", "cancel"
MODES = (IN_PERSON, ONLINE)
CHOICES = (IN_PERSON, ONLINE, CANCEL)
REGISTERED, WAITLISTED, CANCELLED = "registered", "waitlisted", "cancelled"
ACTIVE = (REGISTERED, WAITLISTED)
DEFAULT_MINUTES = 120
MAX_CAPACITY = 5000
TITLE_MAX = 100  # Discord's limit for an event's name
SPEAKER_MAX = 100
DESCRIPTION_MAX = 1000  # Discord's limit for an event's description
SUMMARY_MAX = 4000
URL_MAX = 500
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


# ------------------------------------------------------------------ what is scheduled
def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def check_title(title: str) -> str:
    text = one_line(title)
    if not text:
        raise UserError("error.meeting.title_empty")
    if len(text) > TITLE_MAX:
        raise UserError("error.meeting.title_long", max=TITLE_MAX)
    return text


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise UserError("error.meeting.kind", value=kind)
    return kind


def check_speaker(speaker: str | None) -> str | None:
    text = one_line(speaker)
    if len(text) > SPEAKER_MAX:
        raise UserError("error.meeting.speaker_long", max=SPEAKER_MAX)
    return text or None


def check_description(description: str | None) -> str:
    text = (description or "").strip()
    if len(text) > DESCRIPTION_MAX:
        raise UserError("error.meeting.description_long", max=DESCRIPTION_MAX)
    return text


def check_url(url: str | None, key: str = "error.meeting.visio") -> str | None:
    if url is None or not url.strip():
        return None
    link = url.strip()
    if len(link) > URL_MAX or not _URL.match(link):
        raise UserError(key, value=link)
    return link


def check_where(place: str | None, online: bool, capacity: int | None) -> None:
    """A meeting happens somewhere: a place, or a link or voice channel, or both; seats
    are counted in person only."""
    if place is None and not online:
        raise UserError("error.meeting.nowhere")
    if capacity is not None and place is None:
        raise UserError("error.meeting.capacity_without_place")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise UserError("error.meeting.capacity", value=capacity, max=MAX_CAPACITY)


def check_summary(summary: str) -> str:
    text = summary.strip()
    if not text:
        raise UserError("error.meeting.summary_empty")
    if len(text) > SUMMARY_MAX:
        raise UserError("error.meeting.summary_long", max=SUMMARY_MAX)
    return text


def offered(has_place: bool, online: bool) -> tuple[str, ...]:
    """The registration buttons a meeting shows."""
    return (*((IN_PERSON,) if has_place else ()), *((ONLINE,) if online else ()), CANCEL)


# ------------------------------------------------------------------ seats and waitlist
@dataclass(frozen=True)
class Spot:
    """A registration as the seat rule sees it."""

    mode: str  # in_person, online
    state: str  # registered, waitlisted, cancelled
    seq: int  # its place in the queue
    seat: int | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


@dataclass(frozen=True)
class Move:
    """A member's registration after a click, and the seat it gave up, if any."""

    spot: Spot | None
    changed: bool
    freed: int | None = None


def free_seat(capacity: int | None, taken: frozenset[int]) -> int | None:
    """The lowest seat nobody holds (None when all are taken or there are no seats)."""
    if capacity is None:
        return None
    return next((seat for seat in range(1, capacity + 1) if seat not in taken), None)


def move(
    capacity: int | None,
    current: Spot | None,
    wanted: str,
    *,
    seq: int,
    taken: frozenset[int],
    queue: int,
) -> Move:
    """What a click on `wanted` (in_person, online, cancel) does. `seq` is the next place
    in the queue, `taken` the seats held, `queue` how many are waiting."""
    if wanted not in CHOICES:
        raise UserError("error.meeting.choice", value=wanted)
    active = current is not None and current.active
    freed = current.seat if current is not None and active else None
    if wanted == CANCEL:
        if current is None or not active:
            raise UserError("error.meeting.not_registered")
        return Move(replace(current, state=CANCELLED, seat=None), True, freed)
    if current is not None and active and current.mode == wanted:
        return Move(current, False)
    if wanted == ONLINE:
        return Move(Spot(ONLINE, REGISTERED, seq), True, freed)
    if capacity is None:
        return Move(Spot(IN_PERSON, REGISTERED, seq), True, freed)
    seat = free_seat(capacity, taken) if queue == 0 else None
    if seat is None:
        return Move(Spot(IN_PERSON, WAITLISTED, seq), True, freed)
    return Move(Spot(IN_PERSON, REGISTERED, seq, seat), True, freed)


def seated(spot: Spot, seat: int) -> Spot:
    """The first member waiting, given the seat just freed."""
    return replace(spot, state=REGISTERED, seat=seat)


def free_seats(capacity: int | None, taken: frozenset[int]) -> list[int]:
    """Every seat nobody holds, lowest first: after any change the waitlist is served
    until none is left or nobody waits (a seat freed otherwise, by a member forgotten at
    their request, is filled at the next change rather than left empty)."""
    if capacity is None:
        return []
    return [seat for seat in range(1, capacity + 1) if seat not in taken]


def serve(capacity: int | None, taken: frozenset[int], waiting: int) -> list[int]:
    """The seats the first `waiting` members in line get now, in their order: every free
    seat, lowest first, as far as the line goes."""
    return free_seats(capacity, taken)[:waiting]


def seats_left(capacity: int | None, seated_count: int) -> int | None:
    return None if capacity is None else max(capacity - seated_count, 0)
