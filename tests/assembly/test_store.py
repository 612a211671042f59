"""Assembly votes and ballots on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import assembly as store
from storage.database import session_factory
from storage.models import AssemblyVote

GUILD = 2**61
NOW = datetime(2021, 5, 20, 10, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=14)
BIG = 2**63 - 11  # snowflakes use 64 bits


async def new_vote(engine: AsyncEngine, method: str = "approval", title: str = "AG 2021") -> int:
    async with session_factory(engine)() as s, s.begin():
        vote = await store.create_vote(
            s,
            AssemblyVote(
                guild_id=GUILD,
                title=title,
                options=json.dumps(["A", "B", "C"]),
                method=method,
                deadline=DEADLINE,
                channel_id=BIG,
                created_by=BIG,
                created_at=NOW,
            ),
        )
        await store.set_message(s, vote.id, BIG - 1)
        return vote.id


async def test_ballots_are_one_per_member_and_replaced(engine: AsyncEngine) -> None:
    vote_id = await new_vote(engine)
    factory = session_factory(engine)
    async with factory() as s, s.begin():
        await store.save_ballot(s, vote_id, BIG, [0, 2], NOW)
        await store.save_ballot(s, vote_id, BIG - 2, [1], NOW)
    async with factory() as s, s.begin():
        await store.save_ballot(s, vote_id, BIG, [1], NOW + timedelta(hours=1))  # changes mind
    async with factory() as s:
        assert await store.ballot_of(s, vote_id, BIG) == [1]
        assert await store.count_ballots(s, vote_id) == 2
        assert sorted(await store.ballots_of(s, vote_id)) == [[1], [1]]
        vote = await store.get(s, vote_id)
        assert vote is not None and vote.message_id == BIG - 1
        assert store.options_of(vote) == ["A", "B", "C"]
        assert vote.deadline == DEADLINE and vote.deadline.tzinfo is not None
    async with factory() as s, s.begin():
        await store.save_ballot(s, vote_id, BIG, [], NOW)  # withdrawn
    async with factory() as s:
        assert await store.ballot_of(s, vote_id, BIG) is None
        assert await store.count_ballots(s, vote_id) == 1


async def test_concurrent_ballots_of_one_member_leave_one_row(engine: AsyncEngine) -> None:
    vote_id = await new_vote(engine, method="ranked")
    factory = session_factory(engine)

    async def cast(choices: list[int]) -> None:
        async with factory() as s, s.begin():
            await store.save_ballot(s, vote_id, BIG, choices, NOW)

    await asyncio.gather(*(cast([i % 3, (i + 1) % 3]) for i in range(8)))
    async with factory() as s:
        assert await store.count_ballots(s, vote_id) == 1
        assert await store.ballot_of(s, vote_id, BIG) in ([0, 1], [1, 2], [2, 0])


async def test_no_ballot_after_close_or_deadline(engine: AsyncEngine) -> None:
    vote_id = await new_vote(engine)
    factory = session_factory(engine)
    with pytest.raises(store.VoteClosed):
        async with factory() as s, s.begin():
            await store.save_ballot(s, vote_id, BIG, [0], DEADLINE)
    async with factory() as s, s.begin():
        await store.save_ballot(s, vote_id, BIG, [0], NOW)
        assert await store.claim_closing(s, vote_id, NOW)
        await store.mark_closed(s, vote_id, NOW)
    for choices in ([1], []):
        with pytest.raises(store.VoteClosed):
            async with factory() as s, s.begin():
                await store.save_ballot(s, vote_id, BIG, choices, NOW)
    async with factory() as s:
        assert await store.ballot_of(s, vote_id, BIG) == [0]
        vote = await store.get(s, vote_id)
        assert vote is not None and vote.status == "closed" and vote.closed_at == NOW
    with pytest.raises(store.VoteClosed):
        async with factory() as s, s.begin():
            await store.save_ballot(s, 999_999, BIG, [0], NOW)


async def test_closing_is_claimed_once_and_released_on_failure(engine: AsyncEngine) -> None:
    first, second = await new_vote(engine), await new_vote(engine, title="Other")
    factory = session_factory(engine)
    async with factory() as s:
        assert await store.next_closing_at(s) == DEADLINE
        assert await store.due_closings(s, NOW) == []
        assert {v.id for v in await store.due_closings(s, DEADLINE)} == {first, second}
    async with factory() as s, s.begin():
        assert await store.claim_closing(s, first, DEADLINE)
    async with factory() as s, s.begin():
        assert not await store.claim_closing(s, first, DEADLINE)  # held
        await store.release_closing(s, first)  # Discord failed: back to pending
    async with factory() as s, s.begin():
        assert await store.claim_closing(s, first, DEADLINE)
        await store.finish_closing(s, first, BIG)
    async with factory() as s, s.begin():
        assert await store.claim_closing(s, second, DEADLINE)
    later = DEADLINE + store.LEASE + timedelta(seconds=1)
    async with factory() as s, s.begin():
        assert [v.id for v in await store.due_closings(s, later)] == [second]  # lease expired
        assert await store.claim_closing(s, second, later)
        await store.finish_closing(s, second, None)
    async with factory() as s:
        assert await store.next_closing_at(s) is None
        assert await store.due_closings(s, later) == []
        done = await store.get(s, first)
        assert done is not None and done.results_message_id == BIG


async def test_votes_of_a_guild_newest_first_and_deletion(engine: AsyncEngine) -> None:
    older, newer = await new_vote(engine, title="Old"), await new_vote(engine, title="New")
    factory = session_factory(engine)
    async with factory() as s, s.begin():
        await store.save_ballot(s, older, BIG, [2], NOW)
    async with factory() as s:
        assert [v.id for v in await store.votes_of(s, GUILD)] == [newer, older]
        assert await store.votes_of(s, GUILD + 1) == []
    async with factory() as s, s.begin():
        await store.delete_vote(s, older)
    async with factory() as s:
        assert [v.id for v in await store.votes_of(s, GUILD)] == [newer]
        assert await store.ballots_of(s, older) == []
