"""`/group invite`, `/groups move` and `/setup defaults` with invitations: inviting sends an
invitation (inviting again opens a declined one anew), a pending invitation holds its
seat against the limit of groups per member, moving an invited member withdraws one
invitation and sends another; the direct mode joins at once as before; bad input gets a
clear message and changes nothing."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.groups import invitations as service
from storage import work as work_store
from storage.database import session_factory
from storage.models import GuildConfig
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Message
from tests.groups.helpers import holders, make_world, named, propose, publish, stored_groups
from tests.groups.invitation_helpers import (
    ACCEPT,
    DECLINE,
    consent_world,
    dms,
    invitations,
    members,
    published,
)


async def decline(fake: FakeDiscord, message: Message, invitation_id: int, person: object) -> None:
    form = await fake.click(message, DECLINE.format(invitation_id), user=person)  # type: ignore[arg-type]
    assert form.modal is not None
    done = await fake.submit_modal(f"sip:inv:{invitation_id}:reason", {"reason": "Non."},
                                   user=person)  # type: ignore[arg-type]  # fmt: skip
    await done.wait_followup()


async def test_invite_sends_an_invitation_and_inviting_again_opens_a_declined_one(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, _res = await published(fake, clock, sqlite_engine)
    group, here = invited.group, invited.group.channel_id
    nina = fake.add_member("nina", roles=[invited.world.societaires])
    posted = lambda: [m for m in fake.messages_in(here or 0) if not m.flags & 64]  # noqa: E731
    before = len(posted())
    res = await fake.slash("group invite", channel=here, options={"member": nina}, locale="en-US")
    assert res.ephemeral and res.content is not None
    assert res.content.startswith(
        f"📨 <@{nina.id}> is invited to the group 100% visio 1: they join it by accepting.\n"
        "📨 1 invitation sent by DM; answer expected by <t:"
    ), res.content
    assert res.content.endswith("Follow the answers with /groups status.")
    assert nina.id not in holders(fake, group.role_id or 0)
    assert len(posted()) == before  # welcomed on accepting, not before
    (dm,) = dms(fake, nina)
    assert "Invitation de <@" in dm.embeds[0]["description"]
    again = await fake.slash("group invite", channel=here, options={"member": nina},
                             locale="en-US")  # fmt: skip
    assert again.ephemeral and again.content == (
        f"<@{nina.id}> is already invited to the group 100% visio 1 and has not answered yet: "
        "see /groups status."
    )
    first = (await invitations(sqlite_engine, group.id))[nina.id]
    assert first.version == 1 and len(dms(fake, nina)) == 1

    await decline(fake, dm, first.id, nina)
    res = await fake.slash("group invite", channel=here, options={"member": nina}, locale="en-US")
    assert res.content and res.content.startswith(
        f"📨 <@{nina.id}> is invited to the group 100% visio 1 again"
    )
    reopened = (await invitations(sqlite_engine, group.id))[nina.id]
    assert (reopened.id, reopened.version, reopened.state, reopened.reason) == (
        first.id, 2, "pending", ""
    )  # fmt: skip
    assert len(dms(fake, nina)) == 2
    async with session_factory(sqlite_engine)() as db:
        planned = await work_store.items(db, prefix=f"{service.REMIND}:{first.id}:")
    assert sorted((i.key, i.state) for i in planned) == [
        (f"{service.REMIND}:{first.id}:1", "cancelled"),
        (f"{service.REMIND}:{first.id}:2", "pending"),
    ]
    accepted = await fake.click(dms(fake, nina)[-1], ACCEPT.format(first.id), user=nina)
    await accepted.wait_followup()
    assert fake.messages_in(here or 0)[-1].content == (
        f"👋 Bienvenue <@{nina.id}>, sur l'invitation de <@{fake.owner.id}> !"
    )
    assert nina.id in holders(fake, group.role_id or 0)


async def test_a_pending_invitation_holds_its_seat_until_it_is_declined(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, _res = await published(fake, clock, sqlite_engine)
    world, x = invited.world, invited.world.x
    preview = await propose(fake, world.theme_a)
    assert f"<@{x.id}> — déjà dans 1 groupe(s) d'autres thématiques (limite : 1)" in preview.text
    stored = await invitations(sqlite_engine, invited.group.id)
    (dm,) = dms(fake, x)
    await decline(fake, dm, stored[x.id].id, x)
    preview = await propose(fake, world.theme_a)
    # declined: the seat is free; x is now only kept for balance, and may be moved here
    assert f"<@{x.id}> — proposé·e dans une autre thématique choisie" in preview.text
    paris1, _ = named(
        await stored_groups(sqlite_engine, world.theme_a.id), "Île-de-France – Paris 1"
    )
    res = await fake.slash("groups move", options={"member": x, "group": f"#{paris1.id}"},
                           locale="en-US")  # fmt: skip
    assert (res.content or "").startswith(f"<@{x.id}> moved from the unplaced to **Île-de-France")


async def test_moving_an_invited_member_withdraws_one_invitation_and_sends_another(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world, _b, _people = await consent_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_a)
    res = await publish(fake, world.theme_a, locale="en-US")
    assert res.content and "📨 32 invitations sent by DM" in res.content
    groups = await stored_groups(sqlite_engine, world.theme_a.id)
    paris1, _ = named(groups, "Île-de-France – Paris 1")
    centre, _ = named(groups, "Centre-Est")
    mover = next(
        m for m in (await invitations(sqlite_engine, paris1.id)) if m != paris1.facilitator_id
    )
    person = fake.guild.members[mover]
    outsider_lead = fake.guild.members[centre.facilitator_id or 0]
    refused = await fake.slash("group invite", user=outsider_lead, channel=centre.channel_id,
                               options={"member": person}, locale="en-US")  # fmt: skip
    assert refused.content == (
        f"<@{mover}> is already in 1 group(s) this cycle and a member may join 1. "
        "Ask an organiser if they should join anyway."
    )
    res = await fake.slash("groups move", options={"member": person, "group": f"#{centre.id}"},
                           locale="en-US")  # fmt: skip
    assert res.content and res.content.startswith(
        f"<@{mover}> moved from Île-de-France – Paris 1 to **Centre-Est**"
    ), res.content
    assert "📨 1 invitation sent by DM" in res.content
    assert (await invitations(sqlite_engine, paris1.id))[mover].state == "withdrawn"
    moved = (await invitations(sqlite_engine, centre.id))[mover]
    assert (moved.state, moved.source, moved.invited_by) == ("pending", "move", fake.owner.id)
    first, second = dms(fake, person)
    old = await fake.click(first, ACCEPT.format((await invitations(sqlite_engine, paris1.id))[mover].id),
                           user=person, locale="en-US")  # fmt: skip
    assert old.content and old.content.startswith("This invitation was withdrawn")
    assert await members(sqlite_engine, paris1.id) == []
    accepted = await fake.click(second, ACCEPT.format(moved.id), user=person)
    await accepted.wait_followup()
    assert holders(fake, centre.role_id or 0) == {mover}
    assert holders(fake, paris1.role_id or 0) == set()


async def test_direct_mode_joins_at_once_and_status_says_so(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    await propose(fake, world.theme_b)
    res = await publish(fake, world.theme_b, locale="en-US")
    assert res.content and res.content.startswith(
        "1 group(s) of **Horizon post-crise** published: 1 channel(s) and 1 role(s) created, "
        "5 member(s) given their role"
    ), res.content
    assert "invitation" not in res.content
    ((group, placed),) = await stored_groups(sqlite_engine, world.theme_b.id)
    assert holders(fake, group.role_id or 0) == set(placed)
    assert await invitations(sqlite_engine, group.id) == {}
    assert all(dms(fake, fake.guild.members[m]) == [] for m in placed)
    res = await fake.slash("groups status", options={"theme": f"#{world.theme_b.id}"},
                           locale="en-US")  # fmt: skip
    assert "1 group: 5 in it, 0 not answered yet" in res.text
    assert "group_join: direct" in res.text


async def test_bad_input_to_the_new_commands_and_buttons_is_refused_and_changes_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, _res = await published(fake, clock, sqlite_engine)
    before = await invitations(sqlite_engine, invited.group.id)
    cases = [
        ("groups status", {"theme": "Atlantide"}, "There is no theme"),
        ("groups status", {"theme": f"#{invited.world.theme_a.id}"}, "No groups are proposed"),
    ]
    for name, options, expected in cases:
        res = await fake.slash(name, options=options, locale="en-US")
        assert res.ephemeral and (res.content or "").startswith(expected), (name, res.content)
    member = invited.people[1]
    refused = await fake.slash("groups status", user=member, locale="en-US",
                               options={"theme": f"#{invited.world.theme_b.id}"})  # fmt: skip
    assert (refused.content or "").startswith("This command is for organisers")
    bogus = await fake.slash("setup defaults", options={"group_join": "parfois"}, raw=True,
                             locale="en-US")  # fmt: skip
    assert bogus.ephemeral and bogus.content == (
        "“parfois” is not a way of joining groups: choose consent or direct."
    )
    (dm,) = dms(fake, member)
    forged = Message(id=fake.world.ids.next(), channel_id=dm.channel_id, author_id=dm.author_id,
                     components=[{"type": 1, "components": [{"type": 2, "style": 3, "label": "x",
                                  "custom_id": "sip:inv:999999:accept"}]}])  # fmt: skip
    gone = await fake.click(forged, "sip:inv:999999:accept", user=member, locale="en-US")
    assert (
        gone.ephemeral
        and gone.content == "This invitation no longer exists: its group was deleted."
    )
    assert await invitations(sqlite_engine, invited.group.id) == before
    assert await members(sqlite_engine, invited.group.id) == []
    res = await fake.slash("setup defaults", options={"invitation_days": 3}, locale="en-US")
    assert res.content and res.content.endswith(
        "an invitation waits 3 days for an answer, with one reminder 2 days before its deadline "
        "(halfway for shorter ones)."
    )
    async with session_factory(sqlite_engine)() as db:
        config = await db.get(GuildConfig, fake.guild.id, populate_existing=True)
    assert config is not None and (config.group_join, config.invitation_days) == ("consent", 3)
