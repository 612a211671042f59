"""Working groups and their members on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, themes
from storage import groups as store
from storage.database import session_factory
from storage.models import Theme, WorkGroup

GUILD = 2**59
NOW = datetime(2020, 12, 1, 10, 0, tzinfo=UTC)
BIG = 2**63 - 3  # member ids are 64-bit snowflakes


async def cycle_with_themes(engine: AsyncEngine, titles: list[str]) -> tuple[int, list[int]]:
    async with session_factory(engine)() as s, s.begin():
        cycle = await cycles.create_cycle(s, GUILD, "2020-2021", 2020, [], NOW, 1)
        ids = []
        for n, title in enumerate(titles):
            theme = Theme(
                guild_id=GUILD,
                cycle_id=cycle.id,
                title=title,
                emoji=f"{n + 1}️⃣",
                created_at=NOW,
                updated_at=NOW,
            )
            ids.append((await themes.add(s, theme)).id or 0)
    return cycle.id, ids


def draft(cycle_id: int, name: str, **fields: object) -> WorkGroup:
    return WorkGroup(
        guild_id=GUILD,
        cycle_id=cycle_id,
        theme_id=0,
        name=name,
        mode=str(fields.pop("mode", "in_person")),
        created_at=NOW,
        updated_at=NOW,
        **fields,
    )


async def test_a_new_proposal_replaces_the_unpublished_one(engine: AsyncEngine) -> None:
    cycle_id, (theme_a, theme_b) = await cycle_with_themes(engine, ["A", "B"])
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        first = await store.replace_proposal(
            s,
            theme_a,
            [
                (draft(cycle_id, "Ouest – Rennes", office="Rennes", region="Ouest"), [1, 2, BIG]),
                (draft(cycle_id, "100% visio 1", mode="online"), [4, 5]),
            ],
            NOW,
        )
        await store.replace_proposal(s, theme_b, [(draft(cycle_id, "Ouest"), [1, 9])], NOW)
    assert [g.position for g in first] == [0, 1]
    async with sessions() as s, s.begin():
        second = await store.replace_proposal(
            s, theme_a, [(draft(cycle_id, "100% visio 1", mode="online"), [2, 4, 5, 6])], NOW
        )
    async with sessions() as s:
        stored = await store.groups_of_theme(s, theme_a)
        members = await store.members_of(s, [g.id for g in stored])
        counts = await store.count_by_theme(s, cycle_id)
        other_themes = await store.placed_themes(s, cycle_id, except_theme=theme_a)
        everywhere = await store.placed_themes(s, cycle_id)
        of_two = await store.groups_of_member(s, cycle_id, 2)
    assert [(g.name, g.mode) for g in stored] == [("100% visio 1", "online")]
    assert members == {second[0].id: [2, 4, 5, 6]}
    assert counts == {theme_a: 1, theme_b: 1}
    assert other_themes == {1: frozenset({theme_b}), 9: frozenset({theme_b})}
    assert everywhere == {
        1: frozenset({theme_b}), 2: frozenset({theme_a}), 4: frozenset({theme_a}),
        5: frozenset({theme_a}), 6: frozenset({theme_a}), 9: frozenset({theme_b}),
    }  # fmt: skip
    assert [g.name for g in of_two] == ["100% visio 1"]


async def test_published_groups_are_never_replaced(engine: AsyncEngine) -> None:
    cycle_id, (theme,) = await cycle_with_themes(engine, ["A"])
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        (group,) = await store.replace_proposal(s, theme, [(draft(cycle_id, "Lyon"), [1])], NOW)
        await store.record_objects(s, group.id, NOW, channel_id=BIG, role_id=BIG - 1)
        await store.mark_published(s, group.id, NOW)
    with pytest.raises(store.AlreadyPublished):
        async with sessions() as s, s.begin():
            await store.replace_proposal(s, theme, [(draft(cycle_id, "Lyon 2"), [1])], NOW)
    async with sessions() as s:
        found = await store.by_channel(s, BIG)
    assert found is not None and found.status == "published" and found.role_id == BIG - 1
    with pytest.raises(ValueError, match="not a Discord object"):
        async with sessions() as s, s.begin():
            await store.record_objects(s, group.id, NOW, name="x")  # type: ignore[arg-type]


async def test_find_by_id_or_by_a_name_only_one_group_has(engine: AsyncEngine) -> None:
    cycle_id, (theme_a, theme_b) = await cycle_with_themes(engine, ["A", "B"])
    sessions = session_factory(engine)
    async with sessions() as s, s.begin():
        (visio_a, rennes) = await store.replace_proposal(
            s, theme_a, [(draft(cycle_id, "100% visio 1"), [1]), (draft(cycle_id, "Rennes"), [2])],
            NOW,
        )  # fmt: skip
        await store.replace_proposal(s, theme_b, [(draft(cycle_id, "100% visio 1"), [3])], NOW)
        other = await cycles.create_cycle(s, GUILD + 1, "2020-2021", 2020, [], NOW, 1)
    async with sessions() as s:
        assert (await store.find(s, cycle_id, f"#{visio_a.id}")) is not None
        assert await store.find(s, other.id, f"#{visio_a.id}") is None
        assert await store.find(s, cycle_id, "100% VISIO 1") is None  # two themes have it
        by_name = await store.find(s, cycle_id, " rennes ")
        assert by_name is not None and by_name.id == rennes.id
        assert await store.find(s, cycle_id, "#999999") is None


async def test_members_roles_and_grants(engine: AsyncEngine) -> None:
    cycle_id, (theme,) = await cycle_with_themes(engine, ["A"])
    sessions = session_factory(engine)
    later = NOW + timedelta(days=1)
    async with sessions() as s, s.begin():
        (group,) = await store.replace_proposal(s, theme, [(draft(cycle_id, "G"), [1, 2])], NOW)
        assert await store.add_members(s, group.id, [2, 3], "invite", later) == 1
        assert await store.remove_member(s, group.id, 1) is True
        assert await store.remove_member(s, group.id, 1) is False
        await store.set_roles(s, group.id, 2, 3, later)
        await store.set_granted(s, group.id, None, True)
        await store.set_granted(s, group.id, [3], False)
        await store.set_granted(s, group.id, [], False)  # nothing to do, no error
    async with sessions() as s:
        rows = await store.rows_of(s, group.id)
        stored = await store.get(s, group.id)
    assert [(r.member_id, r.source, r.role_granted) for r in rows] == [
        (2, "proposal", True),
        (3, "invite", False),
    ]
    assert stored is not None and (stored.facilitator_id, stored.secretary_id) == (2, 3)
    assert stored.updated_at == later
    async with sessions() as s, s.begin():
        await store.delete_groups(s, [group.id])
        await store.delete_groups(s, [])
    async with sessions() as s:
        assert await store.groups_of_cycle(s, cycle_id) == []
        assert await store.members_of(s, [group.id]) == {group.id: []}
        assert await store.members_of(s, []) == {}
