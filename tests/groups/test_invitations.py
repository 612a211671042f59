"""Consent to groups through the fake, with the real client: publishing invites each
placed member by DM with persistent buttons; accepting (and only accepting) gives the
role, the channel and a welcome; declining, with a reason, frees the seat; the
organisers follow it all in `/groups status`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import groups as group_store
from storage import setup as setup_store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.groups.helpers import holders
from tests.groups.invitation_helpers import (
    ACCEPT,
    DECLINE,
    custom_ids,
    dms,
    invitations,
    members,
    published,
    status,
)


async def test_publishing_invites_each_member_by_dm_and_gives_no_role(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, res = await published(fake, clock, sqlite_engine)
    group = invited.group
    assert res.ephemeral and res.content is not None
    assert res.content.startswith(
        "1 group of **Horizon post-crise** published: 1 channel(s) and 1 role(s) created, "
        "1 welcome post(s) pinned. Its members are invited: each joins by accepting."
    ), res.content
    deadline = int(clock.now().timestamp()) + 7 * 86400
    assert f"📨 5 invitations sent by DM; answers expected by <t:{deadline}:F>" in res.content
    assert holders(fake, group.role_id or 0) == set()  # nobody is in before accepting
    assert await members(sqlite_engine, group.id) == []
    stored = await invitations(sqlite_engine, group.id)
    assert set(stored) == {p.id for p in invited.people}
    assert {(i.state, i.dm_status, i.version, i.source) for i in stored.values()} == {
        ("pending", "sent", 1, "publish")
    }
    for person in invited.people:
        (dm,) = dms(fake, person)
        invitation = stored[person.id]
        assert dm.id == invitation.dm_message_id
        card = dm.embeds[0]
        assert card["title"] == "📨 Invitation : 100% visio 1"
        assert "**Smart in Progress**" in card["description"]
        assert "le groupe de travail **100% visio 1**" in card["description"]
        assert "2️⃣ **Horizon post-crise**" in card["description"]
        assert "💻" in card["description"]  # online: where it meets
        assert f"<t:{deadline}:F>" in card["description"]
        assert custom_ids(dm) == [ACCEPT.format(invitation.id), DECLINE.format(invitation.id)]
        assert dm.nonce is not None  # sent as work, with the item's nonce
    welcome = fake.message(group.welcome_message_id or 0)
    assert (
        welcome is not None
        and "Personne pour l'instant." in welcome.embeds[0]["fields"][0]["value"]
    )


async def test_accepting_gives_the_role_then_a_welcome_and_only_to_who_accepted(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, _res = await published(fake, clock, sqlite_engine)
    group, (first, second, *_rest) = invited.group, invited.people
    stored = await invitations(sqlite_engine, group.id)
    (dm,) = dms(fake, first)
    someone_else = await fake.click(dm, ACCEPT.format(stored[first.id].id), user=second,
                                    locale="en-US")  # fmt: skip
    assert someone_else.content == "This invitation is addressed to someone else."
    assert someone_else.ephemeral and holders(fake, group.role_id or 0) == set()

    res = await fake.click(dm, ACCEPT.format(stored[first.id].id), user=first, locale="en-US")
    confirmation = await res.wait_followup()
    assert confirmation.ephemeral
    assert confirmation.content == (
        f"Welcome to 100% visio 1! Your group's channel: <#{group.channel_id}>"
    )
    assert holders(fake, group.role_id or 0) == {first.id}
    assert await members(sqlite_engine, group.id) == [first.id]
    card = fake.world.messages[dm.id]
    assert card.components == []  # answered: the buttons are gone
    assert "✅ Vous avez accepté le <t:" in card.embeds[0]["description"]
    channel = fake.messages_in(group.channel_id or 0)
    assert channel[-1].content == f"👋 Bienvenue <@{first.id}>, qui a accepté l'invitation !"
    assert channel[-1].allowed_mentions == {"parse": []}
    welcome = fake.message(group.welcome_message_id or 0)
    assert welcome is not None and welcome.embeds[0]["fields"][0]["value"] == f"<@{first.id}>"

    async with session_factory(sqlite_engine)() as db:
        actions = [e.action for e in await setup_store.audit_entries(db, fake.guild.id)]
    assert actions.count("invitation.accepted") == 1


async def test_declining_with_a_reason_frees_the_seat_and_shows_in_groups_status(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, _res = await published(fake, clock, sqlite_engine)
    group, people = invited.group, invited.people
    stored = await invitations(sqlite_engine, group.id)
    lead = next(p for p in people if p.id == group.facilitator_id)
    (dm,) = dms(fake, lead)
    form = await fake.click(dm, DECLINE.format(stored[lead.id].id), user=lead, locale="en-US")
    assert form.modal is not None and form.modal["title"] == "Decline: 100% visio 1"
    custom_id = f"sip:inv:{stored[lead.id].id}:reason"
    res = await fake.submit_modal(custom_id, {"reason": "Pas disponible le soir."}, user=lead,
                                  locale="en-US")  # fmt: skip
    confirmation = await res.wait_followup()
    assert confirmation.content == (
        "You declined the invitation to 100% visio 1. Thank you for answering: "
        "your place goes to someone else."
    )
    assert fake.world.messages[dm.id].components == []
    after = await invitations(sqlite_engine, group.id)
    assert (after[lead.id].state, after[lead.id].reason) == ("declined", "Pas disponible le soir.")
    assert await members(sqlite_engine, group.id) == []
    assert lead.id not in holders(fake, group.role_id or 0)
    # the facilitator who declined leaves the role empty, and the pinned card says so
    welcome = fake.message(group.welcome_message_id or 0)
    assert welcome is not None
    await fake.wait_for(
        lambda: "Pas encore d'animation ou de secrétariat" in welcome.embeds[0]["description"],
        what="the pinned card to show the role left empty",
    )
    async with session_factory(sqlite_engine)() as db:
        after_group = await group_store.get(db, group.id)
    assert after_group is not None and after_group.facilitator_id is None

    accepting = next(p for p in people if p.id != lead.id)
    (other_dm,) = dms(fake, accepting)
    clicked = await fake.click(other_dm, ACCEPT.format(stored[accepting.id].id), user=accepting)
    await clicked.wait_followup()
    text = await status(fake, invited)
    assert "1 group: 1 in it, 3 not answered yet, 1 declined, 0 without an answer" in text
    assert f"✅ In the group (1): <@{accepting.id}>" in text
    assert f"✖️ Declined (1):\n<@{lead.id}> — « Pas disponible le soir. »" in text
    waiting = [p for p in people if p.id not in (lead.id, accepting.id)]
    assert "⏳ Not answered yet (3): " + ", ".join(f"<@{p.id}>" for p in waiting) in text
    assert "100% visio 1 · 4 places" in text  # the declined seat is free


async def test_a_member_sees_their_invitations_from_the_interest_profile(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, _res = await published(fake, clock, sqlite_engine)
    person = invited.people[2]
    stored = await invitations(sqlite_engine, invited.group.id)
    profile = await fake.slash("interest profile", user=person, locale="en-US")
    assert profile.message is not None
    assert "sip:inv:mine" in custom_ids(profile.message)
    res = await fake.click(profile.message, "sip:inv:mine", user=person, locale="en-US")
    assert res.ephemeral and res.embeds[0]["title"] == "📨 Invitation: 100% visio 1"
    assert res.message is not None
    ids = custom_ids(res.message)
    assert ids == [ACCEPT.format(stored[person.id].id), DECLINE.format(stored[person.id].id)]
    accepted = await fake.click(res.message, ids[0], user=person, locale="en-US")
    await accepted.wait_followup()
    shown = fake.world.messages[res.message.id]
    assert shown.components == [] and shown.embeds[0]["title"] == "Already answered"
    assert "✅ You accepted on" in shown.embeds[0]["description"]
    (dm,) = dms(fake, person)
    await fake.wait_for(lambda: fake.world.messages[dm.id].components == [],
                        what="the DM's buttons to go too")  # fmt: skip
    assert person.id in holders(fake, invited.group.role_id or 0)


async def test_help_shows_invitations_to_members_and_their_follow_up_to_organisers(
    fake: FakeDiscord, bot: SipBot
) -> None:
    member = fake.add_member("sacha")
    text = (await fake.slash("help", user=member, locale="en-US")).text
    assert "`/group invitations` — Your invitations to working groups: accept or decline" in text
    assert "/groups status" not in text
    organiser = (await fake.slash("help", user=fake.owner, locale="fr")).text
    assert (
        "`/groupes suivi` — Qui a accepté, décliné ou pas encore répondu, groupe par groupe"
        in organiser
    )
    assert "`/groupe invitations` — Vos invitations à des groupes de travail" in organiser
