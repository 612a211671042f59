"""The cycle's calendar: phases from the template, the cycle's window, what is current.

A cycle is a cooperative year: it runs from 1 September of its first year to
31 August of the next, which holds every phase of the template (1 Nov – 30 May)
with room to move them. Phases may overlap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.kit.dates import local_to_utc
from bot.kit.user_error import UserError

PHASE_START = time(9, 0)
PHASE_END = time(23, 59)
NAME_MAX = 40
_YEAR = re.compile(r"(20\d\d)")


@dataclass(frozen=True)
class PhaseTemplate:
    key: str
    start: tuple[int, int, int]  # (year offset, month, day)
    end: tuple[int, int, int]


@dataclass(frozen=True)
class PlannedPhase:
    key: str
    position: int
    starts_at: datetime
    ends_at: datetime


def cooperative_year(now: datetime, timezone: str) -> int:
    """The first year of the cycle being prepared or run at `now`: from June on,
    organisers prepare the cycle that starts in November."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.year if local.month >= 6 else local.year - 1


def first_year_for(name: str, given: int | None, now: datetime, timezone: str) -> int:
    """`given`, else the year in the name ("2020-2021" -> 2020), else the current one."""
    if given is not None:
        if not 2000 <= given <= 2100:
            raise UserError("error.cycle.year", value=given)
        return given
    match = _YEAR.search(name)
    return int(match.group(1)) if match else cooperative_year(now, timezone)


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise UserError("error.cycle.name_empty")
    if len(name) > NAME_MAX:
        raise UserError("error.cycle.name_long", max=NAME_MAX)
    return name


def plan(template: Sequence[PhaseTemplate], first_year: int, timezone: str) -> list[PlannedPhase]:
    zone = ZoneInfo(timezone)
    planned = []
    for position, phase in enumerate(template):
        start = date(first_year + phase.start[0], phase.start[1], phase.start[2])
        end = date(first_year + phase.end[0], phase.end[1], phase.end[2])
        planned.append(
            PlannedPhase(
                phase.key,
                position,
                local_to_utc(start, PHASE_START, zone),
                local_to_utc(end, PHASE_END, zone),
            )
        )
    return planned


def window(first_year: int, timezone: str) -> tuple[datetime, datetime]:
    zone = ZoneInfo(timezone)
    return (
        local_to_utc(date(first_year, 9, 1), time(0, 0), zone),
        local_to_utc(date(first_year + 1, 8, 31), PHASE_END, zone),
    )


def check_phase_dates(
    starts_at: datetime,
    ends_at: datetime,
    first_year: int,
    timezone: str,
    now: datetime,
    current_start: datetime,
) -> None:
    """Start before end, inside the cycle's window, nothing moved into the past
    (an already started phase may keep its start and change its end)."""
    if starts_at >= ends_at:
        raise UserError("error.phase.order")
    opens, closes = window(first_year, timezone)
    if starts_at < opens or ends_at > closes:
        raise UserError("error.phase.outside", opens=opens, closes=closes)
    if ends_at <= now:
        raise UserError("error.phase.end_past")
    if starts_at <= now and starts_at != current_start:
        raise UserError("error.phase.start_past")


def current(phases: Iterable[PlannedPhase], now: datetime) -> list[str]:
    return [p.key for p in phases if p.starts_at <= now <= p.ends_at]


# ------------------------------------------------------------------ from the assembly's vote
@dataclass(frozen=True)
class Candidate:
    """A winning option of the vote, as a theme of the next cycle."""

    title: str
    description: str
    countries: str = "FR,BE"
    prolonged_from: int | None = None  # the theme it carries on, for a "Prolong" option
    link: str | None = None  # the proposal's post, for a member's proposal


def seats_for(given: int | None, previous_themes: int) -> int:
    """How many themes the next cycle takes from the vote: as many as asked, else as many
    as the cycle the vote closes had (a cooperative keeps its rhythm: four themes in
    2020-21); a first cycle without themes must say it."""
    if given is not None:
        return given
    if previous_themes < 1:
        raise UserError("error.cycle.seats_unknown")
    return previous_themes


def next_themes(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """(kept, merged away): one theme per title, spaces and case aside, the better placed
    winner keeping it (a proposal and a theme to prolong may share a title)."""
    kept: list[Candidate] = []
    seen: set[str] = set()
    dropped: list[Candidate] = []
    for candidate in candidates:
        key = " ".join(candidate.title.split()).casefold()
        if key in seen:
            dropped.append(candidate)
            continue
        seen.add(key)
        kept.append(candidate)
    return kept, dropped
