"""`/group roles`, `/group info` and `/group invite` through the fake Discord: who may
do what, in which channel, and what members see."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage.models import WorkGroup
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.groups.helpers import World, make_world, named, propose, publish, stored_groups

MENTION = re.compile(r"<@(\d+)>")


async def test_group_roles_info_and_invite(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_b)
    await propose(fake, world.theme_a)
    await publish(fake, world.theme_a)
    rennes, members = (await stored_groups(sqlite_engine, world.theme_a.id))[1]
    channel = fake.channel(rennes.channel_id or 0)
    outsider = world.people["paris"][5]
    lead, notes = fake.guild.members[members[3]], fake.guild.members[members[4]]
    await check_roles(fake, world, rennes, outsider, lead, notes, sqlite_engine)
    await check_info(fake, world, rennes, lead, outsider)
    await check_invite(fake, world, rennes, lead, members, sqlite_engine)
    assert channel is not None


async def check_roles(
    fake: FakeDiscord, world: World, rennes: WorkGroup, outsider: Any, lead: Any, notes: Any,
    engine: AsyncEngine,
) -> None:  # fmt: skip
    group = f"#{rennes.id}"
    res = await fake.slash(
        "group roles",
        options={"group": group, "facilitator": outsider, "secretary": notes},
        locale="en-US",
    )
    assert res.content == (
        f"<@{outsider.id}> is not in the group Ouest – Rennes. "
        "Add them first (/groups move or /group invite), then name them."
    )
    res = await fake.slash(
        "group roles",
        user=lead,
        options={"group": group, "facilitator": lead, "secretary": notes},
        locale="en-US",
    )
    assert res.content == (
        f"This command is for organisers: you need the <@&{world.organisers.id}> role "
        "or the Manage Server permission."
    )
    assert (await stored_groups(engine, rennes.theme_id))[1][
        0
    ].facilitator_id == rennes.facilitator_id
    res = await fake.slash(
        "group roles", options={"group": group, "facilitator": lead, "secretary": notes}
    )
    assert (
        res.content == f"Groupe Ouest – Rennes : animation <@{lead.id}>, secrétariat <@{notes.id}>."
    )
    updated = (await stored_groups(engine, rennes.theme_id))[1][0]
    assert (updated.facilitator_id, updated.secretary_id) == (lead.id, notes.id)
    assert fake.messages_in(rennes.channel_id)[-1].content == (
        f"📌 L'organisation a confié l'animation de ce groupe à <@{lead.id}> "
        f"et le secrétariat à <@{notes.id}>."
    )


async def check_info(
    fake: FakeDiscord, world: World, rennes: WorkGroup, lead: Any, outsider: Any
) -> None:
    res = await fake.slash("group info", user=lead, channel=rennes.channel_id, locale="en-US")
    (card,) = res.embeds
    assert res.ephemeral and card["title"] == "Ouest – Rennes"
    assert "Theme: 1️⃣ Accompagnement" in card["description"]
    assert f"Channel: <#{rennes.channel_id}>" in card["description"]
    res = await fake.slash("group info", user=world.x, locale="en-US")
    assert [e["title"] for e in res.embeds] == ["100% visio 1"]  # B's group, named in French
    assert "Proposed, not yet published." in res.embeds[0]["description"]
    res = await fake.slash(
        "group info", user=outsider, options={"group": f"#{rennes.id}"}, locale="en-US"
    )
    assert res.content == (
        "You are not in the group Ouest – Rennes: you can see your own groups, "
        "and organisers every group."
    )
    res = await fake.slash("group info", options={"group": f"#{rennes.id}"})
    assert res.embeds[0]["title"] == "Ouest – Rennes"
    newcomer = fake.add_member("nouvelle", roles=[world.societaires])
    res = await fake.slash("group info", user=newcomer, locale="en-US")
    assert res.content == "You are not in any working group of this cycle yet."
    mine = await fake.autocomplete("group info", focused="group", user=outsider)
    assert [c["name"] for c in mine] == ["Accompagnement › Île-de-France – Paris 1"]


async def check_invite(
    fake: FakeDiscord, world: World, rennes: WorkGroup, lead: Any, members: list[int],
    engine: AsyncEngine,
) -> None:  # fmt: skip
    here = rennes.channel_id
    plain = fake.guild.members[members[0]]
    robot = fake.add_member("robot", bot=True)
    newcomer = fake.add_member("nina", roles=[world.societaires])
    cases = [
        (lead, fake.default_channel.id, newcomer,
         "Use this command in the private channel of the group you want to invite someone to."),
        (plain, here, newcomer, f"Only this group's facilitator (<@{lead.id}>), its secretary"),
        (lead, here, robot, f"<@{robot.id}> is a bot: bots do not join working groups."),
        (lead, here, plain, f"<@{plain.id}> is already in the group Ouest – Rennes."),
        (lead, here, world.x,
         f"<@{world.x.id}> is already in 1 group(s) this cycle and a member may join 1."),
    ]  # fmt: skip
    for user, channel, member, expected in cases:
        res = await fake.slash(
            "group invite", user=user, channel=channel, options={"member": member}, locale="en-US"
        )
        assert res.ephemeral and (res.content or "").startswith(expected), res.content
    assert sorted(named(await stored_groups(engine, rennes.theme_id), rennes.name)[1]) == sorted(
        members
    )
    res = await fake.slash(
        "group invite", user=lead, channel=here, options={"member": newcomer}, locale="en-US"
    )
    assert res.content == f"<@{newcomer.id}> is now in the group Ouest – Rennes."
    assert rennes.role_id in fake.guild.members[newcomer.id].roles
    assert fake.messages_in(here)[-1].content == (
        f"👋 Bienvenue <@{newcomer.id}>, sur l'invitation de <@{lead.id}> !"
    )
    res = await fake.slash(
        "group invite", user=fake.owner, channel=here, options={"member": world.x}, locale="en-US"
    )
    assert res.content == (
        f"<@{world.x.id}> is now in the group Ouest – Rennes.\n"
        "Note: they are now over the limit of 1 group(s) per member."
    )
    _, after = named(await stored_groups(engine, rennes.theme_id), rennes.name)
    assert after == [*members, newcomer.id, world.x.id]
