"""Past one process: a standby that takes over the gateway, and shards over processes.

Both run real `python -m bot` processes on one PostgreSQL database against the fake.
The fake records how many sessions each shard had live at any moment, so "never two
processes on one shard's gateway" is measured, not assumed.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import gateway, work
from storage.database import session_factory
from storage.models import Cycle, GuildConfig, Phase
from tests.databases import postgres_scratch_database
from tests.e2e.process import bot_environment
from tests.e2e.reminder_setup import (
    NONCE_PREFIX,
    SESSION_NUMBER,
    all_sent,
    reminder_states,
    seed_reminders,
    spawn_bot,
    spread,
    stop_bot,
    tail,
)
from tests.e2e.test_reminder_faults import until, wait_quietly
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Guild

ROUNDS = 10
PER_ROUND = 50
GAP = 7.0  # seconds between rounds: a takeover (at most ~4.5 s) plus a margin
TAKEOVER_BUDGET = 8.0


async def holder_pid(engine: AsyncEngine) -> int | None:
    async with session_factory(engine)() as db:
        held = await gateway.holders(db)
    live = [h for h in held if h.expires_at > datetime.now(UTC)]
    return int(live[0].holder.split(":")[1]) if live else None


async def test_the_standby_takes_over_when_the_holder_is_killed_and_nothing_is_lost_or_doubled(
    tmp_path: Path,
) -> None:
    rng = random.Random(15)
    async with postgres_scratch_database() as (url, engine), FakeDiscord() as fake:
        start = datetime.now(UTC) + timedelta(seconds=6)
        dues = [start + timedelta(seconds=r * GAP + i * 0.03) for r in range(ROUNDS)
                for i in range(PER_ROUND)]  # fmt: skip
        seeded = await seed_reminders(engine, fake, dues)
        env = bot_environment(fake, tmp_path, DATABASE_URL=url)
        processes = {}
        for name in ("a", "b"):
            process = await spawn_bot(env, tmp_path, tmp_path / f"{name}.log")
            processes[process.pid] = process
        takeovers: list[float] = []
        try:
            for number in range(ROUNDS):
                await until(lambda: _held(engine, processes), 30, "a holder")
                holder = await holder_pid(engine)
                assert holder in processes
                # the holder is on the gateway (its socket is the one live session)
                await until(_connected(fake), 30, "the holder on the gateway")
                identified = fake.gateway.identify_count
                round_start = start + timedelta(seconds=number * GAP)
                wait = (round_start - datetime.now(UTC)).total_seconds()
                await asyncio.sleep(max(wait, 0) + rng.uniform(0, PER_ROUND * 0.03))
                killed_at = time.monotonic()
                processes.pop(holder).kill()
                assert await wait_quietly(_identified_after(fake, identified), TAKEOVER_BUDGET), (
                    f"round {number}: no takeover"
                )
                takeovers.append(time.monotonic() - killed_at)
                answer = await fake.slash("help", user=fake.owner, timeout=10)
                assert answer.content or answer.embeds, f"round {number}: unanswered"
                process = await spawn_bot(env, tmp_path, tmp_path / f"r{number}.log")
                processes[process.pid] = process
                assert await wait_quietly(_standing_by(tmp_path / f"r{number}.log"), 30)
            await until(lambda: all_sent(engine, len(dues)), 60, "every reminder sent")
        finally:
            codes = [await stop_bot(p) for p in processes.values()]
        states = await reminder_states(engine)
        fake.assert_no_unhandled()
    logs = "\n\n".join(tail(tmp_path / f"{name}.log") for name in ("a", "b", "r9"))
    assert codes == [0, 0], logs
    assert states == Counter({"done": len(dues)})
    assert fake.gateway.most_live_by_shard == {0: 1}, "two processes held the gateway at once"
    posted = Counter(
        str(m.nonce) for m in fake.world.messages.values() if str(m.nonce).startswith(NONCE_PREFIX)
    )
    assert posted == Counter(r.nonce for r in seeded.reminders), "a reminder lost or doubled"
    numbers = Counter(
        int(found[1])
        for m in fake.world.messages.values()
        if (found := SESSION_NUMBER.search(m.content or "")) is not None
    )
    assert numbers == Counter(range(1, len(dues) + 1))
    assert max(takeovers) < TAKEOVER_BUDGET
    print(f"takeover after kill -9: {sorted(round(t, 2) for t in takeovers)}")  # noqa: T201


async def _held(engine: AsyncEngine, processes: Mapping[int, object]) -> bool:
    return await holder_pid(engine) in processes


async def test_a_second_process_on_one_sqlite_file_is_refused(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        env = bot_environment(fake, tmp_path)
        first = await spawn_bot(env, tmp_path, tmp_path / "first.log")
        try:
            await until(_connected(fake), 30, "the first process on the gateway")
            second = await spawn_bot(env, tmp_path, tmp_path / "second.log")
            assert await asyncio.wait_for(second.wait(), 30) == 1
        finally:
            code = await stop_bot(first)
    said = (tmp_path / "second.log").read_text()
    assert "already runs on this SQLite database" in said and "PostgreSQL" in said, said
    assert code == 0, tail(tmp_path / "first.log")
    assert fake.gateway.identify_count == 1


def _identified_after(fake: FakeDiscord, seen: int) -> Callable[[], bool]:
    return lambda: fake.gateway.identify_count > seen


def _standing_by(log: Path) -> Callable[[], bool]:
    """The process migrated, connected to the database and waits its turn."""
    return lambda: log.exists() and "standing by" in log.read_text(errors="replace")


def _connected(fake: FakeDiscord) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return fake.connected_clients >= 1

    return check


async def test_two_processes_on_two_shards_each_send_their_own_guilds_work_once(
    tmp_path: Path,
) -> None:
    async with postgres_scratch_database() as (url, engine), FakeDiscord() as fake:
        guilds = [fake.add_guild(f"Coopérative {n}", shard=(n % 2, 2)) for n in range(4)]
        first_due = datetime.now(UTC) + timedelta(seconds=4)
        seeded = {
            guild.id: await seed_reminders(engine, fake, spread(10, first_due, 2), guild=guild)
            for guild in guilds
        }
        announced = {guild.id: await _plan_announcement(engine, fake, guild, first_due)
                     for guild in guilds}  # fmt: skip
        ids = ",".join(str(guild.id) for guild in guilds)
        processes = []
        for shard in (0, 1):
            env = bot_environment(fake, tmp_path, DATABASE_URL=url, SIPBOT_GUILD_IDS=ids,
                                  SIPBOT_SHARD_COUNT="2", SIPBOT_SHARD_IDS=str(shard),
                                  DISCORD_API_BASE=fake.api_base_for(f"shard{shard}"))  # fmt: skip
            processes.append(await spawn_bot(env, tmp_path, tmp_path / f"shard{shard}.log"))
        try:
            await until(lambda: all_sent(engine, 40), 60, "every guild's reminders")
            await until(lambda: _announced(engine, len(guilds)), 60, "every guild's announcement")
        finally:
            codes = [await stop_bot(p) for p in processes]
        fake.assert_no_unhandled()
    logs = "\n\n".join(tail(tmp_path / f"shard{n}.log") for n in (0, 1))
    assert codes == [0, 0], logs
    assert fake.gateway.identifies_by_shard == {(0, 2): 1, (1, 2): 1}
    assert fake.gateway.most_live_by_shard == {0: 1, 1: 1}
    posts = fake.posts_by_nonce(NONCE_PREFIX)
    assert {r.nonce for s in seeded.values() for r in s.reminders} <= set(posts)
    assert len(posts) == 40 + len(guilds)  # the reminders and one announcement per guild
    for guild_id, found in seeded.items():
        for reminder in found.reminders:
            (attempt,) = posts[reminder.nonce]
            assert attempt.client == f"shard{(guild_id >> 22) % 2}", (guild_id, attempt.path)
    for guild_id, channel_id in announced.items():
        (card,) = [m for m in fake.world.messages.values() if m.channel_id == channel_id]
        (post,) = posts[str(card.nonce)]
        assert post.client == f"shard{(guild_id >> 22) % 2}", guild_id
    syncs = Counter(r.client for r in fake.requests if r.method == "PUT" and "/commands" in r.path)
    assert syncs == Counter({"shard0": len(guilds)}), "commands synced more than once"


async def _plan_announcement(
    engine: AsyncEngine, fake: FakeDiscord, guild: Guild, due: datetime
) -> int:
    """An announcements channel and one phase whose start falls due with the reminders."""
    channel = fake.add_text_channel("annonces", guild=guild)
    async with session_factory(engine)() as db, db.begin():
        now = datetime.now(UTC)
        db.add(GuildConfig(guild_id=guild.id, announcements_channel_id=channel.id,
                           created_at=now, updated_at=now))  # fmt: skip
        cycle = (await db.execute(select(Cycle).where(Cycle.guild_id == guild.id))).scalar_one()
        phase = Phase(cycle_id=cycle.id, key="preparation", position=1, starts_at=due,
                      ends_at=due + timedelta(days=30))  # fmt: skip
        db.add(phase)
        await db.flush()
        await work.add_many(db, [work.row(kind="phase_start", key=f"phase:{phase.id}:x",
                                          guild_id=guild.id, due_at=due, now=due,
                                          payload={"phase_id": phase.id})])  # fmt: skip
    return channel.id


async def _announced(engine: AsyncEngine, count: int) -> bool:
    async with session_factory(engine)() as db:
        items = await work.items(db, kind="phase_start")
    return sum(1 for item in items if item.state == "done") == count
