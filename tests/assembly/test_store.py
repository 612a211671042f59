"""Assembly votes, ballots and their closing's work item on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.assembly import jobs
from bot.kit.work import LEASE, WorkEngine
from storage import assembly as store
from storage import work as work_store
from storage.database import session_factory
from storage.models import AssemblyVote
from tests.clock import MovableClock

GUILD = 2**61
NOW = datetime(2021, 5, 20, 10, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=14)
BIG = 2**63 - 11  # snowflakes use 64 bits


async def new_vote(engine: AsyncEngine, method: str = "approval", title: str = "AG 2021") -> int:
    """A vote stored as /assembly open stores it: with its closing planned."""
    works = WorkEngine(session_factory(engine), MovableClock(NOW))
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
        assert await jobs.plan_closing(works, s, vote)
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
        await store.mark_closed(s, vote_id, NOW)  # the closing's first transaction
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


async def test_closing_is_one_work_item_due_at_the_deadline_claimed_once_and_retried(
    engine: AsyncEngine,
) -> None:
    first, second = await new_vote(engine), await new_vote(engine, title="Other")
    factory = session_factory(engine)
    kinds = [jobs.KIND]
    async with factory() as s:
        assert await work_store.next_wake_at(s, kinds) == DEADLINE
        planned = await work_store.items(s, kind=jobs.KIND)
        vote = await store.get(s, first)
    assert [(i.key, i.guild_id, i.due_at, work_store.payload_of(i)) for i in planned] == [
        (f"assembly_close:{first}", GUILD, DEADLINE, {"vote_id": first}),
        (f"assembly_close:{second}", GUILD, DEADLINE, {"vote_id": second}),
    ]
    async with factory() as s, s.begin():
        assert vote is not None and not await jobs.plan_closing(
            WorkEngine(factory, MovableClock(NOW)), s, vote
        )  # planned once
        assert await work_store.claim_due(s, NOW, kinds, LEASE) == []
    async with factory() as s, s.begin():
        held = await work_store.claim_key(s, jobs.key(first), DEADLINE, LEASE)
    assert held is not None
    async with factory() as s, s.begin():
        assert await work_store.claim_key(s, jobs.key(first), DEADLINE, LEASE) is None  # held
        # Discord failed: back to pending
        assert await work_store.release(s, held.id, held.claim_token, DEADLINE, "503")
    async with factory() as s, s.begin():
        again = await work_store.claim_key(s, jobs.key(first), DEADLINE, LEASE)
        assert again is not None
        await store.set_results_message(s, first, BIG)
        assert await work_store.finish(s, again.id, again.claim_token, "done", DEADLINE,
                                       result_id=BIG)  # fmt: skip
    async with factory() as s, s.begin():
        assert await work_store.claim_key(s, jobs.key(second), DEADLINE, LEASE) is not None
    later = DEADLINE + LEASE + timedelta(seconds=1)
    async with factory() as s, s.begin():
        (taken,) = await work_store.claim_due(s, later, kinds, LEASE)  # lease expired
        assert taken.key == jobs.key(second)
        assert await work_store.finish(s, taken.id, taken.claim_token, "done", later)
    async with factory() as s:
        assert await work_store.next_wake_at(s, kinds) is None
        assert await work_store.claim_due(s, later, kinds, LEASE) == []
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
        await store.delete_vote(s, older, jobs.key(older))
    async with factory() as s:
        assert [v.id for v in await store.votes_of(s, GUILD)] == [newer]
        assert await store.ballots_of(s, older) == []
        assert await work_store.get(s, jobs.key(older)) is None  # its closing went with it
        assert await work_store.get(s, jobs.key(newer)) is not None


async def test_a_vote_whose_post_failed_leaves_no_closing_behind(engine: AsyncEngine) -> None:
    """SQLite gives the next vote the id of a deleted last one: its closing must be
    planned, at its own deadline."""
    failed = await new_vote(engine)
    factory = session_factory(engine)
    async with factory() as s, s.begin():
        await store.delete_vote(s, failed, jobs.key(failed))
    reopened = await new_vote(engine, title="Again")  # asserts its closing was planned
    async with factory() as s:
        (item,) = await work_store.items(s, kind=jobs.KIND)
    assert (item.key, item.state, work_store.payload_of(item)) == (
        jobs.key(reopened), "pending", {"vote_id": reopened},
    )  # fmt: skip
