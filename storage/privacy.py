"""Everything stored about one member: to export it, and to forget it.

PERSONAL lists, for every table, the columns that hold a member's id and what
forgetting does to the row: delete it (their votes, answers, profile) or clear
the column (what they wrote stays, authored by a former member).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AssemblyVote,
    AuditLog,
    Ballot,
    Cycle,
    Draft,
    DraftAnswer,
    DraftVersion,
    Endorsement,
    Experiment,
    ExperimentCheckin,
    ExperimentEvaluation,
    FollowupUpdate,
    GroupGuest,
    GroupMember,
    GroupSession,
    GuildConfig,
    InterestPoll,
    InterestVote,
    Invitation,
    Meeting,
    MeetingRegistration,
    MemberProfile,
    PollNotice,
    PrivacyOptOut,
    Proposal,
    ProposalDecision,
    ProposalEndorsement,
    Rsvp,
    SessionMinutes,
    Synthesis,
    Theme,
    TimePoll,
    TimeSlot,
    TimeVote,
    WorkGroup,
)
from storage.upsert import insert_ignore, table_of

DELETE, CLEAR = "delete", "clear"
# (model, member column, what forgetting does)
PERSONAL: list[tuple[type[Any], str, str]] = [
    (MemberProfile, "member_id", DELETE),
    (InterestVote, "member_id", DELETE),
    (PollNotice, "user_id", DELETE),
    (TimeVote, "member_id", DELETE),
    (Rsvp, "member_id", DELETE),
    (GroupMember, "member_id", DELETE),
    (Invitation, "member_id", DELETE),
    (GroupGuest, "member_id", DELETE),
    (Endorsement, "member_id", DELETE),
    (Ballot, "member_id", DELETE),
    (ProposalEndorsement, "member_id", DELETE),
    (MeetingRegistration, "member_id", DELETE),
    (DraftVersion, "author_id", CLEAR),
    (Draft, "created_by", CLEAR),
    (DraftAnswer, "author_id", CLEAR),
    (FollowupUpdate, "author_id", CLEAR),
    (Proposal, "created_by", CLEAR),
    (ProposalDecision, "decided_by", CLEAR),
    (SessionMinutes, "author_id", CLEAR),
    (ExperimentCheckin, "author_id", CLEAR),
    (ExperimentEvaluation, "author_id", CLEAR),
    (Experiment, "created_by", CLEAR),
    (GroupSession, "created_by", CLEAR),
    (WorkGroup, "facilitator_id", CLEAR),
    (WorkGroup, "secretary_id", CLEAR),
    (TimePoll, "created_by", CLEAR),
    (InterestPoll, "created_by", CLEAR),
    (AssemblyVote, "created_by", CLEAR),
    (Meeting, "created_by", CLEAR),
    (Theme, "created_by", CLEAR),
    (Cycle, "created_by", CLEAR),
    (Synthesis, "built_by", CLEAR),
    (GroupGuest, "added_by", CLEAR),
    (AuditLog, "actor_id", CLEAR),
]

# A member's id in rows that are someone else's (the invitation they sent another member,
# with that member's answer): never exported to them, cleared when they are forgotten.
ALSO_CLEARED: list[tuple[type[Any], str]] = [(Invitation, "invited_by")]


def member_key(guild_id: int, member_id: int) -> str:
    """What the opt-out remembers instead of the id itself."""
    return hashlib.sha256(f"sipbot-opt-out:{guild_id}:{member_id}".encode()).hexdigest()


# columns that hold JSON text: exported decoded, so that what they hold reads as data
JSON_COLUMNS = {("audit_log", "detail"), ("ballot", "choices"), ("assembly_vote", "options")}
# what the member's rows point at, loaded so that each row can say what it is about:
# (table, model, the (table, column) pairs that hold its ids), in an order where every
# table is loaded after the ones whose rows point at it
RELATED: list[tuple[str, type[Any], list[tuple[str, str]]]] = [
    ("group_session", GroupSession, [("rsvp", "session_id"), ("session_minutes", "session_id")]),
    ("time_slot", TimeSlot, [("time_vote", "slot_id")]),
    ("time_poll", TimePoll, [("time_vote", "poll_id")]),
    ("interest_poll", InterestPoll, [("interest_vote", "poll_id"), ("poll_notice", "poll_id")]),
    ("assembly_vote", AssemblyVote, [("ballot", "vote_id")]),
    ("experiment", Experiment, [("experiment_checkin", "experiment_id"),
                                ("experiment_evaluation", "experiment_id")]),
    ("draft", Draft, [("endorsement", "draft_id"), ("draft_version", "draft_id"),
                      ("draft_answer", "draft_id"), ("followup_update", "draft_id")]),
    ("work_group", WorkGroup, [("group_member", "group_id"), ("invitation", "group_id"),
                               ("group_guest", "group_id"),
                               ("group_session", "group_id"),
                               ("time_poll", "group_id"), ("draft", "group_id"),
                               ("experiment", "group_id")]),
    ("meeting", Meeting, [("meeting_registration", "meeting_id")]),
    ("theme", Theme, [("interest_vote", "theme_id"), ("work_group", "theme_id"),
                      ("draft", "theme_id"), ("synthesis", "theme_id"),
                      ("meeting", "theme_id")]),
    ("proposal", Proposal, [("proposal_endorsement", "proposal_id"),
                            ("proposal_decision", "proposal_id")]),
    ("cycle", Cycle, [("interest_poll", "cycle_id"), ("theme", "cycle_id"),
                      ("proposal", "cycle_id")]),
]  # fmt: skip


@dataclass(frozen=True)
class Export:
    """The member's rows by table, and what they point at, so that each can be told."""

    tables: dict[str, list[dict[str, Any]]]  # every row holding the member's id
    related: dict[str, dict[int, dict[str, Any]]]  # table -> id -> row, the member's included
    timezones: dict[int, str]  # guild -> its time zone, for every guild the rows belong to

    @property
    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


def _decoded(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text  # not JSON (an empty detail, or one a forget rewrote): kept as written


def _row(obj: Any) -> dict[str, Any]:
    """The row's columns in the table's order, JSON text decoded."""
    table = table_of(type(obj))
    row: dict[str, Any] = {}
    for column in table.columns:
        value = getattr(obj, column.name)
        json_text = (table.name, column.name) in JSON_COLUMNS and isinstance(value, str)
        row[column.name] = _decoded(value) if json_text else value
    return row


async def export(db: AsyncSession, member_id: int) -> Export:
    """Every row holding the member's id, by table (their secret ballots included), with
    the themes, groups, sessions, votes... those rows are about."""
    found: dict[str, list[dict[str, Any]]] = {}
    for model, column, _action in PERSONAL:
        table = table_of(model)
        result = await db.execute(
            select(model).where(table.c[column] == member_id).order_by(table.c.id)
        )
        rows = found.setdefault(table.name, [])
        seen = {row["id"] for row in rows}  # a group the member both facilitates and records
        rows.extend(_row(r) for r in result.scalars() if r.id not in seen)
    tables = {name: rows for name, rows in found.items() if rows}
    related = await _related(db, tables)
    return Export(tables, related, await _timezones(db, tables, related))


async def _related(
    db: AsyncSession, tables: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[int, dict[str, Any]]]:
    related: dict[str, dict[int, dict[str, Any]]] = {}
    for name, model, pointers in RELATED:
        known = {row["id"]: row for row in tables.get(name, [])}
        wanted = {
            row[column]
            for source, column in pointers
            for row in related.get(source, {}).values() or tables.get(source, [])
            if row.get(column) is not None
        } - known.keys()
        if wanted:
            table = table_of(model)
            result = await db.execute(select(model).where(table.c.id.in_(sorted(wanted))))
            known.update({r.id: _row(r) for r in result.scalars()})
        related[name] = known
    return related


async def _timezones(
    db: AsyncSession,
    tables: dict[str, list[dict[str, Any]]],
    related: dict[str, dict[int, dict[str, Any]]],
) -> dict[int, str]:
    rows = [row for rows in tables.values() for row in rows]
    rows += [row for by_id in related.values() for row in by_id.values()]
    guilds = {row["guild_id"] for row in rows if row.get("guild_id") is not None}
    if not guilds:
        return {}
    result = await db.execute(
        select(GuildConfig.guild_id, GuildConfig.timezone).where(
            GuildConfig.guild_id.in_(sorted(guilds))
        )
    )
    return {guild_id: zone for guild_id, zone in result.all()}


async def forget(db: AsyncSession, member_id: int) -> dict[str, int]:
    """Delete or clear every trace; returns rows touched per table."""
    touched: dict[str, int] = {}
    cleared = [(model, column, CLEAR) for model, column in ALSO_CLEARED]
    for model, column, action in [*PERSONAL, *cleared]:
        table = table_of(model)
        statement: Any
        if action == DELETE:
            statement = delete(table).where(table.c[column] == member_id)
        else:
            statement = update(table).where(table.c[column] == member_id).values({column: None})
        result = await db.execute(statement)
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            touched[table.name] = touched.get(table.name, 0) + count
    audit = table_of(AuditLog)
    scrubbed = await db.execute(
        update(audit)
        .where(audit.c.detail.contains(str(member_id)))
        .values(detail=func.replace(audit.c.detail, str(member_id), "former member"))
    )
    touched["audit_log details"] = int(getattr(scrubbed, "rowcount", 0) or 0)
    return touched


async def holds(db: AsyncSession, member_id: int) -> list[str]:
    """Tables where the id still appears (used to check a forget)."""
    places = []
    for model, column in [(m, c) for m, c, _a in PERSONAL] + ALSO_CLEARED:
        table = table_of(model)
        result = await db.execute(
            select(func.count()).select_from(table).where(table.c[column] == member_id)
        )
        if int(result.scalar() or 0):
            places.append(f"{table.name}.{column}")
    return places


async def opt_out(db: AsyncSession, guild_id: int, member_id: int, now: datetime) -> None:
    row = {"guild_id": guild_id, "member_key": member_key(guild_id, member_id), "created_at": now}
    await insert_ignore(db, table_of(PrivacyOptOut), [row], ["guild_id", "member_key"])


async def opt_in(db: AsyncSession, guild_id: int, member_id: int) -> int:
    table = table_of(PrivacyOptOut)
    result = await db.execute(
        delete(table).where(
            table.c.guild_id == guild_id, table.c.member_key == member_key(guild_id, member_id)
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def opted_out(db: AsyncSession, guild_id: int) -> set[str]:
    table = table_of(PrivacyOptOut)
    result = await db.execute(select(table.c.member_key).where(table.c.guild_id == guild_id))
    return set(result.scalars())


async def member_left(db: AsyncSession, guild_id: int, member_id: int) -> int:
    """A member who leaves the server: their profile and the votes of polls still open go."""
    removed = 0
    profile = table_of(MemberProfile)
    result = await db.execute(
        delete(profile).where(profile.c.guild_id == guild_id, profile.c.member_id == member_id)
    )
    removed += int(getattr(result, "rowcount", 0) or 0)
    for vote_model, poll_model, poll_column in (
        (InterestVote, InterestPoll, "poll_id"),
        (TimeVote, TimePoll, "poll_id"),
        (Ballot, AssemblyVote, "vote_id"),
    ):
        votes, polls = table_of(vote_model), table_of(poll_model)
        open_polls = select(polls.c.id).where(
            polls.c.guild_id == guild_id, polls.c.status == "open"
        )
        result = await db.execute(
            delete(votes).where(
                votes.c.member_id == member_id, votes.c[poll_column].in_(open_polls)
            )
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
