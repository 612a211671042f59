"""Reminders are never lost nor doubled: `python -m bot` killed with SIGKILL at random
moments while 50 reminders come due. (Several processes on one PostgreSQL database, a
standby taking over and shards: tests/e2e/test_standby.py.)

Both run on the real clock (the processes use the system clock): the reminders are due
within seconds of the start of the test.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import WorkItem
from storage.upsert import table_of
from tests.databases import sqlite_database
from tests.e2e.process import bot_environment
from tests.e2e.reminder_setup import (
    NONCE_PREFIX,
    SESSION_NUMBER,
    Seeded,
    all_sent,
    reminder_states,
    seed_reminders,
    spawn_bot,
    spread,
    stop_bot,
    tail,
)
from tests.fakediscord import FakeDiscord

COUNT = 50
ROUNDS = 20
SEED = 52026
MESSAGES = r"^/channels/\d+/messages$"
# The fake answers each post this late: a SIGKILL right after the post reached it lands
# between "Discord has the message" and "the database says sent", the case the nonce is for.
POST_DELAY = 0.1
IN_FLIGHT_ROUNDS = (0, 2, 4, 6)  # rounds that wait for a reminder post, then kill at once
FINAL_WAIT = 60.0  # covers the 10 s lease on work claimed by a killed process


async def until(check: Callable[[], Awaitable[bool]], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.1)


async def wait_quietly(check: Callable[[], bool], timeout: float, poll: float = 0.005) -> bool:
    """Like fake.wait_for, but a tighter poll and no error: False when the time ran out."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(poll)
    return True


@dataclass
class Kill:
    round: int
    moment: str  # what was waited for before the random delay
    delay: float
    seen: bool = True  # the moment came (else killed when the wait for it ran out)
    alive: float = 0.0  # seconds from spawn to SIGKILL
    claimed: int = 0  # reminders left 'sending' by this process or an earlier one
    in_flight: int = 0  # of which the fake has the message: posted, not recorded sent


async def kill_at_random(
    fake: FakeDiscord, env: dict[str, str], folder: Path, number: int, rng: random.Random
) -> Kill:
    log = folder / f"round-{number:02}.log"
    seen = len(fake.requests)
    identified = fake.gateway.identify_count
    spawned = time.monotonic()
    process = await spawn_bot(env, folder, log)

    def reminder_posted() -> bool:
        return any(
            r.method == "POST" and str(r.body().get("nonce", "")).startswith(NONCE_PREFIX)
            for r in fake.requests[seen:]
        )

    def synced() -> bool:
        return any(r.method == "PUT" and "/commands" in r.path for r in fake.requests[seen:])

    if number in IN_FLIGHT_ROUNDS:
        kill = Kill(number, "a reminder post", 0.0)
        kill.seen = await wait_quietly(reminder_posted, timeout=8)
    else:
        moment = rng.choice(("spawned", "commands synced", "gateway identified"))
        kill = Kill(number, moment, round(rng.uniform(0, 1.5), 3))
        if moment == "commands synced":
            kill.seen = await wait_quietly(synced, timeout=15)
        elif moment == "gateway identified":
            kill.seen = await wait_quietly(
                lambda: fake.gateway.identify_count > identified, timeout=15
            )
        await asyncio.sleep(kill.delay)
    kill.alive = round(time.monotonic() - spawned, 2)
    if process.returncode is None:
        process.kill()
    await process.wait()
    assert process.returncode == -9, f"round {number} ended on its own:\n{tail(log)}"
    return kill


async def sent_message_ids(engine: AsyncEngine) -> dict[int, int | None]:
    async with session_factory(engine)() as db:
        item = table_of(WorkItem)
        rows = await db.execute(select(item.c.id, item.c.result_id))
        return {rid: message_id for rid, message_id in rows.all()}


async def left_behind(engine: AsyncEngine, fake: FakeDiscord, seeded: Seeded, kill: Kill) -> None:
    """Count the claims a killed process left, and those whose message the fake has."""
    # The fake finishes a post the killed process was waiting for (POST_DELAY) on its own.
    await wait_quietly(lambda: all(r.status is not None for r in fake.requests), timeout=5)
    async with session_factory(engine)() as db:
        rows = await db.execute(select(WorkItem.id, WorkItem.state))
        sending = {rid for rid, state in rows.all() if state == "running"}
    posted = {str(m.nonce) for m in fake.world.messages.values() if m.nonce is not None}
    kill.claimed = len(sending)
    kill.in_flight = sum(1 for r in seeded.reminders if r.id in sending and r.nonce in posted)


def check_each_delivered_once(fake: FakeDiscord, seeded: Seeded) -> None:
    """Per session number and per nonce: one message in the group's channel, nothing else."""
    (group,) = seeded.groups
    everywhere = list(fake.world.messages.values())
    messages = fake.messages_in(group.channel.id)
    assert len(messages) == len(everywhere), "messages outside the group channel: " + repr(
        [(m.channel_id, m.content[:60]) for m in everywhere if m.channel_id != group.channel.id]
    )
    numbers: Counter[int] = Counter()
    by_number = {r.session_number: r for r in seeded.reminders}
    for message in messages:
        found = SESSION_NUMBER.search(message.content)
        assert found is not None, f"a message that is no reminder: {message.content!r}"
        assert message.content.startswith(f"⏰ <@&{group.role.id}> — "), message.content
        number = int(found[1])
        numbers[number] += 1
        assert message.nonce == by_number[number].nonce, (number, message.nonce)
    assert numbers == Counter(range(1, COUNT + 1)), {n: c for n, c in numbers.items() if c != 1}
    nonces = Counter(str(m.nonce) for m in messages)
    assert nonces == Counter(r.nonce for r in seeded.reminders)


async def test_kill_9_at_random_moments_loses_and_doubles_no_reminder(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    async with FakeDiscord() as fake, sqlite_database(tmp_path) as (_url, engine):
        fake.set_delay("POST", MESSAGES, POST_DELAY)
        first_due = datetime.now(UTC) + timedelta(seconds=2)
        seeded = await seed_reminders(engine, fake, spread(COUNT, first_due, 15))
        env = bot_environment(fake, tmp_path)
        kills: list[Kill] = []
        for number in range(ROUNDS):
            kill = await kill_at_random(fake, env, tmp_path, number, rng)
            await left_behind(engine, fake, seeded, kill)
            kills.append(kill)
        log = tmp_path / "final.log"
        identified = fake.gateway.identify_count
        final = await spawn_bot(env, tmp_path, log)
        try:
            await until(lambda: all_sent(engine, COUNT), FINAL_WAIT, "all reminders sent")
            # The earlier rounds may have sent everything already: stop the last process
            # only once it is up (its SIGTERM handler installed), as the test means to.
            await wait_quietly(lambda: fake.gateway.identify_count > identified, timeout=30)
        finally:
            code = await stop_bot(final)
        states = await reminder_states(engine)
        recorded = await sent_message_ids(engine)
        fake.assert_no_unhandled()
    story = "\n".join(f"{k}" for k in kills)
    assert code == 0, tail(log)
    assert states == Counter({"done": COUNT}), f"{states}\n{story}"
    check_each_delivered_once(fake, seeded)
    posts = fake.posts_by_nonce(NONCE_PREFIX)
    assert set(posts) == {r.nonce for r in seeded.reminders}
    message_of = {str(m.nonce): m.id for m in fake.world.messages.values()}
    assert {r.id: recorded[r.id] for r in seeded.reminders} == {
        r.id: message_of[r.nonce] for r in seeded.reminders
    }, "a reminder row does not point at its message"
    # The runs really were cut at the dangerous moment, and the retry was deduplicated.
    assert sum(k.in_flight for k in kills) >= 1, story
    assert any(len(attempts) > 1 for attempts in posts.values()), story
