"""Interest polls, their votes (one row per member and theme) and member profiles."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ARRAY, BigInteger, Integer, bindparam, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InterestPoll, InterestVote, MemberProfile, Office, PollNotice, PollOption
from storage.types import UTCDateTime
from storage.upsert import insert_ignore, table_of


class PollConflict(Exception):
    """A poll is already open for this cycle."""


class VoteChange(NamedTuple):  # a tuple: made for each of a poll's reactions
    member_id: int
    theme_id: int
    added: bool


# ------------------------------------------------------------------ polls
async def open_poll(db: AsyncSession, cycle_id: int) -> InterestPoll | None:
    result = await db.execute(
        select(InterestPoll).where(InterestPoll.cycle_id == cycle_id, InterestPoll.status == "open")
    )
    return result.scalars().first()


async def latest_poll(db: AsyncSession, cycle_id: int) -> InterestPoll | None:
    result = await db.execute(
        select(InterestPoll)
        .where(InterestPoll.cycle_id == cycle_id)
        .order_by(InterestPoll.id.desc())
    )
    return result.scalars().first()


async def create_poll(
    db: AsyncSession, poll: InterestPoll, options: Sequence[tuple[int, str]]
) -> InterestPoll:
    db.add(poll)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise PollConflict(poll.cycle_id) from exc
    for theme_id, emoji in options:
        db.add(PollOption(poll_id=poll.id, theme_id=theme_id, emoji=emoji))
    await db.flush()
    return poll


async def set_message(db: AsyncSession, poll_id: int, message_id: int) -> None:
    await db.execute(
        update(InterestPoll).where(InterestPoll.id == poll_id).values(message_id=message_id)
    )


async def options_of(db: AsyncSession, poll_id: int) -> list[PollOption]:
    result = await db.execute(
        select(PollOption).where(PollOption.poll_id == poll_id).order_by(PollOption.id)
    )
    return list(result.scalars())


async def open_polls(db: AsyncSession) -> list[InterestPoll]:
    result = await db.execute(select(InterestPoll).where(InterestPoll.status == "open"))
    return list(result.scalars())


async def get_poll(db: AsyncSession, poll_id: int) -> InterestPoll | None:
    return await db.get(InterestPoll, poll_id, populate_existing=True)


async def mark_closed(db: AsyncSession, poll_id: int, now: datetime) -> bool:
    """Votes stop counting from here; the results post may still be on its way. True
    for the one call that closed it (a retry keeps the first closing time)."""
    result = await db.execute(
        update(InterestPoll)
        .where(InterestPoll.id == poll_id, InterestPoll.status == "open")
        .values(status="closed", closed_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def set_results_message(db: AsyncSession, poll_id: int, message_id: int) -> None:
    await db.execute(
        update(InterestPoll).where(InterestPoll.id == poll_id).values(results_message_id=message_id)
    )


# ------------------------------------------------------------------ votes
async def apply_votes(
    db: AsyncSession, poll_id: int, changes: Iterable[VoteChange], now: datetime
) -> None:
    """Apply a batch in order; the last change for a (member, theme) wins."""
    final: dict[tuple[int, int], bool] = {}
    for change in changes:
        final[(change.member_id, change.theme_id)] = change.added
    added = [(m, t) for (m, t), yes in final.items() if yes]
    removed = [(m, t) for (m, t), yes in final.items() if not yes]
    if db.get_bind().dialect.name == "postgresql":
        await _apply_on_postgresql(db, poll_id, added, removed, now)
        return
    # SQLite takes a batch as one JSON array of [member, theme] pairs, read by json_each:
    # one statement, where an executemany had SQLAlchemy bind every row's four values in
    # Python (about a third of the bot's own time per reaction in a busy poll).
    if added:
        params = {"poll_id": poll_id, "now": now, "pairs": json.dumps(added)}
        await db.execute(_ADD_ON_SQLITE, params)
    if removed:
        await db.execute(_REMOVE_ON_SQLITE, {"poll_id": poll_id, "pairs": json.dumps(removed)})


# ("WHERE true": SQLite's rule for an upsert from a SELECT, so ON CONFLICT is not read as
# a join's constraint.)
_ADD_ON_SQLITE = text(
    "INSERT INTO interest_vote (poll_id, member_id, theme_id, created_at) "
    "SELECT :poll_id, json_extract(pair.value, '$[0]'), json_extract(pair.value, '$[1]'), :now "
    "FROM json_each(:pairs) AS pair WHERE true "
    "ON CONFLICT (poll_id, member_id, theme_id) DO NOTHING"
).bindparams(bindparam("now", type_=UTCDateTime))
_REMOVE_ON_SQLITE = text(
    "DELETE FROM interest_vote WHERE poll_id = :poll_id AND (member_id, theme_id) IN "
    "(SELECT json_extract(pair.value, '$[0]'), json_extract(pair.value, '$[1]') "
    "FROM json_each(:pairs) AS pair)"
)


# PostgreSQL takes a batch as two arrays in one statement: set-based, where a statement
# run once per row (executemany) cost about 20 µs of the server's time per vote. The
# statements are typed here once, not at every batch.
_ARRAYS = (
    bindparam("members", type_=ARRAY(BigInteger)),
    bindparam("themes", type_=ARRAY(Integer)),
)
_ADD_ON_POSTGRESQL = text(
    "INSERT INTO interest_vote (poll_id, member_id, theme_id, created_at) "
    "SELECT :poll_id, v.member_id, v.theme_id, :now "
    "FROM unnest(:members, :themes) AS v(member_id, theme_id) "
    "ON CONFLICT (poll_id, member_id, theme_id) DO NOTHING"
).bindparams(*_ARRAYS, bindparam("now", type_=UTCDateTime))
_REMOVE_ON_POSTGRESQL = text(
    "DELETE FROM interest_vote AS vote USING unnest(:members, :themes) AS v(member_id, theme_id) "
    "WHERE vote.poll_id = :poll_id AND vote.member_id = v.member_id "
    "AND vote.theme_id = v.theme_id"
).bindparams(*_ARRAYS)


async def _apply_on_postgresql(
    db: AsyncSession,
    poll_id: int,
    added: list[tuple[int, int]],
    removed: list[tuple[int, int]],
    now: datetime,
) -> None:
    if added:
        members, themes = zip(*added, strict=True)
        params = {"poll_id": poll_id, "now": now, "members": list(members), "themes": list(themes)}
        await db.execute(_ADD_ON_POSTGRESQL, params)
    if removed:
        members, themes = zip(*removed, strict=True)
        params = {"poll_id": poll_id, "members": list(members), "themes": list(themes)}
        await db.execute(_REMOVE_ON_POSTGRESQL, params)


async def votes_of(db: AsyncSession, poll_id: int) -> dict[int, set[int]]:
    """member id -> theme ids."""
    result = await db.execute(
        select(InterestVote.member_id, InterestVote.theme_id).where(InterestVote.poll_id == poll_id)
    )
    found: dict[int, set[int]] = defaultdict(set)
    for member_id, theme_id in result.all():
        found[member_id].add(theme_id)
    return dict(found)


async def replace_votes(
    db: AsyncSession, poll_id: int, actual: dict[int, set[int]], now: datetime
) -> tuple[int, int]:
    """Make the stored votes equal to `actual` (the message's reactions); (added, removed)."""
    stored = await votes_of(db, poll_id)
    changes = [
        VoteChange(member, theme, True)
        for member, themes in actual.items()
        for theme in themes - stored.get(member, set())
    ]
    removals = [
        VoteChange(member, theme, False)
        for member, themes in stored.items()
        for theme in themes - actual.get(member, set())
    ]
    await apply_votes(db, poll_id, [*changes, *removals], now)
    return len(changes), len(removals)


async def remember_notice(db: AsyncSession, poll_id: int, user_id: int, now: datetime) -> bool:
    """True the first time only: a non-member is told once."""
    row = {"poll_id": poll_id, "user_id": user_id, "created_at": now}
    return await insert_ignore(db, table_of(PollNotice), [row], ["poll_id", "user_id"]) == 1


# ------------------------------------------------------------------ profiles
async def profile(db: AsyncSession, guild_id: int, member_id: int) -> MemberProfile | None:
    result = await db.execute(
        select(MemberProfile).where(
            MemberProfile.guild_id == guild_id, MemberProfile.member_id == member_id
        )
    )
    return result.scalars().first()


async def save_profile(
    db: AsyncSession, guild_id: int, member_id: int, now: datetime, **fields: object
) -> MemberProfile:
    allowed = {"office", "mode", "facilitate", "take_notes"}
    if set(fields) - allowed:
        raise ValueError(f"not a profile field: {sorted(set(fields) - allowed)}")
    await insert_ignore(
        db,
        table_of(MemberProfile),
        [
            {
                "guild_id": guild_id,
                "member_id": member_id,
                "updated_at": now,
                "facilitate": False,
                "take_notes": False,
            }
        ],
        ["guild_id", "member_id"],
    )
    await db.execute(
        update(MemberProfile)
        .where(MemberProfile.guild_id == guild_id, MemberProfile.member_id == member_id)
        .values(updated_at=now, **fields)
    )
    found = await profile(db, guild_id, member_id)
    assert found is not None  # noqa: S101 - inserted above
    await db.refresh(found)
    return found


async def profiles(db: AsyncSession, guild_id: int) -> dict[int, MemberProfile]:
    result = await db.execute(select(MemberProfile).where(MemberProfile.guild_id == guild_id))
    return {p.member_id: p for p in result.scalars()}


async def offices_by_name(db: AsyncSession, guild_id: int) -> dict[str, Office]:
    result = await db.execute(select(Office).where(Office.guild_id == guild_id))
    return {o.name: o for o in result.scalars()}
