"""`/groups` through the fake Discord: the proposal, moves, publication that creates each
object once, objects deleted by hand recreated, and refusals that change nothing."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.groups import rules as composition
from bot.groups.service import load_inputs
from storage.database import session_factory
from storage.models import WorkGroup
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.groups.helpers import (
    HISTORY,
    SEND,
    VIEW,
    World,
    creations,
    holders,
    make_world,
    named,
    propose,
    publish,
    remove_role,
    stored_groups,
)

MENTION = re.compile(r"<@(\d+)>")
MEMBER_ROLE_GRANTS = r"/guilds/\d+/members/\d+/roles/\d+$"


async def test_propose_stores_what_composition_says_and_previews_it(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    fake.clear_requests()
    await propose(fake, world.theme_b)
    res = await propose(fake, world.theme_a)
    stored = await stored_groups(sqlite_engine, world.theme_a.id)
    assert [(g.name, g.mode, g.office, g.status, len(m)) for g, m in stored] == [
        ("Centre-Est", "in_person", None, "proposed", 5),
        ("Ouest – Rennes", "in_person", "Rennes", "proposed", 5),
        ("Île-de-France – Paris 1", "in_person", "Paris", "proposed", 7),
        ("Île-de-France – Paris 2", "in_person", "Paris", "proposed", 7),
        ("100% visio 1", "online", None, "proposed", 8),
    ]
    async with session_factory(sqlite_engine)() as db:
        inputs = await load_inputs(db, fake.guild.id, world.theme_a.cycle_id, world.theme_a.id)
    assert inputs is not None and inputs.existing[world.x.id] == 1  # placed in B
    expected = composition.propose(
        world.theme_a.id, inputs.respondents, composition.Bounds(5, 12), 1,
        inputs.existing, online_name="100% visio",
    )  # fmt: skip
    assert [(g.name, sorted(m), g.facilitator_id, g.secretary_id) for g, m in stored] == [
        (g.name, list(g.members), g.facilitator, g.secretary) for g in expected.groups
    ]
    text = res.text
    assert "33 votant·es : 32 réparti·es en 5 groupe(s) de 5 à 12 personnes, 1 sans groupe." in text
    marseille = world.people["marseille"][0].id
    assert f"<@{marseille}> 📍" in text  # wanted in person, placed online
    assert f"<@{world.x.id}> — déjà dans 1 groupe(s) d'autres thématiques (limite : 1)" in text
    assert {int(m) for m in MENTION.findall(text)} == {m.id for m in world.voters_a()}
    assert creations(fake) == [0, 0, 0, 0]  # nothing exists in Discord before publish
    res = await propose(fake, world.theme_a, min_size=6, max_size=8)
    smaller = await stored_groups(sqlite_engine, world.theme_a.id)
    assert [(g.name, len(m)) for g, m in smaller] == [
        ("Île-de-France – Paris 1", 7),
        ("Île-de-France – Paris 2", 7),
        ("100% visio 1", 6),
        ("100% visio 2", 6),
        ("100% visio 3", 6),
    ]


async def test_move_then_publish_creates_each_object_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_b)
    await propose(fake, world.theme_a)
    before = await stored_groups(sqlite_engine, world.theme_a.id)
    centre, _ = named(before, "Centre-Est")
    paris1, paris1_members = named(before, "Île-de-France – Paris 1")
    choices = await fake.autocomplete("groups move", focused="group", value="centre")
    assert choices == [{"name": "Accompagnement › Centre-Est", "value": f"#{centre.id}"}]
    mover = paris1_members[-1]
    res = await fake.slash(
        "groups move",
        user=fake.owner,
        options={"member": mover, "group": f"#{centre.id}"},
        locale="en-US",
    )
    assert res.content == (
        f"<@{mover}> moved from Île-de-France – Paris 1 to **Centre-Est**, "
        "which now has 6 member(s)."
    )
    stored = await stored_groups(sqlite_engine, world.theme_a.id)
    assert mover in named(stored, "Centre-Est")[1]
    assert mover not in named(stored, "Île-de-France – Paris 1")[1]
    assert named(stored, "Île-de-France – Paris 1")[0].facilitator_id == paris1.facilitator_id

    fake.clear_requests()
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content and res.content.startswith(
        "5 group(s) of **Accompagnement** published: 5 channel(s) and 5 role(s) created, "
        "32 member(s) given their role, 5 welcome post(s) pinned."
    ), res.content
    assert creations(fake) == [5, 5, 5, 5], fake.describe_requests(20)
    assert fake.count("PUT", MEMBER_ROLE_GRANTS) == 32
    published = await stored_groups(sqlite_engine, world.theme_a.id)
    for group, members in published:
        check_published(fake, world, group, members)
    await wait_cached(fake, bot, published)

    fake.clear_requests()
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content and res.content.startswith(
        "The 5 group(s) of **Accompagnement** were already published: nothing to create."
    )
    assert creations(fake) == [0, 0, 0, 0] and fake.count("PUT", MEMBER_ROLE_GRANTS) == 0


def check_published(fake: FakeDiscord, world: World, group: WorkGroup, members: list[int]) -> None:
    """Private channel in the theme's category, its role held by exactly its members,
    a pinned welcome naming who runs it, and the cycle's calendar as timestamps."""
    assert group.status == "published"
    channel = fake.channel(group.channel_id or 0)
    role = fake.guild.roles[group.role_id or 0]
    assert channel is not None and channel.type == 0
    assert channel.parent_id == world.theme_a.category_id
    assert role.name == f"1️⃣ {group.name}" and role.mentionable
    overwrites = channel.overwrites
    assert overwrites[fake.guild.id].deny & VIEW
    assert overwrites[role.id].allow & (VIEW | SEND | HISTORY) == VIEW | SEND | HISTORY
    assert overwrites[world.organisers.id].allow & (VIEW | SEND) == VIEW | SEND
    assert overwrites[fake.bot_user.id].type == 1 and overwrites[fake.bot_user.id].allow & VIEW
    assert holders(fake, role.id) == set(members)
    welcome = fake.message(group.welcome_message_id or 0)
    assert welcome is not None and welcome.pinned and welcome.channel_id == channel.id
    card = welcome.embeds[0]
    assert card["title"] == f"Bienvenue dans le groupe {group.name}"
    assert f"Animation : <@{group.facilitator_id}>" in card["description"]
    assert "**Préparation** : <t:" in card["description"]
    assert set(MENTION.findall(card["fields"][0]["value"])) == {str(m) for m in members}


async def wait_cached(
    fake: FakeDiscord, bot: SipBot, groups: list[tuple[WorkGroup, list[int]]]
) -> None:
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None

    def holding() -> bool:
        for group, members in groups:
            for member_id in members:
                member = guild.get_member(member_id)
                if member is None or member.get_role(group.role_id or 0) is None:
                    return False
        return True

    await fake.wait_for(holding, what="the bot to see every role grant")


async def test_objects_deleted_by_hand_are_recreated_and_nothing_else(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_a)
    await publish(fake, world.theme_a)
    published = await stored_groups(sqlite_engine, world.theme_a.id)
    await wait_cached(fake, bot, published)
    (rennes, rennes_members), (paris, paris_members) = published[1], published[2]
    channel = fake.channel(rennes.channel_id or 0)
    assert channel is not None
    fake.remove_channel(channel)
    remove_role(fake, paris.role_id or 0)
    await fake.wait_for(
        lambda: (
            bot.get_channel(channel.id) is None
            and bot.guilds[0].get_role(paris.role_id or 0) is None
        ),
        what="the deletions to reach the bot",
    )
    fake.clear_requests()
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content and res.content.startswith(
        "5 group(s) of **Accompagnement** published: 1 channel(s) and 1 role(s) created, "
        f"{len(paris_members)} member(s) given their role, 1 welcome post(s) pinned."
    ), res.content
    assert creations(fake) == [1, 1, 1, 1], fake.describe_requests(20)
    after = await stored_groups(sqlite_engine, world.theme_a.id)
    new_rennes, new_paris = after[1][0], after[2][0]
    assert new_rennes.channel_id != rennes.channel_id and new_rennes.role_id == rennes.role_id
    assert new_paris.role_id != paris.role_id and new_paris.channel_id == paris.channel_id
    check_published(fake, world, new_rennes, rennes_members)
    check_published(fake, world, new_paris, paris_members)


async def test_a_discord_refusal_half_way_is_finished_by_publishing_again(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_a)
    fake.clear_requests()
    fake.inject_fault("POST", r"/guilds/\d+/channels$", status=403, code=50013, times=1)
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content == (
        "Discord refused part of the publication of **Accompagnement**; what was created is "
        "recorded. Fix the cause (/setup check) and run /groups publish again: nothing is "
        "created twice."
    )
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content and res.content.startswith("5 group(s) of **Accompagnement** published")
    assert creations(fake)[:2] == [5, 6]  # one role each; the refused channel was asked twice


async def test_move_after_publish_moves_the_role_and_updates_the_welcome(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_a)
    await publish(fake, world.theme_a)
    published = await stored_groups(sqlite_engine, world.theme_a.id)
    await wait_cached(fake, bot, published)
    (rennes, _), (paris2, paris2_members) = published[1], published[3]
    mover = next(m for m in paris2_members if m not in (paris2.facilitator_id, paris2.secretary_id))
    fake.clear_requests()
    res = await fake.slash(
        "groups move", user=fake.owner, options={"member": mover, "group": f"#{rennes.id}"}
    )
    assert res.ephemeral and res.content and res.content.startswith(f"<@{mover}> passe de")
    roles = fake.guild.members[mover].roles
    assert rennes.role_id in roles and paris2.role_id not in roles
    notice = fake.messages_in(rennes.channel_id)[-1]
    assert notice.content == f"👋 <@{mover}> rejoint le groupe."
    assert notice.allowed_mentions is not None and notice.allowed_mentions.get("parse") == []
    welcome = fake.message(rennes.welcome_message_id or 0)
    assert welcome is not None and f"<@{mover}>" in welcome.embeds[0]["fields"][0]["value"]
    old_welcome = fake.message(paris2.welcome_message_id or 0)
    assert old_welcome is not None
    assert f"<@{mover}>" not in old_welcome.embeds[0]["fields"][0]["value"]
    assert creations(fake) == [0, 0, 1, 0]  # the notice, nothing else
    res = await fake.slash(
        "groups propose", options={"theme": f"#{world.theme_a.id}"}, locale="en-US"
    )
    assert (res.content or "").startswith(
        "The groups of **Accompagnement** are already published: a new proposal would leave "
        "their channels behind. Adjust them with /groups move, /group roles and /group invite."
    )
    after = await stored_groups(sqlite_engine, world.theme_a.id)
    assert [g.id for g, _ in after] == [g.id for g, _ in published]
    await refused_role_change_is_repaired_by_publish(fake, world, published, mover)


async def refused_role_change_is_repaired_by_publish(
    fake: FakeDiscord, world: World, published: list[tuple[WorkGroup, list[int]]], mover: int
) -> None:
    (centre, _), (paris2, paris2_members) = published[0], published[3]
    second = next(
        m for m in paris2_members if m not in (mover, paris2.facilitator_id, paris2.secretary_id)
    )
    fake.inject_fault("DELETE", MEMBER_ROLE_GRANTS, status=403, code=50013, times=1)
    res = await fake.slash(
        "groups move", options={"member": second, "group": f"#{centre.id}"}, locale="en-US"
    )
    assert (res.content or "").startswith(
        f"<@{second}> is moved in the list, but Discord refused the change of role."
    )
    assert paris2.role_id in fake.guild.members[second].roles
    res = await publish(fake, world.theme_a, locale="en-US")
    assert "1 member(s) given their role" in (res.content or "")
    assert "1 role(s) taken back from people no longer in the group." in (res.content or "")
    roles = fake.guild.members[second].roles
    assert centre.role_id in roles and paris2.role_id not in roles


async def test_members_who_chose_two_themes_are_kept_for_the_lighter_one(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    """Proposing A first does not take xavier, who also chose B, which has far fewer voters:
    he is kept for B and the preview says why, whatever order the themes are proposed in."""
    world = await make_world(fake, clock, sqlite_engine)
    res = await propose(fake, world.theme_a)
    in_a = {
        m for _g, members in await stored_groups(sqlite_engine, world.theme_a.id) for m in members
    }
    assert world.x.id not in in_a
    assert f"<@{world.x.id}> — proposé·e dans une autre thématique choisie" in res.text
    await propose(fake, world.theme_b)
    in_b = {
        m for _g, members in await stored_groups(sqlite_engine, world.theme_b.id) for m in members
    }
    assert world.x.id in in_b
