"""Cycles, phases and their announcements as work items, and themes, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.cycles import rules as calendar
from bot.kit.work import LEASE
from config.data import cycle_template
from storage import cycles, themes, work
from storage.database import session_factory
from storage.models import Theme, WorkItem
from tests.cycles.helpers import announcements_of

GUILD = 2**60
CREATED = datetime(2020, 10, 15, 12, 0, tzinfo=UTC)
KINDS = [cycles.ANNOUNCEMENT]
PREPARATION = datetime(2020, 11, 1, 8, 0, tzinfo=UTC)


def phases_2020() -> list[tuple[str, int, datetime, datetime]]:
    return [
        (p.key, p.position, p.starts_at, p.ends_at)
        for p in calendar.plan(cycle_template(), 2020, "Europe/Paris")
    ]


async def test_one_open_cycle_per_guild(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        first = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, phases_2020(), CREATED, 1)
    with pytest.raises(cycles.CycleConflict):
        async with sessions() as s, s.begin():
            await cycles.create_cycle(s, GUILD, "2021-2022", 2021, [], CREATED, 1)
    async with sessions() as s, s.begin():
        await cycles.close_cycle(s, first.id, CREATED + timedelta(days=1))
        second = await cycles.create_cycle(s, GUILD, "2021-2022", 2021, [], CREATED, 1)
        other_guild = await cycles.create_cycle(s, GUILD + 1, "2020-2021", 2020, [], CREATED, 1)
    async with sessions() as s:
        open_now = await cycles.open_cycle(s, GUILD)
        assert open_now is not None and open_now.id == second.id
        assert other_guild.id != second.id
        phases = await announcements_of(s, first.id)
    assert {p.state for p in phases.values()} == {"cancelled"}


async def phase_keys(s: AsyncSession, items: list[WorkItem]) -> list[str]:
    found = [await cycles.phase_and_cycle(s, work.payload_of(i)["phase_id"]) for i in items]
    return [pair[0].key for pair in found if pair is not None]


async def test_announcements_are_claimed_once(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, phases_2020(), CREATED, 1)
    async with sessions() as s, s.begin():
        assert await work.claim_due(s, CREATED, KINDS, LEASE) == []
    async with sessions() as s:
        assert await work.next_wake_at(s, KINDS) == PREPARATION
        preparation = await cycles.phase(s, cycle.id, "preparation")
        assert preparation is not None
        item = await cycles.announcement(s, preparation.id)
    assert item is not None
    assert (item.kind, item.key, item.guild_id, item.due_at, item.state) == (
        "phase_start", f"phase:{preparation.id}:{int(PREPARATION.timestamp())}", GUILD,
        PREPARATION, "pending",
    )  # fmt: skip
    assert work.payload_of(item) == {"phase_id": preparation.id}
    moment = datetime(2021, 1, 16, 12, 0, tzinfo=UTC)
    async with sessions() as s, s.begin():
        (claimed,) = await work.claim_due(s, moment, KINDS, LEASE, limit=1)
        assert await phase_keys(s, [claimed]) == ["preparation"]
    async with sessions() as s, s.begin():
        due = await phase_keys(s, await work.claim_due(s, moment, KINDS, LEASE))
    assert due == ["appropriation", "experiments"]  # preparation is not claimed twice
    # a claim held past its lease is taken over (its process died)
    later = moment + LEASE + timedelta(seconds=1)
    async with sessions() as s, s.begin():
        assert await work.claim_due(s, moment + LEASE / 2, KINDS, LEASE) == []
        taken = await work.claim_due(s, later, KINDS, LEASE)
        assert await phase_keys(s, taken) == ["preparation", "appropriation", "experiments"]
        assert await work.finish(s, taken[0].id, taken[0].claim_token, "done", later, result_id=99)
        for item in taken[1:]:
            await work.release(s, item.id, item.claim_token, later, "test")
    async with sessions() as s, s.begin():
        due = await phase_keys(s, await work.claim_due(s, later, KINDS, LEASE))
    assert due == ["appropriation", "experiments"]


async def test_phases_already_over_at_creation_are_skipped(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        cycle = await cycles.create_cycle(
            s, GUILD, "2020-2021", 2020, phases_2020(), datetime(2021, 2, 25, tzinfo=UTC), 1
        )
        states = {k: i.state for k, i in (await announcements_of(s, cycle.id)).items()}
    assert states["preparation"] == "skipped" and states["expertise"] == "skipped"
    assert states["formulation"] == "pending" and states["next_step"] == "pending"


async def test_a_moved_phase_moves_its_pending_announcement_and_never_repeats_one_made(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, phases_2020(), CREATED, 1)
        preparation = await cycles.phase(s, cycle.id, "preparation")
        emergence = await cycles.phase(s, cycle.id, "emergence")
        assert preparation is not None and emergence is not None
    later = PREPARATION + timedelta(days=4)
    async with sessions() as s, s.begin():
        await cycles.move_phase(s, preparation.id, later, preparation.ends_at)
    async with sessions() as s:
        assert await work.next_wake_at(s, KINDS) == later
    # there and back again: still one announcement, due at the start it has now
    async with sessions() as s, s.begin():
        await cycles.move_phase(s, preparation.id, PREPARATION, preparation.ends_at)
    async with sessions() as s, s.begin():
        (item,) = await work.items(s, prefix=cycles.announcements_of(preparation.id))
        assert (item.due_at, item.next_at, item.state) == (PREPARATION, PREPARATION, "pending")
        (claimed,) = await work.claim_due(s, PREPARATION, KINDS, LEASE)
        await work.finish(s, claimed.id, claimed.claim_token, "done", PREPARATION, result_id=5)
    # announced, then moved into the future: announced once, as before the engine
    async with sessions() as s, s.begin():
        await cycles.move_phase(s, preparation.id, later, preparation.ends_at)
    async with sessions() as s:
        (item,) = await work.items(s, prefix=cycles.announcements_of(preparation.id))
        assert (item.due_at, item.state, item.result_id) == (PREPARATION, "done", 5)
        assert await work.next_wake_at(s, KINDS) == datetime(2021, 1, 1, 8, 0, tzinfo=UTC)


async def test_closing_cancels_the_announcements_not_made_and_keeps_those_made(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, phases_2020(), CREATED, 1)
        other = await cycles.create_cycle(
            s, GUILD + 1, "2020-2021", 2020, phases_2020(), CREATED, 1
        )
        (claimed,) = await work.claim_due(s, PREPARATION, KINDS, LEASE, limit=1)
        await work.finish(s, claimed.id, claimed.claim_token, "done", PREPARATION, result_id=5)
        await cycles.close_cycle(s, cycle.id, PREPARATION + timedelta(days=1))
    async with sessions() as s:
        closed = await announcements_of(s, cycle.id)
        untouched = await announcements_of(s, other.id)
    done = [k for k, i in closed.items() if i.state == "done"]
    assert len(done) == 1 and closed[done[0]].result_id == 5
    assert {i.state for k, i in closed.items() if k != done[0]} == {"cancelled"}
    assert {i.note for k, i in closed.items() if k != done[0]} == {"cycle closed"}
    assert {i.state for i in untouched.values()} == {"pending"}


async def test_theme_titles_are_unique_per_cycle_case_insensitively(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, [], CREATED, 1)
        theme = await themes.add(
            s,
            Theme(
                guild_id=GUILD,
                cycle_id=cycle.id,
                title="Égalité de genre",
                emoji="1️⃣",
                created_at=CREATED,
                updated_at=CREATED,
            ),
        )
    with pytest.raises(themes.DuplicateTheme):
        async with sessions() as s, s.begin():
            await themes.add(
                s,
                Theme(
                    guild_id=GUILD,
                    cycle_id=cycle.id,
                    title="égalité  DE genre",
                    emoji="2️⃣",
                    created_at=CREATED,
                    updated_at=CREATED,
                ),
            )
    async with sessions() as s, s.begin():
        await themes.record_objects(s, theme.id, CREATED, forum_id=2**63 - 5, role_id=7)
        found = await themes.find(s, cycle.id, " ÉGALITÉ DE GENRE")
        by_id = await themes.find(s, cycle.id, f"#{theme.id}")
    assert found is not None and found.forum_id == 2**63 - 5 and found.role_id == 7
    assert by_id is not None and by_id.id == theme.id
    with pytest.raises(ValueError, match="not a Discord object"):
        async with sessions() as s, s.begin():
            await themes.record_objects(s, theme.id, CREATED, title="x")  # type: ignore[arg-type]


async def test_the_next_cycle_and_its_themes_come_in_the_transaction_closing_the_open_one(
    engine: AsyncEngine,
) -> None:
    """As /cycle create from_vote does it: one unit of work, on both databases (the one-open
    index is checked per statement, so the close comes first and the insert passes)."""
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        first = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, phases_2020(), CREATED, 1)
        old = await themes.add(s, Theme(guild_id=GUILD, cycle_id=first.id, title="Égalité",
                                        emoji="1️⃣", created_at=CREATED, updated_at=CREATED))  # fmt: skip
    later = CREATED + timedelta(days=250)
    async with sessions() as s, s.begin():
        await cycles.close_cycle(s, first.id, later)
        second = await cycles.create_cycle(s, GUILD, "2021-2022", 2021, [], later, 1)
        await themes.add(s, Theme(guild_id=GUILD, cycle_id=second.id, title="Égalité",
                                  emoji="1️⃣", prolonged=True, prolonged_from=old.id,
                                  created_at=later, updated_at=later))  # fmt: skip
    async with sessions() as s:
        current = await cycles.open_cycle(s, GUILD)
        assert current is not None and current.id == second.id
        (carried,) = await themes.themes_of(s, second.id)
    assert (carried.prolonged_from, carried.title_key) == (old.id, "égalité")


async def test_the_cycle_a_next_one_follows_is_the_open_one_else_the_last_made(
    engine: AsyncEngine,
) -> None:
    sessions = session_factory(engine)
    async with sessions() as s:
        assert await cycles.latest_cycle(s, GUILD) is None
    later = CREATED + timedelta(days=10)
    async with sessions() as s, s.begin():
        closed = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, [], later, 1)
        await cycles.close_cycle(s, closed.id, later)
    async with sessions() as s:
        assert (await cycles.latest_cycle(s, GUILD)).id == closed.id  # type: ignore[union-attr]
    async with sessions() as s, s.begin():  # open, though recorded as made before
        running = await cycles.create_cycle(s, GUILD, "2019-2020", 2019, [], CREATED, 1)
    async with sessions() as s:
        assert (await cycles.latest_cycle(s, GUILD)).id == running.id  # type: ignore[union-attr]
