"""A published working group to run sessions in, without going through composition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, themes
from storage.database import session_factory
from storage.models import GroupMember, WorkGroup
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Member, Role

# Discord refuses events in the past (by the wall clock), so the story happens ahead.
NOW = datetime(2027, 1, 10, 10, 0, tzinfo=UTC)


@dataclass
class Group:
    id: int
    channel: Channel
    role: Role
    facilitator: Member
    secretary: Member
    members: list[Member]


async def published_group(
    fake: FakeDiscord,
    engine: AsyncEngine,
    clock: MovableClock,
    size: int = 6,
    name: str = "Ouest – Rennes",
    join: str = "direct",
) -> Group:
    """`join`: how members join a group on this server (`/setup defaults group_join`); the
    group's members are in it either way, like members who accepted their invitation."""
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    res = await fake.slash("cycle create", user=fake.owner, options={"name": "2026-2027"})
    assert res.content and "2026-2027" in res.content, res.content
    if join != "consent":
        res = await fake.slash("setup defaults", user=fake.owner, options={"group_join": join})
        assert res.content and "directe" in res.content, res.content
    res = await fake.slash(
        "theme add",
        user=fake.owner,
        options={"title": "Accompagnement", "description": "Comment on s'accompagne."},
    )
    assert res.content and res.content.startswith("Thématique"), res.content
    clock.set(NOW)
    channel = fake.add_text_channel(name.lower().replace(" – ", "-"))
    role = fake.add_role(name)
    people = [fake.add_member(f"{name[:5]}-{i}", roles=[role]) for i in range(size)]
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None
        (theme,) = await themes.themes_of(db, cycle.id)
        group = WorkGroup(
            guild_id=fake.guild.id, cycle_id=cycle.id, theme_id=theme.id, name=name, mode="in_person",
            office="Rennes", region="Ouest", status="published", facilitator_id=people[0].id,
            secretary_id=people[1].id, channel_id=channel.id, role_id=role.id, created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        db.add(group)
        await db.flush()
        for person in people:
            db.add(GroupMember(group_id=group.id, member_id=person.id, added_at=NOW))
    return Group(group.id, channel, role, people[0], people[1], people)
