"""The general assembly's votes and their ballots (one row per member, changeable until
the vote closes). Closing a vote is a work item (bot/assembly/jobs.py); a vote deleted
takes its closing along. An option may say where it came from (a member's proposal, a
theme to prolong), so the card links to it and the next cycle takes its description."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AssemblyOption, AssemblyVote, Ballot, Proposal, Theme
from storage.models.work import WorkItem
from storage.upsert import insert_ignore, table_of


class VoteClosed(Exception):
    """The vote is closed (or its deadline passed): ballots no longer change."""


# ------------------------------------------------------------------ votes
def options_of(vote: AssemblyVote) -> list[str]:
    options: list[str] = json.loads(vote.options)
    return options


async def create_vote(db: AsyncSession, vote: AssemblyVote) -> AssemblyVote:
    db.add(vote)
    await db.flush()
    return vote


async def set_message(db: AsyncSession, vote_id: int, message_id: int) -> None:
    await db.execute(
        update(AssemblyVote).where(AssemblyVote.id == vote_id).values(message_id=message_id)
    )


async def delete_vote(db: AsyncSession, vote_id: int, closing_key: str) -> None:
    """The vote and its closing item: SQLite may give the next vote the same id, and
    that vote's closing must not find the key taken."""
    await db.execute(delete(WorkItem).where(WorkItem.key == closing_key))
    await db.execute(delete(AssemblyVote).where(AssemblyVote.id == vote_id))


async def get(db: AsyncSession, vote_id: int) -> AssemblyVote | None:
    return await db.get(AssemblyVote, vote_id, populate_existing=True)


async def votes_of(db: AsyncSession, guild_id: int) -> list[AssemblyVote]:
    """The guild's votes, newest first."""
    result = await db.execute(
        select(AssemblyVote)
        .where(AssemblyVote.guild_id == guild_id)
        .order_by(AssemblyVote.id.desc())
    )
    return list(result.scalars())


# ------------------------------------------------------------------ where options came from
@dataclass(frozen=True)
class OptionSource:
    position: int  # index in the vote's options
    proposal_id: int | None
    theme_id: int | None
    thread_id: int | None  # the proposal's forum post
    channel_id: int | None  # the theme's info channel


async def set_sources(
    db: AsyncSession, vote_id: int, sources: Sequence[tuple[int | None, int | None]]
) -> None:
    """(proposal id, theme id) per option, in the options' order; typed options have none."""
    rows = [
        {"vote_id": vote_id, "position": position, "proposal_id": proposal, "theme_id": theme}
        for position, (proposal, theme) in enumerate(sources)
        if proposal is not None or theme is not None
    ]
    await insert_ignore(db, table_of(AssemblyOption), rows, ["vote_id", "position"])


async def sources_of(db: AsyncSession, vote_id: int) -> dict[int, OptionSource]:
    """position -> where that option came from, for the options that came from somewhere."""
    result = await db.execute(
        select(AssemblyOption, Proposal.thread_id, Theme.info_channel_id)
        .outerjoin(Proposal, Proposal.id == AssemblyOption.proposal_id)
        .outerjoin(Theme, Theme.id == AssemblyOption.theme_id)
        .where(AssemblyOption.vote_id == vote_id)
        .order_by(AssemblyOption.position)
    )
    return {
        option.position: OptionSource(
            option.position, option.proposal_id, option.theme_id, thread_id, channel_id
        )
        for option, thread_id, channel_id in result.all()
    }


async def closed_votes(db: AsyncSession, guild_id: int) -> list[AssemblyVote]:
    """The guild's closed votes, newest first: what a next cycle may start from."""
    return [vote for vote in await votes_of(db, guild_id) if vote.status == "closed"]


# ------------------------------------------------------------------ ballots
async def _open_for_ballots(db: AsyncSession, vote_id: int, now: datetime) -> AssemblyVote:
    """The vote, locked against closing until this transaction ends (FOR SHARE on
    PostgreSQL; SQLite serialises writers anyway): a ballot is either counted or refused,
    never written after the count."""
    result = await db.execute(
        select(AssemblyVote)
        .where(AssemblyVote.id == vote_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )
    vote = result.scalars().first()
    if vote is None or vote.status != "open" or now >= vote.deadline:
        raise VoteClosed(vote_id)
    return vote


async def save_ballot(
    db: AsyncSession, vote_id: int, member_id: int, choices: list[int], now: datetime
) -> None:
    """Insert or replace the member's ballot; an empty ballot withdraws it."""
    await _open_for_ballots(db, vote_id, now)
    if not choices:
        await db.execute(
            delete(Ballot).where(Ballot.vote_id == vote_id, Ballot.member_id == member_id)
        )
        return
    encoded = json.dumps(choices)
    row = {"vote_id": vote_id, "member_id": member_id, "choices": encoded, "updated_at": now}
    if await insert_ignore(db, table_of(Ballot), [row], ["vote_id", "member_id"]) == 1:
        return
    await db.execute(
        update(Ballot)
        .where(Ballot.vote_id == vote_id, Ballot.member_id == member_id)
        .values(choices=encoded, updated_at=now)
    )


async def ballot_of(db: AsyncSession, vote_id: int, member_id: int) -> list[int] | None:
    result = await db.execute(
        select(Ballot.choices).where(Ballot.vote_id == vote_id, Ballot.member_id == member_id)
    )
    stored = result.scalar()
    if stored is None:
        return None
    choices: list[int] = json.loads(stored)
    return choices


async def ballots_of(db: AsyncSession, vote_id: int) -> list[list[int]]:
    """Every ballot's choices, without who cast it: the count needs nothing more."""
    result = await db.execute(
        select(Ballot.choices).where(Ballot.vote_id == vote_id).order_by(Ballot.id)
    )
    return [json.loads(stored) for stored in result.scalars()]


async def count_ballots(db: AsyncSession, vote_id: int) -> int:
    result = await db.execute(
        select(func.count()).select_from(Ballot).where(Ballot.vote_id == vote_id)
    )
    return int(result.scalar() or 0)


# ------------------------------------------------------------------ closing
async def mark_closed(db: AsyncSession, vote_id: int, now: datetime) -> None:
    """Ballots stop changing from here; the results post may still be on its way."""
    await db.execute(
        update(AssemblyVote)
        .where(AssemblyVote.id == vote_id, AssemblyVote.status == "open")
        .values(status="closed", closed_at=now)
    )


async def set_results_message(db: AsyncSession, vote_id: int, message_id: int) -> None:
    await db.execute(
        update(AssemblyVote).where(AssemblyVote.id == vote_id).values(results_message_id=message_id)
    )
