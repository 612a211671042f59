"""`/groups`: what is refused (bad input, no poll yet, Discord's limits, missing
permissions) changes nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.groups.helpers import (
    creations,
    make_world,
    propose,
    publish,
    stored_groups,
)

MENTION = re.compile(r"<@(\d+)>")
MEMBER_ROLE_GRANTS = r"/guilds/\d+/members/\d+/roles/\d+$"


async def test_bad_input_is_refused_and_changes_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await fake.slash("theme add", options={"title": "Égalité de genre", "description": "x"})
    member = world.people["paris"][5]
    a = f"#{world.theme_a.id}"
    fake.clear_requests()
    await expect_refusals(fake, [
        (member, "groups propose", {"theme": a},
         f"This command is for organisers: you need the <@&{world.organisers.id}> role"),
        (fake.owner, "groups propose", {"theme": "Inconnue"},
         "There is no theme “Inconnue” in this cycle. Pick one from the list."),
        (fake.owner, "groups propose", {"theme": a, "min_size": 8, "max_size": 6},
         "The smallest group size (8) must be at least 1 and no larger than the largest (6)."),
        (fake.owner, "groups propose", {"theme": "Égalité de genre"},
         "Nobody voted for **Égalité de genre** in the interest poll"),
        (fake.owner, "groups publish", {"theme": a},
         "No groups are proposed for **Accompagnement** yet. Run /groups propose first"),
        (fake.owner, "groups move", {"member": member, "group": "#999"},
         "There is no group “999” in this cycle. Pick one from the list."),
    ])  # fmt: skip
    assert await stored_groups(sqlite_engine, world.theme_a.id) == []
    await propose(fake, world.theme_b)
    await propose(fake, world.theme_a)
    before = await stored_groups(sqlite_engine, world.theme_a.id)
    visio, rennes = f"#{before[4][0].id}", f"#{before[1][0].id}"
    own = fake.guild.members[before[1][1][0]]
    stranger = world.people["b_only"][0]
    fake.clear_requests()
    await expect_refusals(fake, [
        (fake.owner, "groups move", {"member": world.x, "group": visio},
         f"<@{world.x.id}> is already in as many groups of other themes as a member may join."),
        (fake.owner, "groups move", {"member": stranger, "group": visio},
         f"<@{stranger.id}> did not vote for this theme and is in none of its groups."),
        (fake.owner, "groups move", {"member": own, "group": rennes},
         f"<@{own.id}> is already in the group Ouest – Rennes."),
    ])  # fmt: skip
    after = await stored_groups(sqlite_engine, world.theme_a.id)
    assert [(g.id, g.facilitator_id, m) for g, m in after] == [
        (g.id, g.facilitator_id, m) for g, m in before
    ]
    assert creations(fake) == [0, 0, 0, 0]


async def expect_refusals(
    fake: FakeDiscord, cases: list[tuple[Any, str, dict[str, Any], str]]
) -> None:
    for user, command, options, expected in cases:
        res = await fake.slash(command, user=user, options=options, locale="en-US")
        assert res.ephemeral and (res.content or "").startswith(expected), (command, res.content)


async def test_proposing_before_any_interest_poll_is_refused(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    clock.set(datetime(2020, 10, 15, 10, 0, tzinfo=UTC))
    await fake.slash("cycle create", options={"name": "2020-2021"})
    await fake.slash("theme add", options={"title": "Accompagnement", "description": "x"})
    res = await fake.slash("groups propose", options={"theme": "Accompagnement"}, locale="en-US")
    assert res.content == (
        "No interest poll in this cycle yet, so nobody has said which themes interest them. "
        "Open one with /interest open, then propose groups."
    )


async def test_limits_and_permissions_are_checked_before_creating_anything(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_a)
    fake.bot_permissions = fake.bot_permissions & ~(1 << 28)  # Manage Roles
    await fake.wait_for(
        lambda: not bot.guilds[0].me.guild_permissions.manage_roles, what="Manage Roles lost"
    )
    fake.clear_requests()
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content == (
        "I cannot create the groups' channels and roles: missing manage_roles. "
        "Run /setup check to see how to fix it."
    )
    fake.bot_permissions = fake.bot_permissions | (1 << 28)
    category = world.theme_a.category_id
    for n in range(44):
        fake.add_text_channel(f"salon-{n}", parent_id=category)
    await fake.wait_for(
        lambda: (
            len(bot.guilds[0].get_channel(category or 0).channels) == 46  # type: ignore[union-attr]
            and bot.guilds[0].me.guild_permissions.manage_roles
        ),
        what="the bot to see the full category",
    )
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content == (
        "The theme's category already holds 46 channels; these groups need 5 more and Discord "
        "allows 50 per category. Merge some groups with /groups move or make room first."
    )
    assert creations(fake) == [0, 0, 0, 0]
    assert {g.status for g, _ in await stored_groups(sqlite_engine, world.theme_a.id)} == {
        "proposed"
    }
