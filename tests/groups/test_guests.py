"""Guests through the fake Discord: `/group guest add` opens the group's channel to them
(an overwrite of their own, never the group's role) and tells them so; the engine takes
it back on time, across a restart too; a guest's RSVP, group role and 👍 do not count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.groups import guests as guest_work
from storage import sessions as session_store
from storage import work as work_store
from storage.database import session_factory
from storage.models import Endorsement, GroupGuest, WorkGroup
from tests.clock import MovableClock
from tests.drafts.helpers import write_draft
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Member
from tests.fuzz.helpers import changed_tables, snapshot
from tests.groups.helpers import HISTORY, SEND, VIEW
from tests.harness import eventually, running_bot
from tests.sessions.helpers import Group, published_group

SESSION_DAY_END = datetime(2027, 1, 20, 22, 59, tzinfo=UTC)  # 23:59 in Paris, session day
EXTENDED = datetime(2027, 1, 25, 22, 59, tzinfo=UTC)


def when(moment: datetime) -> str:
    unix = int(moment.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


async def add_guest(
    fake: FakeDiscord, group: Group, guest: Any, by: Any = None, **options: Any
) -> Any:
    res = await fake.slash(
        "group guest add", user=by or group.facilitator, channel=group.channel,
        options={"user": guest, **options}, locale="en-US",
    )  # fmt: skip
    assert res.ephemeral, res
    return res


async def stays(engine: AsyncEngine) -> list[GroupGuest]:
    async with session_factory(engine)() as db:
        return list((await db.execute(select(GroupGuest).order_by(GroupGuest.id))).scalars())


async def items(engine: AsyncEngine, kind: str) -> list[tuple[str, datetime]]:
    async with session_factory(engine)() as db:
        return [(i.state, i.due_at) for i in await work_store.items(db, kind=kind)]


def access(fake: FakeDiscord, group: Group, guest: Member) -> int | None:
    """What the guest's own overwrite on the group's channel allows, if they have one."""
    overwrite = group.channel.overwrites.get(guest.id)
    return overwrite.allow if overwrite is not None and overwrite.type == 1 else None


async def wake(bot: SipBot) -> None:
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()


async def test_a_guest_comes_in_is_told_stays_longer_and_leaves_on_time(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    scheduled = await fake.slash(
        "session schedule", user=group.facilitator, channel=group.channel,
        options={"start": "20/01/2027 18h00", "place": "Bureau de Rennes"},
    )  # fmt: skip
    assert (scheduled.content or "").startswith("Séance 1 programmée"), scheduled.content
    expert = fake.add_member("experte")
    res = await add_guest(fake, group, expert, note="Experte des retraites")
    assert res.content == (
        f"<@{expert.id}> is a guest of the group Ouest – Rennes until {when(SESSION_DAY_END)}: "
        "they can read and write in its channel until then, and are told so in the channel."
    )
    assert access(fake, group, expert) == VIEW | SEND | HISTORY
    assert group.role.id not in fake.guild.members[expert.id].roles  # the role means membership
    notice = fake.messages_in(group.channel)[-1]
    assert notice.content == (
        f"👋 Bienvenue <@{expert.id}> dans **Ouest – Rennes** ! Vous êtes invité·e de ce groupe "
        f"jusqu'au {when(SESSION_DAY_END)} : vous pouvez lire et écrire dans ce salon jusque-là. "
        "Les personnes invitées ne votent pas, ne répondent pas aux séances et ne soutiennent "
        "pas les propositions.\n📝 Experte des retraites"
    )
    assert notice.allowed_mentions is not None
    mentions = notice.allowed_mentions
    assert [int(u) for u in mentions["users"]] == [expert.id] and mentions["parse"] == []
    (stay,) = await stays(sqlite_engine)
    assert (stay.state, stay.until, stay.added_by) == (
        "active",
        SESSION_DAY_END,
        group.facilitator.id,
    )
    assert await items(sqlite_engine, guest_work.GRANT) == [
        ("done", stay.created_at + timedelta(seconds=30))
    ]
    assert await items(sqlite_engine, guest_work.REVOKE) == [("pending", SESSION_DAY_END)]
    await a_guest_is_shown_apart_and_counts_for_nothing(fake, group, expert, sqlite_engine)
    res = await add_guest(fake, group, expert, until="25/01/2027")
    assert (
        res.content
        == f"<@{expert.id}> stays a guest of the group Ouest – Rennes until {when(EXTENDED)}."
    )
    assert fake.messages_in(group.channel)[-1].content == (
        f"⏳ <@{expert.id}> reste invité·e de **Ouest – Rennes** jusqu'au {when(EXTENDED)}."
    )
    assert [s.until for s in await stays(sqlite_engine)] == [EXTENDED]  # moved, not doubled
    revokes = await items(sqlite_engine, guest_work.REVOKE)
    assert revokes == [("cancelled", SESSION_DAY_END), ("pending", EXTENDED)]
    clock.set(SESSION_DAY_END + timedelta(minutes=5))  # the first date passes: still a guest
    await wake(bot)
    assert access(fake, group, expert) == VIEW | SEND | HISTORY
    clock.set(EXTENDED + timedelta(minutes=1))
    await wake(bot)
    await fake.wait_for(lambda: access(fake, group, expert) is None, what="the access to end")
    await eventually(lambda: _ended(sqlite_engine), "the stay to be recorded as ended", timeout=5)
    assert fake.messages_in(group.channel)[-1].content == (
        f"👋 Le passage de <@{expert.id}> comme invité·e de ce groupe est terminé : merci !"
    )
    info = await fake.slash("group info", user=group.facilitator, channel=group.channel)
    assert "Invité·es" not in info.text


async def _revoked(engine: AsyncEngine, until: datetime) -> bool:
    return await items(engine, guest_work.REVOKE) == [("done", until)]


async def _ended(engine: AsyncEngine) -> bool:
    return [s.state for s in await stays(engine)] == ["ended"]


async def a_guest_is_shown_apart_and_counts_for_nothing(
    fake: FakeDiscord, group: Group, expert: Member, engine: AsyncEngine
) -> None:
    info = await fake.slash(
        "group info", user=group.facilitator, channel=group.channel, locale="en-US"
    )
    fields = {f["name"]: f["value"] for e in info.embeds for f in e.get("fields", [])}
    assert fields["Guests (1)"] == (
        f"<@{expert.id}> — until {when(SESSION_DAY_END)} — Experte des retraites"
    )
    assert not any(f"<@{expert.id}>" in v for n, v in fields.items() if n != "Guests (1)")
    async with session_factory(engine)() as db:
        (session,) = await session_store.sessions_of(db, [group.id])
    post = fake.message(session.post_message_id or 0)
    assert post is not None
    refused = await fake.click(
        post, f"sip:rsvp:{session.id}:in_person", user=expert, locale="en-US"
    )
    assert refused.ephemeral
    assert refused.content == "You are a guest of this group: RSVPs are for its members."
    async with session_factory(engine)() as db:
        assert await session_store.rsvps(db, session.id) == {}
    res = await fake.slash(
        "group roles", options={"group": f"#{group.id}", "facilitator": expert,
                                "secretary": group.secretary}, locale="en-US",
    )  # fmt: skip
    assert res.content == (
        f"<@{expert.id}> is a guest of the group Ouest – Rennes: guests do not take the "
        "group's roles. Invite them into the group first (/group invite)."
    )
    async with session_factory(engine)() as db:
        stored = await db.get(WorkGroup, group.id)
    assert stored is not None and stored.facilitator_id == group.facilitator.id


async def test_the_access_ends_on_time_across_a_restart(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        group = await published_group(fake, sqlite_engine, clock)
        partner = fake.add_member("partenaire")
        res = await add_guest(fake, group, partner, by=fake.owner, until="12/01/2027 18h00")
        until = datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
        assert (res.content or "").startswith(f"<@{partner.id}> is a guest of the group")
        assert when(until) in (res.content or "")  # a date and time typed: that very time
        assert access(fake, group, partner) == VIEW | SEND | HISTORY
    clock.set(until + timedelta(hours=3))  # the bot was down when the stay ended
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: access(fake, group, partner) is None, what="the removal")
        await eventually(lambda: _ended(sqlite_engine), "the stay to end")
        await eventually(lambda: _revoked(sqlite_engine, until), "the revoke to be done")
    assert fake.count("DELETE", rf"/channels/{group.channel.id}/permissions/{partner.id}$") == 1


async def test_remove_takes_the_access_back_at_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    other = fake.add_member("membre-d-un-autre-groupe")  # a typical guest
    await add_guest(fake, group, other, by=group.secretary)
    (stay,) = await stays(sqlite_engine)
    assert stay.until == clock.now() + timedelta(days=14)  # no session planned: two weeks
    res = await fake.slash(
        "group guest remove", user=group.secretary, channel=group.channel,
        options={"user": other}, locale="en-US",
    )  # fmt: skip
    assert res.content == (
        f"<@{other.id}> is no longer a guest of the group Ouest – Rennes: their access to its "
        "channel is taken back."
    )
    assert access(fake, group, other) is None
    (stay,) = await stays(sqlite_engine)
    assert (stay.state, stay.removed_at) == ("removed", clock.now())
    revokes = await items(sqlite_engine, guest_work.REVOKE)
    now = clock.now()  # the dated one never runs; the removal ran at once
    assert revokes == [
        ("done", now + timedelta(seconds=30)),
        ("cancelled", now + timedelta(days=14)),
    ]
    again = await fake.slash(
        "group guest remove", user=group.secretary, channel=group.channel,
        options={"user": other}, locale="en-US",
    )  # fmt: skip
    assert again.content == f"<@{other.id}> is not a guest of the group Ouest – Rennes."


async def test_a_guests_thumbs_up_is_not_counted(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        group = await published_group(fake, sqlite_engine, clock)
        thread = await write_draft(fake, group, group.facilitator, "Un fonds", "Un fonds commun.")
        starter = fake.message(thread.id)
        assert starter is not None
        expert = fake.add_member("expert")
        await add_guest(fake, group, expert)
        await fake.react(starter, "👍", expert)
        await fake.react(starter, "👍", group.members[3])  # after the guest's: once it is
        await eventually(  # stored, the guest's was weighed (events are written in order)
            lambda: _endorsers_are(sqlite_engine, {group.members[3].id}), "the member's 👍"
        )
    async with running_bot(fake, sqlite_engine, clock) as again:  # reconciled from the message
        cog: Any = again.get_cog("DraftCog")
        await fake.wait_for(lambda: cog.reconciled, what="the start-up reconciliation")
        assert await endorsers(sqlite_engine) == {group.members[3].id}


async def endorsers(engine: AsyncEngine) -> set[int]:
    async with session_factory(engine)() as db:
        return {e.member_id for e in (await db.execute(select(Endorsement))).scalars()}


async def _endorsers_are(engine: AsyncEngine, expected: set[int]) -> bool:
    return await endorsers(engine) == expected


async def test_bad_input_is_refused_clearly_and_changes_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    guest, robot = fake.add_member("invitée"), fake.add_member("robot", bot=True)
    gone = fake.add_member("partie")
    fake.remove_member(gone)
    here, elsewhere = group.channel, fake.default_channel
    cases: list[tuple[str, Any, Any, dict[str, Any], str]] = [
        ("add", group.members[4], here, {"user": guest},
         "Only the facilitator, the secretary of Ouest – Rennes or an organiser can invite guests "
         "into it or remove them."),
        ("add", group.facilitator, elsewhere, {"user": guest},
         "Use this command in the group's private channel, or name the group with the `group` option."),
        ("add", group.facilitator, here, {"user": robot},
         f"<@{robot.id}> is a bot: bots are not guests of working groups."),
        ("add", group.facilitator, here, {"user": group.members[2]},
         f"<@{group.members[2].id}> is already in the group Ouest – Rennes."),
        ("add", group.facilitator, here, {"user": gone},
         f"<@{gone.id}> is not a member of this server: Discord opens a channel only to members "
         "of the server. Invite them to the server first, then add them."),
        ("add", group.facilitator, here, {"user": guest, "until": "01/01/2027"}, "“01/01/2027” is in the past."),
        ("add", group.facilitator, here, {"user": guest, "until": "2027-03-15"},
         f"“2027-03-15” is more than 60 days away: a guest stays 60 days at most, until "
         f"<t:{int(datetime(2027, 3, 11, 22, 59, tzinfo=UTC).timestamp())}:D> at the latest."),
        ("add", group.facilitator, here, {"user": guest, "until": "9999-12-31 23:59"}, "“9999-12-31 23:59” is more than 2 years from today"),
        ("add", group.facilitator, here, {"user": guest, "note": "x" * 201},
         "The note has 201 characters; 200 at most."),
        ("add", group.facilitator, here, {"user": guest, "group": "#999999"}, "There is no group “999999”"),
        ("remove", group.facilitator, here, {"user": guest},
         f"<@{guest.id}> is not a guest of the group Ouest – Rennes."),
        ("remove", group.members[4], here, {"user": guest}, "Only the facilitator"),
    ]  # fmt: skip
    for command, user, channel, options, expected in cases:
        before = await snapshot(sqlite_engine)
        res = await fake.slash(
            f"group guest {command}", user=user, channel=channel, options=options, locale="en-US"
        )
        assert res.ephemeral and expected in (res.content or ""), (options, res.content)
        assert changed_tables(before, await snapshot(sqlite_engine)) == [], options
    assert not [o for o in group.channel.overwrites.values() if o.type == 1]
    assert fake.count("PUT", r"/channels/\d+/permissions/\d+$") == 0


async def test_help_shows_the_guest_commands_to_those_who_run_a_group(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    line = "`/group guest add` — Open a group's channel to a guest until a date"
    for person, shown in ((group.facilitator, True), (group.secretary, True),
                          (fake.owner, True), (group.members[3], False)):  # fmt: skip
        res = await fake.slash("help", user=person, locale="en-US")
        assert (line in res.text) is shown, person
        assert ("`/group guest remove`" in res.text) is shown
    french = await fake.slash("help", user=group.facilitator, locale="fr")
    assert "`/groupe invité ajouter` — Ouvrir le salon d'un groupe" in french.text
