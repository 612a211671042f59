"""Cycles, phases as an outbox, and themes on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cycles import rules as calendar
from config.data import cycle_template
from storage import cycles, themes
from storage.database import session_factory
from storage.models import Theme

GUILD = 2**60
CREATED = datetime(2020, 10, 15, 12, 0, tzinfo=UTC)


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
        phases = await cycles.phases_of(s, first.id)
    assert {p.announce_state for p in phases} == {"cancelled"}


async def test_announcements_are_claimed_once(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, phases_2020(), CREATED, 1)
    async with sessions() as s:
        assert await cycles.due_announcements(s, CREATED) == []
        first_start = await cycles.next_announcement_at(s)
    assert first_start == datetime(2020, 11, 1, 8, 0, tzinfo=UTC)
    moment = datetime(2021, 1, 16, 12, 0, tzinfo=UTC)
    async with sessions() as s:
        due = [p.key for p, _c in await cycles.due_announcements(s, moment)]
    assert due == ["preparation", "appropriation", "experiments"]
    async with sessions() as s, s.begin():
        phase = await cycles.phase(s, cycle.id, "preparation")
        assert phase is not None and phase.id is not None
        assert await cycles.claim_announcement(s, phase.id, moment) is True
        assert await cycles.claim_announcement(s, phase.id, moment) is False
    # a claim held past its lease is taken over (its process died)
    async with sessions() as s, s.begin():
        assert await cycles.claim_announcement(s, phase.id, moment + timedelta(seconds=30)) is False
        assert await cycles.claim_announcement(s, phase.id, moment + timedelta(minutes=2)) is True
        await cycles.finish_announcement(s, phase.id, "sent", moment, message_id=99)
    async with sessions() as s:
        due = [p.key for p, _c in await cycles.due_announcements(s, moment)]
        assert await cycles.next_announcement_at(s) == datetime(2021, 1, 1, 8, 0, tzinfo=UTC)
    assert due == ["appropriation", "experiments"]


async def test_phases_already_over_at_creation_are_skipped(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        cycle = await cycles.create_cycle(
            s, GUILD, "2020-2021", 2020, phases_2020(), datetime(2021, 2, 25, tzinfo=UTC), 1
        )
        states = {p.key: p.announce_state for p in await cycles.phases_of(s, cycle.id)}
    assert states["preparation"] == "skipped" and states["expertise"] == "skipped"
    assert states["formulation"] == "pending" and states["next_step"] == "pending"


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
