"""Interest votes and profiles on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, interest, themes
from storage.database import session_factory
from storage.interest import VoteChange
from storage.models import InterestPoll, InterestVote, Theme

GUILD = 2**61
NOW = datetime(2020, 11, 2, 10, 0, tzinfo=UTC)
BIG = 2**63 - 11  # snowflakes use 64 bits


async def poll_with_themes(engine: AsyncEngine) -> tuple[int, list[int]]:
    async with session_factory(engine)() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, [], NOW, 1)
        ids = []
        for n, title in enumerate(["A", "B", "C"]):
            theme = await themes.add(
                s,
                Theme(
                    guild_id=GUILD,
                    cycle_id=cycle.id,
                    title=title,
                    emoji=f"{n + 1}️⃣",
                    created_at=NOW,
                    updated_at=NOW,
                ),
            )
            ids.append(theme.id)
        poll = await interest.create_poll(
            s,
            InterestPoll(
                guild_id=GUILD,
                cycle_id=cycle.id,
                channel_id=5,
                message_id=BIG,
                deadline=NOW + timedelta(days=7),
                created_at=NOW,
            ),
            [(t, f"{n + 1}️⃣") for n, t in enumerate(ids)],
        )
        with pytest.raises(interest.PollConflict):
            async with s.begin_nested():
                await interest.create_poll(
                    s,
                    InterestPoll(
                        guild_id=GUILD,
                        cycle_id=cycle.id,
                        channel_id=5,
                        deadline=NOW,
                        created_at=NOW,
                    ),
                    [],
                )
    return poll.id, ids


async def test_votes_batches_apply_in_order(engine: AsyncEngine) -> None:
    poll_id, (a, b, c) = await poll_with_themes(engine)
    sessions = session_factory(engine)
    changes = [
        VoteChange(BIG, a, True),
        VoteChange(BIG, b, True),
        VoteChange(BIG, a, False),  # changed their mind in the same batch
        VoteChange(7, c, True),
        VoteChange(7, c, True),  # duplicate event
        VoteChange(8, b, False),  # removal of a vote never stored
    ]
    async with sessions() as s, s.begin():
        await interest.apply_votes(s, poll_id, changes, NOW)
    async with sessions() as s, s.begin():
        await interest.apply_votes(
            s, poll_id, [VoteChange(BIG, a, True), VoteChange(7, c, True)], NOW
        )
    async with sessions() as s:
        assert await interest.votes_of(s, poll_id) == {BIG: {a, b}, 7: {c}}
        stored = (await s.execute(select(InterestVote).order_by(InterestVote.id))).scalars().all()
    # each vote stored once, with its poll and the time of its batch, read back aware
    assert [(v.poll_id, v.member_id, v.theme_id) for v in stored] == [
        (poll_id, BIG, b), (poll_id, 7, c), (poll_id, BIG, a)
    ]  # fmt: skip
    assert {v.created_at for v in stored} == {NOW}


async def test_replace_votes_makes_storage_equal_to_reactions(engine: AsyncEngine) -> None:
    poll_id, (a, b, c) = await poll_with_themes(engine)
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        await interest.apply_votes(
            s, poll_id, [VoteChange(1, a, True), VoteChange(2, b, True)], NOW
        )
    actual = {1: {a, c}, 3: {b}}
    async with sessions() as s, s.begin():
        assert await interest.replace_votes(s, poll_id, actual, NOW) == (2, 1)
    async with sessions() as s, s.begin():
        assert await interest.replace_votes(s, poll_id, actual, NOW) == (0, 0)
    async with sessions() as s:
        assert await interest.votes_of(s, poll_id) == actual


async def test_a_poll_is_closed_once_and_keeps_its_first_closing_time(
    engine: AsyncEngine,
) -> None:
    poll_id, _ids = await poll_with_themes(engine)
    sessions = session_factory(engine)
    later = NOW + timedelta(days=8)
    async with sessions() as s, s.begin():
        assert await interest.mark_closed(s, poll_id, later) is True
        assert await interest.mark_closed(s, poll_id, later + timedelta(hours=1)) is False
        await interest.set_results_message(s, poll_id, BIG)
    async with sessions() as s:
        assert await interest.open_polls(s) == []
        poll = await interest.get_poll(s, poll_id)
    assert poll is not None
    assert (poll.status, poll.closed_at, poll.results_message_id) == ("closed", later, BIG)


async def test_profiles_and_notices(engine: AsyncEngine) -> None:
    poll_id, _ids = await poll_with_themes(engine)
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        await interest.save_profile(s, GUILD, BIG, NOW, office="Liège")
        saved = await interest.save_profile(
            s, GUILD, BIG, NOW + timedelta(hours=1), mode="either", facilitate=True
        )
        assert await interest.remember_notice(s, poll_id, 42, NOW) is True
        assert await interest.remember_notice(s, poll_id, 42, NOW) is False
    assert (saved.office, saved.mode, saved.facilitate, saved.take_notes) == (
        "Liège",
        "either",
        True,
        False,
    )
    assert saved.updated_at == NOW + timedelta(hours=1)
    with pytest.raises(ValueError, match="not a profile field"):
        async with sessions() as s, s.begin():
            await interest.save_profile(s, GUILD, BIG, NOW, colour="red")
    async with sessions() as s:
        assert list(await interest.profiles(s, GUILD)) == [BIG]
