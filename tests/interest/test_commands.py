"""The interest poll through the fake Discord: reactions are votes."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import interest
from storage import work as work_store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot
from tests.interest.helpers import (
    DEADLINE,
    EMOJIS,
    eventually_equal,
    members,
    open_poll,
    prepare,
    reactions_as_votes,
    stored_votes,
    theme_ids,
    woken_by,
)


async def test_200_members_reacting_give_exact_tallies(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    people = members(fake, 200, societaires)
    chance = random.Random(2020)
    expected: dict[int, set[int]] = {}
    for person in people:
        for emoji in EMOJIS:
            if chance.random() < 0.45:
                await fake.react(message, emoji, person)
                expected.setdefault(person.id, set()).add(ids[emoji])
        if person.id in expected and chance.random() < 0.2:  # changes their mind
            emoji = chance.choice(sorted(e for e in EMOJIS if ids[e] in expected[person.id]))
            await fake.unreact(message, emoji, person)
            expected[person.id].discard(ids[emoji])
            if not expected[person.id]:
                del expected[person.id]
    await eventually_equal(bot, sqlite_engine, fake.guild.id, expected)
    res = await fake.slash("interest results", user=fake.owner, locale="en-US")
    fields = {f["name"]: f["value"] for f in res.embeds[0]["fields"]}
    for emoji, theme_id in ids.items():
        count = sum(1 for themes in expected.values() if theme_id in themes)
        assert any(name.startswith(emoji) and name.endswith(f"— {count}") for name in fields), (
            emoji,
            count,
            fields,
        )
    assert (
        f"{len(expected)} member(s) answered; {len(expected)} without a complete profile."
        in res.text
    )


async def test_non_members_are_removed_and_told_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    (member,) = members(fake, 1, societaires)
    visitor = fake.add_member("visiteur")
    await fake.react(message, "1️⃣", member)
    await fake.react(message, "1️⃣", visitor)
    await fake.wait_for(
        lambda: visitor.id not in fake.world.messages[message.id].reactions["1️⃣"].users,
        what="removal",
    )
    await fake.react(message, "2️⃣", visitor)
    await fake.wait_for(
        lambda: visitor.id not in fake.world.messages[message.id].reactions["2️⃣"].users,
        what="removal",
    )
    await fake.wait_for(lambda: len(fake.dm_messages(visitor)) == 1, what="one DM")
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    await eventually_equal(bot, sqlite_engine, fake.guild.id, {member.id: {ids["1️⃣"]}})
    assert len(fake.dm_messages(visitor)) == 1
    assert "seuls les sociétaires (rôle Sociétaires)" in (
        fake.dm_messages(visitor)[0].content or ""
    )
    closed_dms = fake.add_member("discret", dms_open=False)
    await fake.react(message, "3️⃣", closed_dms)
    await fake.wait_for(
        lambda: closed_dms.id not in fake.world.messages[message.id].reactions["3️⃣"].users,
        what="removal",
    )
    assert all(not m.content or "discret" not in m.content for m in fake.messages_in(annonces.id))


async def test_closing_at_the_deadline_posts_results_and_stops_counting(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces, deadline="2020-11-15 18:00")
    ids = await theme_ids(sqlite_engine, fake.guild.id)
    alice, bob = members(fake, 2, societaires)
    await fake.react(message, "1️⃣", alice)
    await fake.react(message, "2️⃣", alice)
    await fake.react(message, "2️⃣", bob)
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(lambda: woken_by(bot, DEADLINE), what="the closing to be planned")
    clock.set(DEADLINE)
    await scheduler.clock_moved()
    results = [
        m
        for m in fake.messages_in(annonces.id)
        if m.embeds and m.embeds[0]["title"] == "Résultats du sondage d'intérêt"
    ]
    assert len(results) == 1
    assert "2️⃣ **Horizon post-crise** : 2" in results[0].embeds[0]["description"]
    assert fake.world.messages[message.id].components == []  # the profile button is gone
    assert (
        "Les réactions ajoutées depuis ne comptent pas."
        in fake.world.messages[message.id].embeds[0]["description"]
    )
    await fake.react(message, "3️⃣", bob)  # too late
    await scheduler.clock_moved()
    await eventually_equal(
        bot, sqlite_engine, fake.guild.id, {alice.id: {ids["1️⃣"], ids["2️⃣"]}, bob.id: {ids["2️⃣"]}}
    )
    assert (
        len(
            [
                m
                for m in fake.messages_in(annonces.id)
                if m.embeds and m.embeds[0]["title"].startswith("Résultats")
            ]
        )
        == 1
    )


async def test_reactions_while_offline_are_reconciled_at_start_up(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        annonces, societaires = await prepare(fake, clock)
        message = await open_poll(fake, annonces)
        people = members(fake, 30, societaires)
        for person in people[:20]:
            await fake.react(message, "1️⃣", person)
        ids = await theme_ids(sqlite_engine, fake.guild.id)
        await eventually_equal(
            bot, sqlite_engine, fake.guild.id, {p.id: {ids["1️⃣"]} for p in people[:20]}
        )
        bot_id = fake.bot_user.id
    for person in people[:5]:  # offline: some change their minds, others arrive
        await fake.unreact(message, "1️⃣", person)
    for person in people[20:]:
        await fake.react(message, "4️⃣", person)
    await fake.react(message, "2️⃣", people[0])
    truth = reactions_as_votes(fake, message, ids, bot_id)
    assert len(truth) == 26
    async with running_bot(fake, sqlite_engine, clock) as bot:
        cog: Any = bot.get_cog("InterestCog")
        await fake.wait_for(lambda: cog.reconciled, what="the start-up reconciliation")
        assert await stored_votes(sqlite_engine, fake.guild.id) == truth


async def test_profile_with_select_menus_then_frozen_at_close(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    (camille,) = members(fake, 1, societaires)
    res = await fake.click(message, "sip:interest:profile", user=camille, locale="fr")
    assert res.ephemeral and res.message is not None
    assert (res.content or "").startswith("Vous n'avez pas encore de profil.")
    custom_ids = [c["custom_id"] for row in res.components for c in row["components"]]
    assert custom_ids == ["sip:profile:office", "sip:profile:mode", "sip:profile:volunteer"]
    res = await fake.click(
        res.message, "sip:profile:office", user=camille, values=["Rennes"], locale="fr"
    )
    assert "bureau : Rennes" in (res.content or "")
    res = await fake.click(
        res.message or message, "sip:profile:mode", user=camille, values=["online"], locale="fr"
    )
    res = await fake.click(
        res.message or message,
        "sip:profile:volunteer",
        user=camille,
        values=["facilitate", "take_notes"],
        locale="fr",
    )
    assert res.content == (
        "**Votre profil** — bureau : Rennes · réunions : en visio · volontariat : animer un groupe, "
        "prendre des notes. Chaque modification est enregistrée aussitôt."
    )
    bad = await fake.click(
        res.message or message, "sip:profile:office", user=camille, values=["Atlantis"], locale="fr"
    )
    assert (
        bad.ephemeral
        and bad.content
        == "« Atlantis » n'est pas un bureau de la coopérative. Choisissez-en un dans la liste."
    )
    async with session_factory(sqlite_engine)() as db:
        saved = await interest.profile(db, fake.guild.id, camille.id)
    assert saved is not None
    assert (saved.office, saved.mode, saved.facilitate, saved.take_notes) == (
        "Rennes",
        "online",
        True,
        True,
    )
    await fake.slash("interest close", user=fake.owner)
    again = await fake.slash("interest profile", user=camille, locale="fr")
    late = await fake.click(
        again.message or message,
        "sip:profile:mode",
        user=camille,
        values=["in_person"],
        locale="fr",
    )
    assert (late.content or "").startswith("Le sondage d'intérêt est clôturé")
    async with session_factory(sqlite_engine)() as db:
        unchanged = await interest.profile(db, fake.guild.id, camille.id)
    assert unchanged is not None and unchanged.mode == "online"
    visitor = fake.add_member("visiteur")
    refused = await fake.slash("interest profile", user=visitor, locale="en-US")
    assert refused.content == (
        "Only members of the cooperative have a profile here. Ask the organisers if you should have the member role."
    )


async def test_bad_input_opens_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    res = await fake.slash(
        "interest open", user=fake.owner, options={"deadline": "2027-06-01"}, locale="en-US"
    )
    assert res.content == "There is no open cycle. An organiser creates one with /cycle create."
    annonces, _role = await prepare(fake, clock)
    for deadline, expected in [
        ("01/11/2020 10h00", "“01/11/2020 10h00” is in the past."),
        ("next week", "“next week” is not a date I can read."),
        ("9999-12-31 23:59", "“9999-12-31 23:59” is more than 2 years from today"),
    ]:
        res = await fake.slash(
            "interest open", user=fake.owner, options={"deadline": deadline}, locale="en-US"
        )
        assert res.ephemeral and (res.content or "").startswith(expected), res.content
    assert [
        m
        for m in fake.messages_in(annonces.id)
        if m.embeds and m.embeds[0]["title"].startswith("🗳️")
    ] == []
    await open_poll(fake, annonces)
    res = await fake.slash(
        "interest open", user=fake.owner, options={"deadline": "20/11/2020"}, locale="en-US"
    )
    assert (
        res.content
        == "An interest poll is already open for this cycle. Close it with /interest close first."
    )
    assert (
        len(
            [
                m
                for m in fake.messages_in(annonces.id)
                if m.embeds and m.embeds[0]["title"].startswith("🗳️")
            ]
        )
        == 1
    )


async def test_a_poll_whose_channel_was_deleted_still_closes_once(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces, _societaires = await prepare(fake, clock)
    await open_poll(fake, annonces, deadline="2020-11-15 18:00")
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(lambda: woken_by(bot, DEADLINE), what="the closing to be planned")
    fake.remove_channel(annonces)
    clock.set(DEADLINE)
    await scheduler.clock_moved()
    async with session_factory(sqlite_engine)() as db:
        assert await interest.open_polls(db) == []
        (closing,) = await work_store.items(db, kind="interest_close")
        # closed for good: no retry loop
        assert (closing.state, closing.attempts, closing.result_id) == ("done", 1, None)
        assert await work_store.next_wake_at(db, ["interest_close"]) is None
    res = await fake.slash("interest results", user=fake.owner, locale="en-US")
    assert res.ephemeral and res.embeds[0]["title"] == "Interest poll results"
