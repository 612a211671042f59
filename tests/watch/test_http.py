"""/healthz and /metrics, read with a real HTTP client while the bot runs against the
fake Discord: healthy, then 503 while the gateway is cut (and healthy again once it
resumes, counted as a reconnection); 503 while the database does not answer or while
scheduled work waits past ten minutes; counters that move with commands (by command
and outcome, with the time to the first answer) and with scheduled work (by kind and
outcome)."""

from __future__ import annotations

import math
import socket
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.kit import work
from bot.kit.watch import gateway_connected
from storage import work as work_store
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import build_bot, eventually, running_bot
from tests.watch.helpers import Reader, sample, watched_bot


async def test_healthz_is_ok_then_503_while_the_gateway_is_cut_then_ok_once_resumed(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with watched_bot(fake, sqlite_engine, clock) as (bot, reader):
        status, body = await reader.health()
        assert status == 200, body
        assert body["status"] == "ok" and body["problems"] == []
        assert body["gateway_connected"] is True and body["database_reachable"] is True
        assert body["work_due"] == 0 and body["oldest_due_seconds"] == 0
        assert body["overdue_after_seconds"] == 600
        found = await reader.metrics()
        assert sample(found, "sipbot_gateway_connected") == 1
        assert sample(found, "sipbot_gateway_reconnects_total") == 0

        await fake.cut_gateway()
        await fake.wait_for(lambda: not gateway_connected(bot), what="the bot to lose the gateway")
        status, body = await reader.health()
        assert status == 503, body
        assert body["status"] == "unhealthy" and body["problems"] == ["gateway not connected"]
        assert body["gateway_connected"] is False and body["database_reachable"] is True
        assert sample(await reader.metrics(), "sipbot_gateway_connected") == 0
        await fake.wait_for(lambda: fake.gateway.refused >= 1, what="a refused reconnection")
        assert (await reader.health())[0] == 503  # still cut: reconnections are refused

        fake.restore_gateway()
        await fake.wait_for(
            lambda: gateway_connected(bot), timeout=20, what="the bot to resume its session"
        )
        status, body = await reader.health()
        assert status == 200 and body["gateway_connected"] is True, body
        found = await reader.metrics()
        assert sample(found, "sipbot_gateway_reconnects_total") == 1
        assert sample(found, "sipbot_gateway_connected") == 1
        latency = sample(found, "sipbot_gateway_latency_seconds")
        assert latency is not None and (math.isnan(latency) or 0 <= latency < 5)


async def test_counters_move_with_commands_by_outcome_with_the_time_to_the_first_answer(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with watched_bot(fake, sqlite_engine, clock) as (bot, reader):
        before = await reader.metrics()
        assert sample(before, "sipbot_interaction_response_seconds_count") == 0
        alice = fake.add_member("alice")
        for person in (alice, fake.owner):
            assert (await fake.slash("help", user=person)).ephemeral
        refused = await fake.slash("setup show", user=alice)
        assert refused.ephemeral and refused.content
        # the database fails under a command: an unexpected error, with a reference
        broken = create_async_engine("sqlite+aiosqlite:////nonexistent-sipbot-dir/x.db")
        kept = bot.services.engine, bot.services.db
        bot.services.engine, bot.services.db = broken, session_factory(broken)
        try:
            failed = await fake.slash("cycle calendar", user=alice)
            status, body = await reader.health()
        finally:
            bot.services.engine, bot.services.db = kept
            await broken.dispose()
        assert failed.ephemeral and "donnez cette référence" in (failed.content or "")
        assert status == 503 and body["problems"] == ["database unreachable"], body
        assert body["database_reachable"] is False and body["work_due"] is None

        found = await reader.metrics()
        counts = {
            (dict(labels)["command"], dict(labels)["outcome"]): value
            for (name, labels), value in found.items()
            if name == "sipbot_interactions_total"
        }
        assert counts == {
            ("help", "ok"): 2,
            ("setup show", "refused"): 1,
            ("cycle calendar", "error"): 1,
        }
        assert sample(found, "sipbot_interaction_response_seconds_count") == 4
        total = sample(found, "sipbot_interaction_response_seconds_sum")
        assert total is not None and 0 < total < 4 * 3
        within = sample(found, "sipbot_interaction_response_seconds_bucket", le="3.0")
        assert within == 4  # every first answer within Discord's 3 seconds
        assert (await reader.health())[0] == 200


async def test_work_is_counted_by_kind_and_outcome_and_overdue_work_is_unhealthy(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with watched_bot(fake, sqlite_engine, clock) as (bot, reader):
        works = bot.services.work
        answers = {"a": work.done(), "b": work.failed("refused"), "c": None}

        async def handle(job: work.Job) -> work.Outcome:
            outcome = answers[job.payload["name"]]
            if outcome is None:
                raise work.Retry("Discord is slow")
            return outcome

        works.register("watch_test", handle)
        now = clock.now()
        async with works.db() as db, db.begin():
            for name in answers:
                await works.add(db, kind="watch_test", key=f"watch:{name}", guild_id=fake.guild.id,
                                due_at=now - timedelta(minutes=11), payload={"name": name})  # fmt: skip
        # not poked yet: the engine has not seen them, they wait past ten minutes
        status, body = await reader.health()
        assert status == 503, body
        assert body["problems"] == ["scheduled work overdue for 660 s"]
        assert body["work_due"] == 3 and body["oldest_due_seconds"] == 660
        found = await reader.metrics()
        assert sample(found, "sipbot_work_due") == 3
        assert sample(found, "sipbot_work_oldest_due_seconds") == 660

        works.poke()

        async def settled() -> bool:
            async with works.db() as db:
                items = await work_store.items(db, kind="watch_test")
            return [i.state for i in items] == ["done", "failed", "pending"]

        await eventually(settled, "the engine to run the three items")
        status, body = await reader.health()
        assert status == 200 and body["work_due"] == 0, body  # the retry waits its back-off
        found = await reader.metrics()
        for outcome in ("done", "failed", "retried"):
            assert sample(found, "sipbot_work_items_total", kind="watch_test", outcome=outcome) == 1
        assert sample(found, "sipbot_work_due") == 0


async def test_the_watch_is_off_unless_a_port_is_set_and_listens_on_loopback(
    fake: FakeDiscord,
    sqlite_engine: AsyncEngine,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert build_bot(fake, sqlite_engine, clock).watch is None
    async with watched_bot(fake, sqlite_engine, clock) as (bot, reader):
        assert bot.watch is not None and bot.watch.host == "127.0.0.1"
        port = bot.watch.port
        assert isinstance(reader, Reader)
    # closed with the bot
    async with aiohttp.ClientSession() as http:
        try:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                raise AssertionError(f"still answering: {response.status}")
        except aiohttp.ClientConnectionError:
            pass
    # a port already taken: the bot does not start, and says where it could not listen
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with pytest.raises(OSError):
            async with running_bot(fake, sqlite_engine, clock, http_port=busy):
                raise AssertionError("started on a port already taken")
    assert f"cannot serve /healthz and /metrics on 127.0.0.1:{busy}" in caplog.text
