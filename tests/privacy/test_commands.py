"""`/privacy export` and `/privacy forget`, and members leaving, through the fake Discord."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import interest, privacy
from storage.database import session_factory
from storage.models import (
    AssemblyVote,
    AuditLog,
    Ballot,
    Draft,
    DraftVersion,
    Endorsement,
    Experiment,
    ExperimentCheckin,
    GroupSession,
    InterestPoll,
    InterestVote,
    SessionMinutes,
    TimePoll,
    TimeSlot,
    TimeVote,
    WorkGroup,
)
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import eventually
from tests.interest.helpers import (
    EMOJIS,
    eventually_equal,
    members,
    open_poll,
    prepare,
    theme_ids,
)
from tests.sessions.helpers import NOW, published_group


async def seed_writings(engine: AsyncEngine, guild_id: int, group_id: int, member_id: int) -> None:
    """A draft version, an endorsement and a secret ballot, written straight to the tables."""
    async with session_factory(engine)() as db, db.begin():
        group = await db.get(WorkGroup, group_id)
        assert group is not None
        draft = Draft(guild_id=guild_id, cycle_id=group.cycle_id, theme_id=group.theme_id, group_id=group_id, title="Permanences",
                      created_by=member_id, created_at=NOW, updated_at=NOW)  # fmt: skip
        db.add(draft)
        await db.flush()
        db.add(
            DraftVersion(
                draft_id=draft.id,
                number=1,
                text="Ouvrir des permanences.",
                author_id=member_id,
                created_at=NOW,
            )
        )
        db.add(Endorsement(draft_id=draft.id, member_id=member_id, created_at=NOW))
        vote = AssemblyVote(
            guild_id=guild_id,
            title="Thèmes 2027",
            options='["A", "B"]',
            deadline=NOW,
            channel_id=1,
            created_at=NOW,
        )
        db.add(vote)
        await db.flush()
        db.add(Ballot(vote_id=vote.id, member_id=member_id, choices="[1]", updated_at=NOW))


async def seed_votes_and_notes(
    engine: AsyncEngine, guild_id: int, group_id: int, member_id: int
) -> None:
    """An interest vote, a time-poll vote, minutes and an experiment check-in by the member."""
    async with session_factory(engine)() as db, db.begin():
        group = await db.get(WorkGroup, group_id)
        assert group is not None
        poll = InterestPoll(
            guild_id=guild_id, cycle_id=group.cycle_id, channel_id=1, deadline=NOW, created_at=NOW
        )
        db.add(poll)
        time_poll = TimePoll(
            guild_id=guild_id, group_id=group_id, channel_id=1, deadline=NOW, created_at=NOW
        )
        db.add(time_poll)
        await db.flush()
        slot = TimeSlot(poll_id=time_poll.id, position=0, starts_at=NOW)
        db.add(slot)
        experiment = Experiment(guild_id=guild_id, cycle_id=group.cycle_id, group_id=group_id, title="E", starts_at=NOW,
                                ends_at=NOW, created_at=NOW, updated_at=NOW)  # fmt: skip
        db.add(experiment)
        await db.flush()
        db.add(
            InterestVote(
                poll_id=poll.id, member_id=member_id, theme_id=group.theme_id, created_at=NOW
            )
        )
        db.add(TimeVote(poll_id=time_poll.id, slot_id=slot.id, member_id=member_id, created_at=NOW))
        db.add(
            ExperimentCheckin(
                experiment_id=experiment.id, text="Point", author_id=member_id, created_at=NOW
            )
        )
        (session,) = (await db.execute(select(GroupSession))).scalars().all()
        db.add(
            SessionMinutes(
                session_id=session.id, summary="Résumé", author_id=member_id, created_at=NOW
            )
        )


async def test_export_then_forget_leaves_only_the_audit_entry(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    member = group.members[2]
    await fake.slash(
        "session schedule",
        user=group.facilitator,
        channel=group.channel,
        options={"start": "20/01/2027 18h00"},
    )
    async with session_factory(sqlite_engine)() as db, db.begin():
        await interest.save_profile(
            db, fake.guild.id, member.id, NOW, office="Rennes", mode="either"
        )
    post = next(m for m in fake.messages_in(group.channel.id) if m.components)
    await fake.click(post, post.components[0]["components"][0]["custom_id"], user=member)  # RSVP
    await seed_writings(sqlite_engine, fake.guild.id, group.id, member.id)
    await seed_votes_and_notes(sqlite_engine, fake.guild.id, group.id, member.id)
    res = await fake.slash("privacy export", user=member, locale="en-US")
    assert res.ephemeral and (res.content or "").startswith("The attached file (JSON, UTF-8)")
    ((name, data),) = res.attachments
    exported = json.loads(data)
    records = exported["records"]
    assert name == "sipbot-my-data.json" and records["member_id"] == str(member.id)
    assert set(records["tables"]) >= {
        "member_profile", "rsvp", "group_member", "draft_version", "draft", "endorsement", "ballot",
    }  # fmt: skip
    assert records["tables"]["ballot"][0]["choices"] == [1]  # their own secret ballot, for them
    (ballot,) = exported["Your ballots in assembly votes"]  # in the reader's language
    assert ballot["Vote"] == "Thèmes 2027" and ballot["Your ballot"] == ["B"]
    ask = await fake.slash("privacy forget", user=member, locale="fr")
    assert ask.message is not None and (ask.content or "").startswith("Vous oublier ?")
    done = await fake.click(ask.message, "sip:privacy:forget:yes", user=member, locale="fr")
    assert (done.content or "").startswith("C'est fait : vous êtes oublié·e.")
    async with session_factory(sqlite_engine)() as db:
        assert await privacy.holds(db, member.id) == ["audit_log.actor_id"]
        query = select(AuditLog).where(AuditLog.actor_id == member.id)
        entries = (await db.execute(query)).scalars().all()
        versions = (await db.execute(select(DraftVersion))).scalars().all()
        any_detail = (await db.execute(select(AuditLog))).scalars().all()
    assert [e.action for e in entries] == ["privacy.forget"]
    assert [(v.text, v.author_id) for v in versions] == [
        ("Ouvrir des permanences.", None)
    ]  # kept, former member
    assert all(str(member.id) not in e.detail for e in any_detail)


async def test_forgotten_reactions_are_ignored_until_the_profile_is_opened(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    (camille,) = members(fake, 1, societaires)
    await fake.react(message, EMOJIS[0], camille)
    await eventually_equal(bot, sqlite_engine, fake.guild.id, {camille.id: {ids[EMOJIS[0]]}})
    ask = await fake.slash("privacy forget", user=camille)
    assert ask.message is not None
    await fake.click(ask.message, "sip:privacy:forget:yes", user=camille)
    await eventually_equal(bot, sqlite_engine, fake.guild.id, {})
    seen = asyncio.create_task(
        bot.wait_for("raw_reaction_add", check=lambda p: p.user_id == camille.id)
    )
    await fake.react(message, EMOJIS[1], camille)
    await asyncio.wait_for(seen, timeout=5)  # the bot has it queued
    await eventually_equal(bot, sqlite_engine, fake.guild.id, {})  # ignored while forgotten
    await fake.slash("interest profile", user=camille)  # opting in again
    await fake.react(message, EMOJIS[2], camille)
    await eventually_equal(bot, sqlite_engine, fake.guild.id, {camille.id: {ids[EMOJIS[2]]}})


async def test_a_member_leaving_takes_profile_and_pending_votes(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    stay, leave = members(fake, 2, societaires)
    for person in (stay, leave):
        await fake.react(message, EMOJIS[3], person)
    async with session_factory(sqlite_engine)() as db, db.begin():
        await interest.save_profile(db, fake.guild.id, leave.id, clock.now(), office="Gent")
    await eventually_equal(
        bot, sqlite_engine, fake.guild.id, {stay.id: {ids[EMOJIS[3]]}, leave.id: {ids[EMOJIS[3]]}}
    )
    fake.remove_member(leave)

    async def profile_gone() -> bool:
        async with session_factory(sqlite_engine)() as db:
            return await interest.profile(db, fake.guild.id, leave.id) is None

    await eventually(profile_gone, "the profile of the member who left to be removed")
    await eventually_equal(bot, sqlite_engine, fake.guild.id, {stay.id: {ids[EMOJIS[3]]}})
