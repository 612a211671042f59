"""`/cycle` and the phase announcements, with time moved by the test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.work import WAKER
from storage import cycles
from storage.database import session_factory
from tests.clock import MovableClock
from tests.cycles.helpers import announcements_of
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel
from tests.harness import running_bot

BEFORE_CYCLE = datetime(2020, 10, 15, 10, 0, tzinfo=UTC)
PREPARATION = datetime(2020, 11, 1, 8, 0, tzinfo=UTC)  # 09:00 in Paris
APPROPRIATION = datetime(2021, 1, 1, 8, 0, tzinfo=UTC)


async def configured(fake: FakeDiscord, bot: SipBot, clock: MovableClock) -> Channel:
    clock.set(BEFORE_CYCLE)
    annonces = fake.add_text_channel("annonces")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    res = await fake.slash(
        "cycle create", user=fake.owner, options={"name": "2020-2021"}, locale="fr"
    )
    assert res.ephemeral and res.content == (
        "Cycle 2020-2021 créé. Chaque phase sera annoncée dans le salon d'annonces à son début."
    )
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(
        lambda: scheduler.planned(WAKER) is not None, what="the announcements to be planned"
    )
    return annonces


def announcements(fake: FakeDiscord, channel: Channel) -> list[str]:
    return [m.embeds[0]["title"] for m in fake.messages_in(channel.id) if m.embeds]


async def test_create_gives_the_seven_phases_of_2020_21(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    clock.set(BEFORE_CYCLE)
    res = await fake.slash(
        "cycle create", user=fake.owner, options={"name": "2020-2021"}, locale="en-US"
    )
    card = res.embeds[0]
    assert card["title"] == "Cycle 2020-2021 (in preparation)"
    assert card["description"].count("🗓️") == 7
    assert f"<t:{int(PREPARATION.timestamp())}:F>" in card["description"]
    last_end = datetime(2021, 5, 30, 21, 59, tzinfo=UTC)
    assert f"<t:{int(last_end.timestamp())}:F>" in card["description"]
    async with session_factory(sqlite_engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None and cycle.first_year == 2020
        phases = await cycles.phases_of(db, cycle.id)
    assert len(phases) == 7
    assert min(p.starts_at for p in phases) == PREPARATION
    assert max(p.ends_at for p in phases) == last_end


async def test_calendar_marks_current_phases_for_members(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock
) -> None:
    await configured(fake, bot, clock)
    clock.set(datetime(2021, 1, 25, 12, 0, tzinfo=UTC))
    member = fake.add_member("noor", locale="nl")
    res = await fake.slash("cycle calendar", user=member)
    assert res.ephemeral
    description = res.embeds[0]["description"]
    assert description.count("*nu bezig*") == 3  # appropriation, emergence, experiments overlap
    assert description.count("✅") == 1  # preparation is over
    assert "De thema's eigen maken" in description


async def test_phases_are_announced_once_at_their_start(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces = await configured(fake, bot, clock)
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(
        lambda: scheduler.planned(WAKER) == PREPARATION, what="the first phase to be planned"
    )
    clock.set(PREPARATION - timedelta(seconds=1))
    await scheduler.clock_moved()
    assert announcements(fake, annonces) == []
    clock.set(PREPARATION)
    await scheduler.clock_moved()
    assert announcements(fake, annonces) == ["📣 Début de la phase : Préparation"]
    message = fake.messages_in(annonces.id)[0]
    assert "**Ce que vous pouvez faire maintenant :**" in message.embeds[0]["description"]
    assert "footer" not in message.embeds[0]  # on time: not marked late
    await scheduler.clock_moved()
    await scheduler.wake(WAKER)
    assert len(announcements(fake, annonces)) == 1
    assert scheduler.planned(WAKER) == APPROPRIATION
    async with session_factory(sqlite_engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.status == "running"
        item = (await announcements_of(db, cycle.id))["preparation"]
    # posted with the work item's nonce: a retry after a crash gets this message back
    assert message.nonce == f"sipw{item.id}" and item.result_id == message.id
    assert (item.state, item.late) == ("done", False)


async def test_missed_phase_is_announced_late_after_a_restart_and_never_twice(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        annonces = await configured(fake, bot, clock)
        clock.set(PREPARATION + timedelta(minutes=1))
        assert bot.services.scheduler is not None
        await bot.services.scheduler.clock_moved()
        assert len(announcements(fake, annonces)) == 1
    # offline across the start of appropriation (1 Jan) and experiments (15 Jan)
    clock.set(datetime(2021, 1, 16, 12, 0, tzinfo=UTC))
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(
            lambda: len(announcements(fake, annonces)) == 3, what="late announcements"
        )
        titles = announcements(fake, annonces)
        assert titles[1:] == [
            "📣 Début de la phase : Appropriation des thématiques",
            "📣 Début de la phase : Expérimentations",
        ]
        late = [m for m in fake.messages_in(annonces.id) if m.embeds and "footer" in m.embeds[0]]
        assert [m.embeds[0]["footer"]["text"] for m in late] == [
            "Annonce en retard : le bot était hors ligne au début de cette phase."
        ] * 2
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(lambda: fake.connected_clients >= 1, what="third start")
    assert len(announcements(fake, annonces)) == 3


async def test_a_phase_that_ended_while_offline_is_skipped(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        annonces = await configured(fake, bot, clock)
    clock.set(datetime(2021, 1, 2, 12, 0, tzinfo=UTC))  # preparation ended on 31 Dec
    async with running_bot(fake, sqlite_engine, clock):
        await fake.wait_for(
            lambda: len(announcements(fake, annonces)) == 1, what="the appropriation announcement"
        )
    assert announcements(fake, annonces) == ["📣 Début de la phase : Appropriation des thématiques"]
    async with session_factory(sqlite_engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None and cycle.status == "running"
        states = await announcements_of(db, cycle.id)
    assert states["preparation"].state == "skipped" and states["appropriation"].state == "done"
    (posted,) = fake.messages_in(annonces.id)
    assert states["appropriation"].result_id == posted.id


async def test_moving_a_phase_moves_its_announcement(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock
) -> None:
    annonces = await configured(fake, bot, clock)
    res = await fake.slash(
        "cycle phase",
        user=fake.owner,
        options={"phase": "preparation", "start": "05/11/2020 18h00", "end": "2020-12-31"},
        locale="en-US",
    )
    new_start = datetime(2020, 11, 5, 17, 0, tzinfo=UTC)
    assert res.content is not None and res.content.startswith(
        f"Preparation now runs from <t:{int(new_start.timestamp())}:F>"
    )
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(
        lambda: scheduler.planned(WAKER) == new_start, what="the moved phase to be planned"
    )
    clock.set(PREPARATION + timedelta(hours=1))
    await scheduler.clock_moved()
    assert announcements(fake, annonces) == []
    clock.set(new_start)
    await scheduler.clock_moved()
    assert announcements(fake, annonces) == ["📣 Début de la phase : Préparation"]


async def test_a_closed_cycle_announces_nothing_more(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    annonces = await configured(fake, bot, clock)
    res = await fake.slash("cycle close", user=fake.owner, locale="en-US")
    assert res.message is not None
    await fake.click(res.message, "sip:cycle:close:yes", user=fake.owner, locale="en-US")
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(lambda: scheduler.planned(WAKER) is None, what="nothing left to plan")
    clock.set(APPROPRIATION + timedelta(days=1))
    await scheduler.clock_moved()
    await scheduler.wake(WAKER)
    assert announcements(fake, annonces) == []
    async with session_factory(sqlite_engine)() as db:
        cycle = await cycles.cycle_named(db, fake.guild.id, "2020-2021")
        assert cycle is not None and cycle.status == "closed"
        items = await announcements_of(db, cycle.id)
    assert {i.state for i in items.values()} == {"cancelled"}
    assert {i.note for i in items.values()} == {"cycle closed"}


async def test_without_an_announcements_channel_the_announcement_fails_with_a_note(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    clock.set(BEFORE_CYCLE)
    await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"})
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(lambda: scheduler.planned(WAKER) == PREPARATION, what="the plan")
    clock.set(PREPARATION)
    await scheduler.clock_moved()
    async with session_factory(sqlite_engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.status == "running"
        item = (await announcements_of(db, cycle.id))["preparation"]
    assert (item.state, item.note, item.attempts) == ("failed", "no announcements channel", 1)


async def test_bad_phase_input_changes_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await configured(fake, bot, clock)
    cases = [
        ({"start": "01/10/2020", "end": "31/12/2020"}, "The new start is in the past."),
        ({"start": "2020-12-31", "end": "2020-11-05"}, "The start must come before the end."),
        (
            {"start": "demain", "end": "2020-12-31"},
            "“demain” is not a date I can read. Accepted forms: 2021-03-31 18:00",
        ),
        ({"start": "2020-11-05", "end": "2021-09-30"}, "The dates must stay inside the cycle"),
        ({"start": "30/02/2021", "end": "2021-03-30"}, "“30/02/2021” is not a real date or time."),
    ]
    for dates, expected in cases:
        res = await fake.slash(
            "cycle phase",
            user=fake.owner,
            options={"phase": "preparation", **dates},
            locale="en-US",
        )
        assert res.ephemeral
        assert (res.content or "").startswith(expected), res.content
    async with session_factory(sqlite_engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None
        phase = await cycles.phase(db, cycle.id, "preparation")
    assert phase is not None and phase.starts_at == PREPARATION


async def test_one_running_cycle_then_close_with_confirmation(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await configured(fake, bot, clock)
    res = await fake.slash(
        "cycle create", user=fake.owner, options={"name": "2021-2022"}, locale="en-US"
    )
    assert res.content == (
        "The cycle “2020-2021” is still open. Close it first with /cycle close, then create the new one."
    )
    res = await fake.slash("cycle close", user=fake.owner, locale="en-US")
    assert res.ephemeral and res.message is not None
    assert res.content is not None and "cannot be undone" in res.content
    clicked = await fake.click(res.message, "sip:cycle:close:yes", user=fake.owner, locale="en-US")
    assert clicked.content == "Cycle 2020-2021 closed and archived."
    async with session_factory(sqlite_engine)() as db:
        assert await cycles.open_cycle(db, fake.guild.id) is None
    res = await fake.slash(
        "cycle create", user=fake.owner, options={"name": "2021-2022"}, locale="en-US"
    )
    assert (
        res.content
        == "Cycle 2021-2022 created. Each phase will be announced in the announcements channel when it starts."
    )
    res = await fake.slash(
        "cycle create", user=fake.owner, options={"name": "2020-2021 bis", "first_year": 1800}
    )
    assert res.ephemeral and "1800" in (res.content or "")


async def test_members_see_the_calendar_but_cannot_change_it(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock
) -> None:
    member = fake.add_member("lou", locale="fr")
    res = await fake.slash("cycle calendar", user=member)
    assert res.content == "Aucun cycle n'est ouvert. L'organisation en crée un avec /cycle créer."
    res = await fake.slash("cycle create", user=member, options={"name": "2020-2021"})
    assert res.ephemeral and (res.content or "").startswith(
        "Cette commande est réservée aux organisateur·ices"
    )
