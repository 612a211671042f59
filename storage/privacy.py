"""Everything stored about one member: to export it, and to forget it.

PERSONAL lists, for every table, the columns that hold a member's id and what
forgetting does to the row: delete it (their votes, answers, profile) or clear
the column (what they wrote stays, authored by a former member).
"""

from __future__ import annotations

import hashlib
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
    DraftVersion,
    Endorsement,
    Experiment,
    ExperimentCheckin,
    ExperimentEvaluation,
    GroupMember,
    GroupSession,
    InterestPoll,
    InterestVote,
    MemberProfile,
    PollNotice,
    PrivacyOptOut,
    Rsvp,
    SessionMinutes,
    Synthesis,
    Theme,
    TimePoll,
    TimeVote,
    WorkGroup,
)
from storage.upsert import insert_ignore, table_of

DELETE, CLEAR = "delete", "clear"
# (model, member column, what forgetting does, guild column if the table has one)
PERSONAL: list[tuple[type[Any], str, str]] = [
    (MemberProfile, "member_id", DELETE),
    (InterestVote, "member_id", DELETE),
    (PollNotice, "user_id", DELETE),
    (TimeVote, "member_id", DELETE),
    (Rsvp, "member_id", DELETE),
    (GroupMember, "member_id", DELETE),
    (Endorsement, "member_id", DELETE),
    (Ballot, "member_id", DELETE),
    (DraftVersion, "author_id", CLEAR),
    (Draft, "created_by", CLEAR),
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
    (Theme, "created_by", CLEAR),
    (Cycle, "created_by", CLEAR),
    (Synthesis, "built_by", CLEAR),
    (AuditLog, "actor_id", CLEAR),
]


def member_key(guild_id: int, member_id: int) -> str:
    """What the opt-out remembers instead of the id itself."""
    return hashlib.sha256(f"sipbot-opt-out:{guild_id}:{member_id}".encode()).hexdigest()


def _row(obj: Any) -> dict[str, Any]:
    return {
        name: (value.isoformat() if isinstance(value, datetime) else value)
        for name, value in obj.model_dump().items()
    }


async def export(db: AsyncSession, member_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row holding the member's id, by table (their secret ballots included)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for model, column, _action in PERSONAL:
        table = table_of(model)
        result = await db.execute(select(model).where(table.c[column] == member_id))
        rows = [_row(r) for r in result.scalars()]
        if rows:
            found.setdefault(table.name, []).extend(rows)
    return found


async def forget(db: AsyncSession, member_id: int) -> dict[str, int]:
    """Delete or clear every trace; returns rows touched per table."""
    touched: dict[str, int] = {}
    for model, column, action in PERSONAL:
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
    for model, column, _action in PERSONAL:
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
