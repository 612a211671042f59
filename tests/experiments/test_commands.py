"""Experiments through the fake Discord: thread, check-ins, nudges in time, evaluation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.work import WAKER
from storage import experiments as store
from storage import work as work_store
from storage.database import session_factory
from storage.models import Experiment, WorkItem
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot
from tests.sessions.helpers import Group, published_group

PHASE_START = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)  # 09:00 in Paris
PHASE_END = datetime(2027, 4, 15, 21, 59, tzinfo=UTC)


async def stored(engine: AsyncEngine) -> Experiment:
    async with session_factory(engine)() as db:
        (row,) = (await db.execute(select(Experiment))).scalars().all()
    return row


async def nudges(engine: AsyncEngine, row: Experiment) -> list[WorkItem]:
    async with session_factory(engine)() as db:
        return await work_store.items(db, kind="experiment_nudge", prefix=f"experiment:{row.id}:")


async def next_nudge_at(engine: AsyncEngine, row: Experiment) -> datetime | None:
    """When the pending nudge falls due (what the experiment row said before the engine)."""
    pending = [n.due_at for n in await nudges(engine, row) if n.state == "pending"]
    assert len(pending) <= 1, "one nudge is planned at a time"
    return pending[0] if pending else None


def thread_texts(fake: FakeDiscord, row: Experiment) -> list[str]:
    return [m.content or "" for m in fake.messages_in(row.thread_id or 0)]


async def start_experiment(fake: FakeDiscord, bot: SipBot, group: Group, **options: Any) -> Any:
    options = {
        "title": "Mutualiser la comptabilité",
        "goal": "Tester une permanence comptable partagée.",
        **options,
    }
    res = await fake.slash(
        "experiment start",
        user=group.facilitator,
        channel=group.channel,
        options=options,
        locale="fr",
    )
    scheduler = bot.services.scheduler
    assert scheduler is not None
    if (res.content or "").startswith("Expérimentation"):
        await fake.wait_for(
            lambda: scheduler.planned(WAKER) is not None, what="the nudges to be planned"
        )
    return res


async def move_to(bot: SipBot, clock: MovableClock, moment: datetime) -> None:
    clock.set(moment)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()


async def test_experiment_from_start_to_evaluation_across_a_restart(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock) as bot:
        group = await published_group(fake, sqlite_engine, clock)
        res = await start_experiment(fake, bot, group)
        assert (res.content or "").startswith(
            "Expérimentation « Mutualiser la comptabilité » lancée"
        )
        row = await stored(sqlite_engine)
        assert (row.starts_at, row.ends_at, await next_nudge_at(sqlite_engine, row)) == (
            PHASE_START,
            PHASE_END,
            PHASE_START + timedelta(days=14),
        )
        thread = fake.channel(row.thread_id or 0)
        assert (
            thread is not None
            and thread.parent_id == group.channel.id
            and thread.name == "🧪 Mutualiser la comptabilité"
        )
        assert thread_texts(fake, row)[0].startswith(
            "🧪 **Mutualiser la comptabilité**\nTester une permanence"
        )
        await move_to(bot, clock, PHASE_START + timedelta(days=14) - timedelta(seconds=1))
        assert len(thread_texts(fake, row)) == 1
        await move_to(bot, clock, PHASE_START + timedelta(days=14))
        assert thread_texts(fake, row)[1].startswith(
            "🧪 Point d'étape pour « Mutualiser la comptabilité »"
        )
        member = group.members[3]
        done = await fake.slash(
            "experiment checkin", user=member, channel=group.channel, locale="fr",
            options={"experiment": f"#{row.id}", "text": "Deux permanences tenues, 9 personnes venues."},
        )  # fmt: skip
        assert done.content == "Point d'étape enregistré pour « Mutualiser la comptabilité »."
        assert (
            thread_texts(fake, row)[2]
            == f"📍 Point d'étape de <@{member.id}> :\nDeux permanences tenues, 9 personnes venues."
        )
    clock.set(PHASE_START + timedelta(days=28, hours=2))  # the second nudge falls while offline
    async with running_bot(fake, sqlite_engine, clock) as bot:
        await fake.wait_for(
            lambda: len(thread_texts(fake, row)) == 4, what="the nudge missed while offline"
        )
        assert thread_texts(fake, row)[3].startswith("🧪 Point d'étape")
        await move_to(bot, clock, PHASE_END + timedelta(hours=1))
        await fake.wait_for(
            lambda: any("arrivée à son terme" in t for t in thread_texts(fake, row)),
            what="the evaluation request",
        )
        nudges = [t for t in thread_texts(fake, row) if t.startswith("🧪 ")]
        await move_to(bot, clock, PHASE_END + timedelta(days=30))
        assert [
            t for t in thread_texts(fake, row) if t.startswith("🧪 ")
        ] == nudges  # nothing after the request
        opened = await fake.slash(
            "experiment evaluate",
            user=group.secretary,
            channel=group.channel,
            options={"experiment": f"#{row.id}"},
            locale="fr",
        )
        assert opened.modal is not None
        answers = {
            "done": "Six permanences.",
            "worked": "La régularité.",
            "failed": "La visio.",
            "lessons": "Prévoir un lieu fixe.",
        }
        res = await fake.submit_modal(
            f"sip:xp:eval:{row.id}:{group.secretary.id}",
            answers,
            user=group.secretary,
            channel=group.channel,
            locale="fr",
        )
        assert res.content == "Évaluation de « Mutualiser la comptabilité » publiée et conservée."
    evaluation_post = thread_texts(fake, row)[-1]
    assert evaluation_post.startswith(
        "📋 **Évaluation de « Mutualiser la comptabilité »**\n\n**Ce qui a été fait**\nSix permanences."
    )
    assert evaluation_post.endswith(
        "**Ce que cela apprend aux recommandations**\nPrévoir un lieu fixe."
    )
    async with session_factory(sqlite_engine)() as db:
        saved = await store.evaluation(db, row.id)
    assert saved is not None and (saved.done, saved.lessons) == (
        "Six permanences.",
        "Prévoir un lieu fixe.",
    )
    assert (await stored(sqlite_engine)).status == "evaluated"


async def test_follow_up_circle_sees_late_check_ins(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await start_experiment(fake, bot, group)
    clock.set(PHASE_START + timedelta(days=20))
    listing = await fake.slash("experiment list", user=fake.owner, locale="en-US")
    assert "⚠️ **Mutualiser la comptabilité** · running · 0 check-in(s)" in listing.text
    assert "**check-in late**" in listing.text
    member_view = await fake.slash("experiment list", user=group.members[2], locale="en-US")
    assert "Mutualiser la comptabilité" in member_view.text
    outsider = await fake.slash("experiment list", user=fake.add_member("curieux"), locale="en-US")
    assert outsider.content == "No experiment yet."


async def test_bad_input_starts_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    cases = [
        ({"start": "01/03/2027", "end": "01/02/2027"}, "The end must come after the start."),
        (
            {"start": "01/12/2026", "end": "01/01/2027"},
            "The end is in the past: give a future end.",
        ),
        ({"title": "x" * 101}, "The name is 101 characters long: at most 100."),
        ({"start": "bientôt"}, "“bientôt” is not a date I can read."),
    ]
    for options, expected in cases:
        res = await fake.slash(
            "experiment start", user=group.facilitator, channel=group.channel, locale="en-US",
            options={"title": "Essai", "goal": "Apprendre.", **options},
        )  # fmt: skip
        assert res.ephemeral and (res.content or "").startswith(expected), res.content
    res = await fake.slash(
        "experiment start",
        user=group.members[3],
        channel=group.channel,
        options={"title": "Essai", "goal": "x"},
        locale="en-US",
    )
    assert (
        res.content
        == "Only the facilitator, the secretary of Ouest – Rennes or an organiser can do this."
    )
    async with session_factory(sqlite_engine)() as db:
        assert (await db.execute(select(Experiment))).scalars().all() == []
    await start_experiment(fake, bot, group, start="01/03/2027", end="30/03/2027")
    row = await stored(sqlite_engine)
    early = await fake.slash(
        "experiment evaluate",
        user=group.facilitator,
        channel=group.channel,
        options={"experiment": f"#{row.id}"},
        locale="en-US",
    )
    assert (
        early.content
        == "“Mutualiser la comptabilité” has not started yet: evaluate it once it has run."
    )
