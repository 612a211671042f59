"""`/setup check` lists the guild's scheduled work in trouble, whatever its kind: what it
was, when it was due, what went wrong, and what to look at."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.work import WAKER
from storage import work
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import eventually

PREPARATION = datetime(2020, 11, 1, 8, 0, tzinfo=UTC)


def when(moment: datetime) -> str:
    unix = int(moment.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


async def add_item(
    engine: AsyncEngine,
    kind: str,
    key: str,
    due: datetime,
    *,
    guild_id: int,
    state: str = "pending",
    attempts: int = 0,
    last_error: str = "",
    note: str = "",
    finished_at: datetime | None = None,
) -> None:
    row = work.row(kind=kind, key=key, guild_id=guild_id, due_at=due, now=due, payload={})
    row.update(state=state, attempts=attempts, last_error=last_error, note=note,
               finished_at=finished_at)  # fmt: skip
    if state == "pending":  # waiting out its back-off: the engine leaves it alone meanwhile
        row["next_at"] = due + timedelta(days=3)
    async with session_factory(engine)() as db, db.begin():
        assert await work.add_many(db, [row]) == 1


async def test_check_lists_a_phase_announcement_that_failed(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    clock.set(PREPARATION - timedelta(days=10))
    await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"})
    scheduler = bot.services.scheduler
    assert scheduler is not None
    await fake.wait_for(lambda: scheduler.planned(WAKER) == PREPARATION, what="the plan")
    clock.set(PREPARATION)
    await scheduler.clock_moved()

    async def failed() -> bool:
        async with session_factory(sqlite_engine)() as db:
            return any(i.state == "failed" for i in await work.items(db, kind="phase_start"))

    await eventually(failed, "the announcement to fail")
    res = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert (
        f"⚠️ Phase start announcement, due {when(PREPARATION)}: given up "
        "(“no announcements channel”). Fix: check the bot's permissions in that channel "
        "(see the checks above), then do it again if it is still needed."
    ) in res.text
    assert "No announcements channel. Fix: /setup channel." in res.text
    res = await fake.slash("setup check", user=fake.owner, locale="fr")
    assert f"L'annonce du début d'une phase, à faire {when(PREPARATION)} : abandon" in res.text


async def test_check_lists_failing_work_of_every_kind_in_the_readers_language(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    now = clock.now()
    guild = fake.guild.id
    due = now - timedelta(hours=2)
    await add_item(sqlite_engine, "reminder", "reminder:1:1:60", due, guild_id=guild,
                   attempts=4, last_error="DiscordServerError: 503 Service Unavailable")  # fmt: skip
    await add_item(sqlite_engine, "newer_kind", "newer:1", due + timedelta(minutes=1),
                   guild_id=guild, state="failed", attempts=1, note="Discord 403: Missing Access",
                   finished_at=now - timedelta(days=1))  # fmt: skip
    # not shown: too few attempts yet, refused too long ago, another server's
    await add_item(sqlite_engine, "reminder", "reminder:1:1:1440", due, guild_id=guild,
                   attempts=2, last_error="TimeoutError")  # fmt: skip
    await add_item(sqlite_engine, "session_event", "event:old", due - timedelta(days=40),
                   guild_id=guild, state="failed", attempts=1, note="old refusal",
                   finished_at=now - timedelta(days=31))  # fmt: skip
    await add_item(sqlite_engine, "reminder", "reminder:9:1:60", due, guild_id=guild + 1,
                   attempts=9, last_error="elsewhere")  # fmt: skip
    res = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert (
        f"⚠️ Session reminder, due {when(due)}: failed 4 times so far "
        "(“DiscordServerError: 503 Service Unavailable”); I keep trying. "
        "Fix: check the bot's permissions in that channel (see the checks above)."
    ) in res.text
    assert (
        f"⚠️ Scheduled task (newer_kind), due {when(due + timedelta(minutes=1))}: given up "
        "(“Discord 403: Missing Access”)."
    ) in res.text
    assert "TimeoutError" not in res.text and "old refusal" not in res.text
    assert "elsewhere" not in res.text
    dutch = await fake.slash("setup check", user=fake.owner, locale="nl")
    assert f"De herinnering aan een sessie, gepland {when(due)}: al 4 keer mislukt" in dutch.text
    assert "Een geplande taak (newer_kind)" in dutch.text


async def test_a_long_list_of_troubles_is_cut_with_a_count_and_errors_are_excerpts(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    due = clock.now() - timedelta(days=1)
    for n in range(11):
        await add_item(sqlite_engine, "assembly_close", f"assembly:{n}", due + timedelta(minutes=n),
                       guild_id=fake.guild.id, attempts=3,
                       last_error="HTTPException: " + "x" * 290 + "`\nend")  # fmt: skip
    res = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert res.text.count("Closing of an assembly vote, due") == 8
    assert "… and 3 more scheduled task(s) in trouble." in res.text
    assert "`" not in res.text  # quoted back on one line, without breaking the markdown
    assert "HTTPException: " + "x" * 104 + "…”" in res.text


async def test_every_kind_of_work_the_bot_registers_is_named_in_every_language(
    bot: SipBot,
) -> None:
    """`/setup check` names a kind in the reader's words: none falls back to its code."""
    catalog = bot.services.catalog
    unnamed = [
        f"{language}: {kind}"
        for kind in bot.services.work.handlers
        for language in ("fr", "en", "nl")
        if not catalog.has(language, f"check.work.kind.{kind}")
    ]
    assert not unnamed
    assert {"draft_answer", "draft_answer_note", "followup_post"} <= set(bot.services.work.handlers)
