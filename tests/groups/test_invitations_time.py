"""Invitations across restarts and time: a button sent before a restart still answers;
the one reminder goes once, two days before the deadline, whatever restarts happen in
between; at the deadline an unanswered invitation expires; a member whose DMs are
closed answers with `/group invitations` and the organisers see "DM closed"."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.groups import invitations as service
from storage import work as work_store
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
    move_to,
    published,
    status,
)
from tests.harness import eventually, running_bot


async def test_a_button_sent_before_a_restart_answers_after_it(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        invited, _res = await published(fake, clock, sqlite_engine)
    group, (first, second, *_rest) = invited.group, invited.people
    stored = await invitations(sqlite_engine, group.id)
    async with running_bot(fake, sqlite_engine, clock):
        (dm,) = dms(fake, first)
        res = await fake.click(dm, ACCEPT.format(stored[first.id].id), user=first, locale="en-US")
        assert (await res.wait_followup()).content == (
            f"Welcome to 100% visio 1! Your group's channel: <#{group.channel_id}>"
        )
        (other,) = dms(fake, second)
        form = await fake.click(other, DECLINE.format(stored[second.id].id), user=second)
        assert form.modal is not None
        done = await fake.submit_modal(f"sip:inv:{stored[second.id].id}:reason", {}, user=second)
        await done.wait_followup()
    assert holders(fake, group.role_id or 0) == {first.id}
    assert await members(sqlite_engine, group.id) == [first.id]
    after = await invitations(sqlite_engine, group.id)
    assert (after[second.id].state, after[second.id].reason) == ("declined", "")


async def test_the_reminder_goes_once_across_restarts_then_the_invitation_expires(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        invited, _res = await published(fake, clock, sqlite_engine, closed=1)
        closed, answering, *waiting = invited.people
        stored = await invitations(sqlite_engine, invited.group.id)
        deadline = stored[answering.id].deadline
        assert deadline == clock.now() + timedelta(days=7)
        await move_to(bot, clock, deadline - timedelta(days=2, seconds=1))
        assert [len(dms(fake, p)) for p in invited.people] == [0, 1, 1, 1, 1]
    async with running_bot(fake, sqlite_engine, clock) as bot:
        await move_to(bot, clock, deadline - timedelta(days=2))
        await fake.wait_for(lambda: all(len(dms(fake, p)) == 2 for p in [answering, *waiting]),
                            what="one reminder to each member who has not answered")  # fmt: skip
        reminder = dms(fake, answering)[-1]
        assert reminder.content.startswith(
            "⏰ Rappel : votre invitation au groupe de travail **100% visio 1** attend votre "
            "réponse jusqu'au <t:"
        )
        assert custom_ids(reminder) == [ACCEPT.format(stored[answering.id].id),
                                        DECLINE.format(stored[answering.id].id)]  # fmt: skip
        res = await fake.click(reminder, ACCEPT.format(stored[answering.id].id), user=answering,
                               locale="en-US")  # fmt: skip
        await res.wait_followup()
        first_dm = dms(fake, answering)[0]  # the invitation itself still shows its buttons
        stale = await fake.click(first_dm, ACCEPT.format(stored[answering.id].id),
                                 user=answering, locale="en-US")  # fmt: skip
        assert stale.content and stale.content.startswith("You already accepted this invitation")
    async with running_bot(fake, sqlite_engine, clock) as bot:
        await move_to(bot, clock, deadline - timedelta(hours=1))
        assert [len(dms(fake, p)) for p in invited.people] == [0, 2, 2, 2, 2]
        await move_to(bot, clock, deadline)
        await eventually(lambda: _expired(sqlite_engine, invited.group.id, 4), "the expiries")
        for person in waiting:
            await fake.wait_for(lambda p=person: dms(fake, p)[-1].components == [],  # type: ignore[misc]
                                what="the expired invitation's buttons to go")  # fmt: skip
            assert (
                "⌛ Pas de réponse avant l'échéance"
                in dms(fake, person)[-1].embeds[0]["description"]
            )
        late = await fake.click(dms(fake, waiting[0])[0], ACCEPT.format(stored[waiting[0].id].id),
                                user=waiting[0], locale="en-US")  # fmt: skip
        assert late.content and late.content.startswith("This invitation expired without an answer")
        text = await status(fake, invited)
    assert "1 group: 1 in it, 0 not answered yet, 0 declined, 4 without an answer" in text
    assert "⌛ No answer by the deadline (4): " in text and f"<@{closed.id}>" in text
    async with session_factory(sqlite_engine)() as db:
        reminders = await work_store.items(db, kind=service.REMIND)
    assert sorted((i.state, i.note) for i in reminders) == [
        ("done", ""), ("done", ""), ("done", ""), ("done", ""),
        ("skipped", "their DMs are closed: /group invitations"),
    ]  # fmt: skip
    assert holders(fake, invited.group.role_id or 0) == {answering.id}


async def _expired(engine: AsyncEngine, group_id: int, count: int) -> bool:
    found = await invitations(engine, group_id)
    return sum(1 for i in found.values() if i.state == "expired") == count


async def test_closed_dms_are_answered_with_group_invitations_and_shown_to_organisers(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, res = await published(fake, clock, sqlite_engine, closed=2)
    closed, declining = invited.people[:2]
    assert res.content and (
        "\n📪 2 members do not accept DMs from this server: they can answer with "
        "/group invitations (tell them)." in res.content
    ), res.content
    assert "📨 3 invitations sent by DM" in res.content
    assert dms(fake, closed) == []
    stored = await invitations(sqlite_engine, invited.group.id)
    assert stored[closed.id].dm_status == "closed" and stored[closed.id].state == "pending"
    text = await status(fake, invited)
    assert f"<@{closed.id}> 📪" in text and f"<@{declining.id}> 📪" in text
    assert "📪 DM closed: 2 invited members do not accept DMs from this server" in text

    mine = await fake.slash("group invitations", user=closed, locale="en-US")
    assert mine.ephemeral and mine.message is not None
    assert mine.embeds[0]["title"] == "📨 Invitation: 100% visio 1"
    assert "Please answer by <t:" in mine.embeds[0]["description"]
    ids = custom_ids(mine.message)
    assert ids == [ACCEPT.format(stored[closed.id].id), DECLINE.format(stored[closed.id].id)]
    clicked = await fake.click(mine.message, ids[0], user=closed, locale="en-US")
    await clicked.wait_followup()
    assert closed.id in holders(fake, invited.group.role_id or 0)
    assert "✅ In the group (1): " + f"<@{closed.id}>" in await status(fake, invited)
    listed = await fake.slash("group invitations", user=declining, locale="en-US")
    assert listed.message is not None
    form = await fake.click(listed.message, DECLINE.format(stored[declining.id].id),
                            user=declining, locale="en-US")  # fmt: skip
    assert form.modal is not None
    done = await fake.submit_modal(f"sip:inv:{stored[declining.id].id}:reason",
                                   {"reason": "Trop loin."}, user=declining, locale="en-US")  # fmt: skip
    await done.wait_followup()
    shown = fake.world.messages[listed.message.id]  # the list again: nothing left to answer
    assert shown.components == [] and "✖️ You declined on" in shown.embeds[0]["description"]
    assert f"<@{declining.id}> — « Trop loin. »" in await status(fake, invited)
    nobody = fake.add_member("personne", roles=[invited.world.societaires])
    none = await fake.slash("group invitations", user=nobody, locale="en-US")
    assert none.content == "You have no invitation to a working group in this cycle."


async def test_after_an_outage_past_the_deadline_no_reminder_goes_and_all_expire(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        invited, _res = await published(fake, clock, sqlite_engine)
    deadline = (await invitations(sqlite_engine, invited.group.id))[invited.people[0].id].deadline
    clock.set(deadline + timedelta(hours=1))

    async def reminders_finished() -> bool:
        async with session_factory(sqlite_engine)() as db:
            items = await work_store.items(db, kind=service.REMIND)
        return len(items) == 5 and all(i.state == "skipped" for i in items)

    async with running_bot(fake, sqlite_engine, clock):
        await eventually(lambda: _expired(sqlite_engine, invited.group.id, 5), "the expiries")
        await eventually(reminders_finished, "the late reminders to be skipped")
        await fake.wait_for(lambda: all(dms(fake, p)[0].components == [] for p in invited.people),
                            what="the expired invitations' buttons to go")  # fmt: skip
    assert [len(dms(fake, p)) for p in invited.people] == [1] * 5
