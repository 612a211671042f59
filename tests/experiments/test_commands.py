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


async def test_a_nudge_discord_refuses_is_lost_but_the_series_goes_on(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await start_experiment(fake, bot, group)
    row = await stored(sqlite_engine)
    thread = fake.channel(row.thread_id or 0)
    assert thread is not None
    fake.remove_channel(thread)
    await move_to(bot, clock, PHASE_START + timedelta(days=14))
    first, following = await nudges(sqlite_engine, row)
    assert (first.key, first.state, first.note) == (
        f"experiment:{row.id}:1", "done", "Discord refused the nudge; the series goes on",
    )  # fmt: skip
    assert (following.key, following.state, following.due_at) == (
        f"experiment:{row.id}:2", "pending", PHASE_START + timedelta(days=28),
    )  # fmt: skip
    assert (await stored(sqlite_engine)).status == "running"


async def test_a_nudge_discord_fails_to_take_is_posted_once_when_it_answers_again(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await start_experiment(fake, bot, group)
    row = await stored(sqlite_engine)
    fake.inject_fault("POST", rf"/channels/{row.thread_id}/messages$", 503, times=1)
    due = PHASE_START + timedelta(days=14)
    await move_to(bot, clock, due)
    assert len(thread_texts(fake, row)) == 1  # only the introduction
    (waiting,) = await nudges(sqlite_engine, row)
    assert (waiting.state, waiting.attempts) == ("pending", 1)
    await move_to(bot, clock, due + timedelta(seconds=30))
    texts = thread_texts(fake, row)
    assert len(texts) == 2 and texts[1].startswith("🧪 Point d'étape")
    (sent, _following) = await nudges(sqlite_engine, row)
    assert len(fake.posts_by_nonce(f"sipw{sent.id}")[f"sipw{sent.id}"]) == 2  # one nonce


async def test_evaluating_early_cancels_the_nudges_still_to_come(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await start_experiment(fake, bot, group)
    row = await stored(sqlite_engine)
    await move_to(bot, clock, PHASE_START + timedelta(days=3))
    opened = await fake.slash(
        "experiment evaluate", user=group.facilitator, channel=group.channel,
        options={"experiment": f"#{row.id}"}, locale="en-US",
    )  # fmt: skip
    assert opened.modal is not None
    await fake.submit_modal(
        f"sip:xp:eval:{row.id}:{group.facilitator.id}", {"done": "Deux permanences."},
        user=group.facilitator, channel=group.channel, locale="en-US",
    )  # fmt: skip
    assert (await stored(sqlite_engine)).status == "evaluated"
    assert [(n.key, n.state) for n in await nudges(sqlite_engine, row)] == [
        (f"experiment:{row.id}:1", "cancelled")
    ]
    assert await next_nudge_at(sqlite_engine, row) is None
    posted = len(thread_texts(fake, row))
    await move_to(bot, clock, PHASE_END + timedelta(days=1))
    assert len(thread_texts(fake, row)) == posted  # no check-in request, no evaluation request
