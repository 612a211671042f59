"""Meeting reminders by DM are never lost nor doubled: `python -m bot` killed with SIGKILL
at random moments (some right after a DM reached the fake, before the database could
record it) while 40 registrants' reminders fall due; a last process sends the rest.
Each registrant gets exactly one DM, carrying its work item's nonce.

On the real clock (the processes use the system clock): the reminders are due within
seconds of the start of the test. Kept short: 6 rounds.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import WorkItem
from tests.databases import sqlite_database
from tests.e2e.meeting_setup import KIND, reminder_states, seed_meeting_reminders
from tests.e2e.process import bot_environment
from tests.e2e.reminder_setup import spawn_bot, spread, stop_bot, tail
from tests.e2e.test_reminder_faults import Kill, kill_at_random, until, wait_quietly
from tests.fakediscord import FakeDiscord

COUNT = 40
ROUNDS = 6
SEED = 13013
POST_DELAY = 0.1  # the fake answers each DM this late: a kill can land before it is recorded


async def in_flight(engine: AsyncEngine, fake: FakeDiscord, kill: Kill) -> None:
    """Count the claims the killed process left, and those whose DM the fake has."""
    await wait_quietly(lambda: all(r.status is not None for r in fake.requests), timeout=5)
    async with session_factory(engine)() as db:
        rows = await db.execute(select(WorkItem.id, WorkItem.state).where(WorkItem.kind == KIND))
        running = {rid for rid, state in rows.all() if state == "running"}
    posted = {str(m.nonce) for m in fake.world.messages.values() if m.nonce is not None}
    kill.claimed, kill.in_flight = len(running), sum(f"sipw{rid}" in posted for rid in running)


async def test_kill_9_while_meeting_reminders_fall_due_loses_and_doubles_no_dm(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    async with FakeDiscord() as fake, sqlite_database(tmp_path) as (_url, engine):
        fake.set_delay("POST", r"^/channels/\d+/messages$", POST_DELAY)
        owners = await seed_meeting_reminders(
            engine, fake, spread(COUNT, datetime.now(UTC) + timedelta(seconds=2), 6)
        )
        env = bot_environment(fake, tmp_path)
        kills: list[Kill] = []
        for number in range(ROUNDS):
            kill = await kill_at_random(fake, env, tmp_path, number, rng)
            await in_flight(engine, fake, kill)
            kills.append(kill)
        log = tmp_path / "final.log"
        final = await spawn_bot(env, tmp_path, log)
        try:
            await until(lambda: _all_done(engine), 60, "every meeting reminder sent")
        finally:
            code = await stop_bot(final)
        fake.assert_no_unhandled()
        left = await reminder_states(engine)
    story = "\n".join(str(k) for k in kills)
    assert code == 0, tail(log)
    assert left == Counter({"done": COUNT}), f"{left}\n{story}"
    by_member = {owners[rid]: f"sipw{rid}" for rid in owners}
    for member_id, nonce in by_member.items():
        channel_id = fake.world.dm_channels.get(member_id)
        received = fake.world.messages_in(channel_id) if channel_id else []
        assert [m.nonce for m in received] == [nonce], (member_id, story)
        assert received[0].content.startswith(
            "⏰ Rappel (1h) — « Présentation des recommandations »"
        )
    posts = fake.posts_by_nonce("sipw")
    assert set(posts) == set(by_member.values())
    assert sum(k.in_flight for k in kills) >= 1, story  # a kill really landed mid-send
    assert any(len(attempts) > 1 for attempts in posts.values()), story  # and was deduplicated


async def _all_done(engine: AsyncEngine) -> bool:
    return (await reminder_states(engine))["done"] == COUNT
