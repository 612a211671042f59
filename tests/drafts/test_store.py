"""Drafts, versions, endorsements and syntheses on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, themes
from storage import drafts as store
from storage import synthesis as syntheses
from storage.database import session_factory
from storage.drafts import EndorsementChange
from storage.models import Draft, Theme, WorkGroup

GUILD = 2**61
NOW = datetime(2021, 2, 1, 10, 0, tzinfo=UTC)
BIG = 2**63 - 11  # snowflakes use 64 bits


async def a_draft(engine: AsyncEngine) -> Draft:
    async with session_factory(engine)() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, [], NOW, 1)
        theme = await themes.add(s, Theme(guild_id=GUILD, cycle_id=cycle.id, title="A", emoji="1️⃣",
                                          created_at=NOW, updated_at=NOW))  # fmt: skip
        group = WorkGroup(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, name="G",
                          mode="online", created_at=NOW, updated_at=NOW)  # fmt: skip
        s.add(group)
        await s.flush()
        draft = Draft(guild_id=GUILD, cycle_id=cycle.id, theme_id=theme.id, group_id=group.id,
                      title="Une idée", created_at=NOW, updated_at=NOW)  # fmt: skip
        return await store.create(s, draft, "v1 " * 3000, BIG)


async def test_versions_grow_only_from_the_version_read(engine: AsyncEngine) -> None:
    draft = await a_draft(engine)
    async with session_factory(engine)() as s, s.begin():
        assert await store.add_version(s, draft.id, 1, "v2", BIG - 1, NOW + timedelta(hours=1)) == 2
        assert await store.add_version(s, draft.id, 1, "late", BIG - 2, NOW) is None
        await store.record_post(s, draft.id, BIG, [BIG - 5, BIG - 4], NOW)
    async with session_factory(engine)() as s:
        found = await store.get(s, draft.id)
        assert found is not None and found.version == 2 and found.thread_id == BIG
        assert store.message_ids(found.extra_message_ids) == [BIG - 5, BIG - 4]
        versions = await store.versions(s, draft.id)
        assert [(v.number, v.author_id) for v in versions] == [(1, BIG), (2, BIG - 1)]
        assert len(versions[0].text) == 9000  # stored whole
        assert await store.latest_texts(s, [found]) == {draft.id: "v2"}
        assert await store.find(s, draft.cycle_id, "une IDÉE".replace("É", "é")) is not None
        assert await store.find(s, draft.cycle_id, f"#{draft.id}") is not None
        assert await store.unfinished_with_posts(s) == [found]


async def test_status_moves_only_from_the_status_read(engine: AsyncEngine) -> None:
    draft = await a_draft(engine)
    async with session_factory(engine)() as s, s.begin():
        assert await store.move(s, draft.id, "draft", "open", NOW)
        assert not await store.move(s, draft.id, "draft", "withdrawn", NOW)
        assert await store.move(s, draft.id, "open", "withdrawn", NOW)
    async with session_factory(engine)() as s:
        assert await store.unfinished_with_posts(s) == []


async def test_endorsements_are_one_per_member_and_replaced_from_reactions(
    engine: AsyncEngine,
) -> None:
    draft = await a_draft(engine)
    draft_id = draft.id
    changes = [EndorsementChange(draft_id, BIG - i, True) for i in range(600)]
    changes += [
        EndorsementChange(draft_id, BIG - 1, True),
        EndorsementChange(draft_id, BIG - 2, False),
    ]
    async with session_factory(engine)() as s, s.begin():
        await store.apply_endorsements(s, changes, NOW)
        await store.apply_endorsements(s, changes[3:10], NOW)  # again: still once each
    async with session_factory(engine)() as s, s.begin():
        assert await store.endorsement_counts(s, [draft_id, 999]) == {draft_id: 599, 999: 0}
        added, removed = await store.replace_endorsements(s, draft_id, {BIG, BIG - 2, 7}, NOW)
        assert (added, removed) == (2, 598)
        assert await store.endorsers(s, draft_id) == {BIG, BIG - 2, 7}


async def test_a_synthesis_is_made_once_per_theme_and_remembers_its_drafts(
    engine: AsyncEngine,
) -> None:
    draft = await a_draft(engine)
    async with session_factory(engine)() as s, s.begin():
        first = await syntheses.ensure(s, GUILD, draft.cycle_id, draft.theme_id, BIG, NOW)
        again = await syntheses.ensure(s, GUILD, draft.cycle_id, draft.theme_id, 3, NOW)
        assert first.id == again.id
        await syntheses.record(s, first.id, BIG, [BIG - 1], BIG, NOW)
        await syntheses.set_drafts(s, first.id, [(draft.id, 1)])
        await syntheses.set_drafts(s, first.id, [(draft.id, 2)])
    async with session_factory(engine)() as s:
        assert await syntheses.drafts_of(s, first.id) == {draft.id: 2}
        (found,) = await syntheses.of_cycle(s, draft.cycle_id)
        assert found.thread_id == BIG and found.extra_message_ids == str(BIG - 1)
