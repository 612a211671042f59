"""The report's participation counted for its pictures, from what storage/report.py read:
sessions held and people present per month and theme, recommendations and their
endorsements per theme and status, proposals with their endorsements, meetings with
their registrations. Pure counting: no Discord, no database.

A session counts as held as in the Markdown (`Writer.held`), in the month it started in
the guild's time zone; its people present are those its minutes counted. The months run
from the first session held to the last, every month between included (a month without
sessions shows as nothing, not as a gap closed up).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.drafts.rules import STATUSES as DRAFT_STATUSES
from bot.proposals.rules import LIST_ORDER as PROPOSAL_ORDER
from bot.report.writing import Writer
from storage.models import Meeting, Proposal, Theme

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True)
class Monthly:
    months: list[Month]
    themes: list[Theme]
    sessions: list[list[int]]  # [theme][month]: sessions held
    attendees: list[list[int]]  # [theme][month]: people present, as the minutes counted


@dataclass(frozen=True)
class ByStatus:
    themes: list[Theme]
    statuses: list[str]  # the statuses some recommendation has, in the drafts' order
    drafts: list[list[int]]  # [theme][status]
    endorsements: list[list[int]]  # [theme][status]


@dataclass(frozen=True)
class Registrations:
    meeting: Meeting
    seated: int
    waitlisted: int
    online: int


def _months(first: Month, last: Month) -> list[Month]:
    found, (year, month) = [], first
    while (year, month) <= last:
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def monthly(w: Writer) -> Monthly | None:
    """Sessions held and people present per theme and month; None when none was held."""
    data = w.data
    theme_of = {g.id: g.theme_id for g in data.groups}
    held = [
        (theme_of[group_id], s)
        for group_id, rows in data.sessions.items()
        for s in rows
        if group_id in theme_of and w.held(s)
    ]
    if not held:
        return None
    local = [(theme_id, s, s.starts_at.astimezone(w.zone)) for theme_id, s in held]
    months = _months(min((t.year, t.month) for *_x, t in local),
                     max((t.year, t.month) for *_x, t in local))  # fmt: skip
    column = {m: n for n, m in enumerate(months)}
    row = {t.id: n for n, t in enumerate(data.themes)}
    sessions = [[0] * len(months) for _ in data.themes]
    attendees = [[0] * len(months) for _ in data.themes]
    for theme_id, session, when in local:
        r, c = row[theme_id], column[(when.year, when.month)]
        sessions[r][c] += 1
        minutes = data.minutes.get(session.id)
        attendees[r][c] += minutes.attendees if minutes is not None else 0
    return Monthly(months, list(data.themes), sessions, attendees)


def by_status(w: Writer) -> ByStatus | None:
    """Recommendations and their endorsements per theme and status; None without any."""
    data = w.data
    if not data.drafts:
        return None
    present = {d.status for d in data.drafts}
    statuses = [s for s in DRAFT_STATUSES if s in present]
    statuses += sorted(present - set(statuses))  # a status no longer known still counts
    row = {t.id: n for n, t in enumerate(data.themes)}
    drafts = [[0] * len(statuses) for _ in data.themes]
    endorsements = [[0] * len(statuses) for _ in data.themes]
    for draft in data.drafts:
        if draft.theme_id not in row:
            continue
        r, c = row[draft.theme_id], statuses.index(draft.status)
        drafts[r][c] += 1
        endorsements[r][c] += data.endorsements.get(draft.id, 0)
    return ByStatus(list(data.themes), statuses, drafts, endorsements)


def proposals(w: Writer) -> list[tuple[Proposal, int]]:
    """The proposals with their endorsements: status by status (shortlisted first, as
    `/proposal list` shows them), the most endorsed first within one."""
    data = w.data
    order = {s: n for n, s in enumerate(PROPOSAL_ORDER)}
    found = [(p, data.proposal_endorsements.get(p.id, 0)) for p in data.proposals]
    return sorted(found, key=lambda pair: (order.get(pair[0].status, len(order)), -pair[1],
                                           pair[0].id))  # fmt: skip


def registrations(w: Writer) -> list[Registrations]:
    """Each meeting not cancelled, earliest first, with who registered: seated in
    person, waiting for a seat, online."""
    data = w.data
    found = []
    for meeting in (m for m in data.meetings if m.status != "cancelled"):
        counts = data.registrations.get(meeting.id)
        seated, waiting, online = (
            (counts.seated, counts.waitlisted, counts.online) if counts else (0, 0, 0)
        )
        found.append(Registrations(meeting, seated, waiting, online))
    return found
