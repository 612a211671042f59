"""A member's group role is must-happen work: when Discord makes it wait, the organiser
is told so at once, the engine gives it after its back-off, a restart in between gives
it exactly once; when Discord refuses it for good, `/setup check` says so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.groups import jobs
from storage import groups as store
from storage import work as work_store
from storage.database import session_factory
from storage.models import WorkGroup, WorkItem
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member
from tests.groups.helpers import holders, make_world, propose, publish, remove_role, stored_groups
from tests.harness import eventually, running_bot
from tests.sessions.helpers import Group, published_group

GRANTS = r"/guilds/\d+/members/\d+/roles/\d+$"


async def role_items(engine: AsyncEngine) -> list[WorkItem]:
    async with session_factory(engine)() as db:
        return await work_store.items(db, kind=jobs.ROLE)


async def back_off(bot: SipBot, clock: MovableClock) -> None:
    """The engine's first retry comes 30 s later; the commands' items are taken over then."""
    clock.advance(seconds=30)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()


async def invite(fake: FakeDiscord, group: Group, member: Member) -> str:
    res = await fake.slash(
        "group invite", user=group.facilitator, channel=group.channel,
        options={"member": member}, locale="en-US",
    )  # fmt: skip
    assert res.ephemeral
    return res.content or ""


async def test_a_publication_discord_makes_wait_says_so_and_the_roles_follow_after_the_back_off(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_a)
    fake.inject_fault("PUT", GRANTS, 429, times=5)
    res = await publish(fake, world.theme_a, locale="en-US")
    published = await stored_groups(sqlite_engine, world.theme_a.id)
    placed = sum(len(members) for _group, members in published)
    assert res.content and res.content.startswith(
        "5 group(s) of **Accompagnement** published: 5 channel(s) and 5 role(s) created, "
        "0 member(s) given their role, 5 welcome post(s) pinned."
    ), res.content
    assert res.content.endswith(
        f"\n⏳ {placed} role change(s) waiting for Discord: each is made as soon as Discord "
        "accepts it."
    )
    # Discord made the first one wait: the others were left to the engine, not asked now
    items = await role_items(sqlite_engine)
    assert len(items) == placed and {i.state for i in items} == {"pending"}
    assert [(i.attempts, "429" in i.last_error) for i in items if i.attempts] == [(1, True)]
    assert all(holders(fake, group.role_id or 0) == set() for group, _ in published)
    await back_off(bot, clock)
    await fake.wait_for(
        lambda: all(holders(fake, g.role_id or 0) == set(m) for g, m in published),
        what="every member to get their role",
    )
    await eventually(
        lambda: _all_done(sqlite_engine, placed), "the role items to finish", timeout=10
    )
    assert [r.status for r in fake.matching("PUT", GRANTS)] == [429] * 5 + [204] * placed
    await a_move_discord_makes_wait_follows_after_the_back_off(fake, bot, clock, published)


async def _all_done(engine: AsyncEngine, count: int) -> bool:
    return [i.state for i in await role_items(engine)].count("done") == count


async def a_move_discord_makes_wait_follows_after_the_back_off(
    fake: FakeDiscord,
    bot: SipBot,
    clock: MovableClock,
    published: list[tuple[WorkGroup, list[int]]],
) -> None:
    (rennes, _), (paris2, paris2_members) = published[1], published[3]
    mover = next(m for m in paris2_members if m not in (paris2.facilitator_id, paris2.secretary_id))
    fake.inject_fault("DELETE", GRANTS, 429, times=5)
    res = await fake.slash(
        "groups move", options={"member": mover, "group": f"#{rennes.id}"}, locale="en-US"
    )
    assert (res.content or "").startswith(f"<@{mover}> moved from Île-de-France – Paris 2 to")
    assert (res.content or "").endswith(
        f"\n⏳ Discord has not accepted the change of role yet: <@{mover}> gets the new group's "
        "role as soon as Discord accepts it."
    )
    roles = fake.guild.members[mover].roles
    assert paris2.role_id in roles and rennes.role_id not in roles
    await back_off(bot, clock)

    def moved() -> bool:
        now = fake.guild.members[mover].roles
        return rennes.role_id in now and paris2.role_id not in now

    await fake.wait_for(moved, what="the roles to follow the move")


async def test_a_restart_between_refusals_gives_the_role_exactly_once(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        group = await published_group(fake, sqlite_engine, clock)
        newcomer = fake.add_member("nina")
        fake.inject_fault("PUT", GRANTS, 429, times=5)
        reply = await invite(fake, group, newcomer)
    assert reply == (
        f"<@{newcomer.id}> is now in the group Ouest – Rennes.\n"
        f"⏳ Discord has not accepted their role yet: <@{newcomer.id}> will see the group's "
        "channel as soon as Discord accepts it."
    )
    assert group.role.id not in newcomer.roles
    (item,) = await role_items(sqlite_engine)
    assert (item.state, item.attempts) == ("pending", 1)
    clock.advance(minutes=1)
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: group.role.id in newcomer.roles, what="the role after restart")
        await eventually(lambda: _all_done(sqlite_engine, 1), "the role item to finish")
    async with running_bot(fake, sqlite_engine, clock) as third:  # and once more: nothing new
        assert third.services.scheduler is not None
        await third.services.scheduler.wake("work")
    (item,) = await role_items(sqlite_engine)
    assert (item.state, item.attempts, item.result_id) == ("done", 2, group.role.id)
    asked = fake.matching("PUT", rf"/members/{newcomer.id}/roles/{group.role.id}$")
    assert [r.status for r in asked] == [429] * 5 + [204]
    async with session_factory(sqlite_engine)() as db:
        (row,) = [r for r in await store.rows_of(db, group.id) if r.member_id == newcomer.id]
    assert row.role_granted and row.source == "invite"


async def test_a_role_discord_refuses_for_good_is_listed_by_setup_check(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    newcomer = fake.add_member("nina")
    fake.inject_fault("PUT", GRANTS, 403, code=50013, times=1)
    reply = await invite(fake, group, newcomer)
    assert reply == (
        f"<@{newcomer.id}> is now in the group Ouest – Rennes.\n"
        "Discord refused the action: I am probably missing a permission. An organiser can "
        "run /setup check to see what to fix."
    )
    (item,) = await role_items(sqlite_engine)
    assert item.state == "failed" and item.note.startswith("Discord 403")
    check = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert "⚠️ Role of a working group's member, due <t:" in check.text
    assert "given up (“Discord 403: Missing Permissions”)" in check.text
    french = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert "Le rôle d'un membre d'un groupe de travail, à faire <t:" in french.text


async def test_a_member_who_left_is_skipped_and_a_role_deleted_by_hand_fails_the_item(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    gone, stays = group.members[4], group.members[5]
    fake.remove_member(gone)
    works = bot.services.work
    async with session_factory(sqlite_engine)() as db, db.begin():
        row = await store.get(db, group.id)
        assert row is not None
        older = await jobs.follow_roles(db, works, row, [gone.id, stays.id])
        keys = await jobs.follow_roles(db, works, row, [gone.id])
    outcome = await works.run_now(keys[gone.id])
    assert outcome is not None and (outcome.state, outcome.note) == (
        "skipped",
        "member left the server",
    )
    assert await works.run_now(older[gone.id]) is None  # superseded by the newer change
    remove_role(fake, group.role.id)
    await fake.wait_for(
        lambda: bot.guilds[0].get_role(group.role.id) is None, what="the bot to see it"
    )
    outcome = await works.run_now(older[stays.id])
    assert outcome is not None and outcome.state == "failed"
    assert outcome.note == "the group's role was deleted by hand: /groups publish makes it again"


def test_a_members_prefix_covers_their_items_in_that_group_only() -> None:
    prefixes = [jobs.role_prefix(1, 2), jobs.role_prefix(1, 23), jobs.role_prefix(12, 3)]
    for prefix in prefixes:
        assert [p for p in prefixes if (p + "abc").startswith(prefix)] == [prefix]
