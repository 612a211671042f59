"""A cycle with two themes, 37 members with profiles and their interest votes, seeded
directly in the database (the interest poll has its own tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage import cycles, interest, themes
from storage import groups as store
from storage.database import session_factory
from storage.interest import VoteChange
from storage.models import InterestPoll, Theme, WorkGroup
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member, Role

NOW = datetime(2020, 11, 20, 10, 0, tzinfo=UTC)
VIEW, SEND, HISTORY = 1 << 10, 1 << 11, 1 << 16
CREATION_ROUTES = [
    ("POST", r"/guilds/\d+/roles$"),
    ("POST", r"/guilds/\d+/channels$"),
    ("POST", r"/channels/\d+/messages$"),
    ("PUT", r"/channels/\d+/(messages/)?pins/\d+$"),
]
# label: (how many, office, mode, volunteers as {index: (facilitate, take_notes)})
PEOPLE_A: dict[str, tuple[int, str | None, str | None, dict[int, tuple[bool, bool]]]] = {
    "paris": (14, "Paris", "in_person", {0: (True, False), 1: (True, False), 2: (False, True), 3: (False, True)}),
    "rennes": (5, "Rennes", "in_person", {0: (True, True), 1: (False, True)}),
    "lyon": (3, "Lyon", "in_person", {}),
    "grenoble": (2, "Grenoble", "in_person", {0: (True, False)}),
    "online": (6, "Paris", "online", {0: (True, False), 1: (False, True)}),
    "marseille": (1, "Marseille", "in_person", {}),
    "noprofile": (1, None, None, {}),
}  # fmt: skip


@dataclass
class World:
    organisers: Role
    societaires: Role
    theme_a: Theme
    theme_b: Theme
    people: dict[str, list[Member]] = field(default_factory=dict)

    @property
    def x(self) -> Member:
        """Votes for both themes; placed in B first, so over the cap for A."""
        return self.people["x"][0]

    def voters_a(self) -> list[Member]:
        return [m for label, ms in self.people.items() if label != "b_only" for m in ms]


def creations(fake: FakeDiscord) -> list[int]:
    return [fake.count(method, path) for method, path in CREATION_ROUTES]


async def make_world(
    fake: FakeDiscord, clock: MovableClock, engine: AsyncEngine, join: str = "direct"
) -> World:
    """`join`: how placed members join their group (the tests written before invitations
    existed describe the direct way; tests/groups/test_invitations*.py take "consent",
    the servers' default)."""
    clock.set(datetime(2020, 10, 15, 10, 0, tzinfo=UTC))
    organisers = fake.add_role("Pôle vie coopérative")
    societaires = fake.add_role("Sociétaires")
    options = {"organiser": organisers, "member": societaires}
    await fake.slash("setup roles", user=fake.owner, options=options)
    if join != "consent":
        res = await fake.slash("setup defaults", user=fake.owner, options={"group_join": join})
        assert res.content and "directe" in res.content, res.content
    await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"})
    for title in ("Accompagnement", "Horizon post-crise"):
        res = await fake.slash(
            "theme add", user=fake.owner, options={"title": title, "description": f"{title}."}
        )
        assert res.content and res.content.startswith("Thématique"), res.content
    clock.set(NOW)
    async with session_factory(engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None
        theme_a, theme_b = await themes.themes_of(db, cycle.id)
    world = World(organisers, societaires, theme_a, theme_b)
    for label, (count, *_rest) in PEOPLE_A.items():
        world.people[label] = [
            fake.add_member(f"{label}{i}", roles=[societaires]) for i in range(count)
        ]
    world.people["x"] = [fake.add_member("xavier", roles=[societaires])]
    world.people["b_only"] = [fake.add_member(f"b{i}", roles=[societaires]) for i in range(4)]
    await seed_votes(engine, fake.guild.id, cycle.id, world)
    return world


async def seed_votes(engine: AsyncEngine, guild_id: int, cycle_id: int, world: World) -> None:
    a, b = world.theme_a.id, world.theme_b.id
    async with session_factory(engine)() as s, s.begin():
        poll = await interest.create_poll(
            s,
            InterestPoll(
                guild_id=guild_id, cycle_id=cycle_id, channel_id=1, message_id=2,
                deadline=NOW - timedelta(days=1), status="closed",
                created_at=NOW - timedelta(days=10),
            ),
            [(a, "1️⃣"), (b, "2️⃣")],
        )  # fmt: skip
        votes = [VoteChange(m.id, a, True) for m in world.voters_a()]
        votes += [VoteChange(m.id, b, True) for m in world.people["x"] + world.people["b_only"]]
        await interest.apply_votes(s, poll.id, votes, NOW)
        for label, (_count, office, mode, volunteers) in PEOPLE_A.items():
            for index, member in enumerate(world.people[label]):
                if office is None:
                    continue
                facilitate, take_notes = volunteers.get(index, (False, False))
                await interest.save_profile(
                    s, guild_id, member.id, NOW, office=office, mode=mode,
                    facilitate=facilitate, take_notes=take_notes,
                )  # fmt: skip
        for member in world.people["x"] + world.people["b_only"]:
            await interest.save_profile(
                s, guild_id, member.id, NOW, office="Bruxelles", mode="online"
            )


async def stored_groups(engine: AsyncEngine, theme_id: int) -> list[tuple[WorkGroup, list[int]]]:
    async with session_factory(engine)() as db:
        rows = await store.groups_of_theme(db, theme_id)
        members = await store.members_of(db, [r.id for r in rows])
    return [(row, members[row.id]) for row in rows]


async def propose(fake: FakeDiscord, theme: Theme, **options: Any) -> Any:
    res = await fake.slash(
        "groups propose", user=fake.owner, options={"theme": f"#{theme.id}", **options}
    )
    assert res.ephemeral, res
    return res


async def publish(fake: FakeDiscord, theme: Theme, locale: str = "fr") -> Any:
    return await fake.slash(
        "groups publish", user=fake.owner, options={"theme": f"#{theme.id}"}, locale=locale
    )


def remove_role(fake: FakeDiscord, role_id: int) -> None:
    """An organiser deletes a role by hand."""
    del fake.guild.roles[role_id]
    for member in fake.guild.members.values():
        if role_id in member.roles:
            member.roles.remove(role_id)
    fake.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(fake.guild.id), "role_id": str(role_id)})


def holders(fake: FakeDiscord, role_id: int) -> set[int]:
    return {m.id for m in fake.guild.members.values() if role_id in m.roles}


def named(stored: list[tuple[WorkGroup, list[int]]], name: str) -> tuple[WorkGroup, list[int]]:
    return next((g, m) for g, m in stored if g.name == name)
