"""The gateway reader lets the loop's other tasks run while messages are buffered."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import discord
import pytest

from bot.app import SipBot
from bot.kit import gateway
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.interest.helpers import members as new_members
from tests.interest.helpers import open_poll, prepare


class Turns:
    """A task that counts the turns the loop gives it."""

    def __init__(self) -> None:
        self.count = 0
        self.task = asyncio.create_task(self._count())

    async def _count(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)

    async def stop(self) -> None:
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def test_while_a_task_waits_the_reader_yields_once_a_turn_has_passed() -> None:
    now = [0.0]

    async def buffered(_socket: Any) -> None:  # a message already read: no suspension
        now[0] += 0.0004

    poll = gateway.taking_turns(buffered, clock=lambda: now[0])
    turns = Turns()
    await asyncio.sleep(0)  # the counter's first turn
    before = turns.count
    for _ in range(10):
        await poll(None)
    assert turns.count == before  # nobody waits: discord.py's own pace
    with gateway.waiting():
        for _ in range(10):
            await poll(None)
    # 0.4 ms per message and a 1 ms turn: a yield after the 1st (4 ms since the last),
    # then after the 4th, 7th and 10th
    assert turns.count - before == 4
    for _ in range(10):
        await poll(None)
    assert turns.count - before == 4  # the waiting is over
    await turns.stop()


async def test_install_wraps_discord_py_once_and_the_bot_does_it() -> None:
    gateway.install()
    wrapped = discord.gateway.DiscordWebSocket.poll_event
    gateway.install()
    assert discord.gateway.DiscordWebSocket.poll_event is wrapped  # not wrapped twice
    assert gateway.installed()


async def test_between_two_buffered_reactions_the_other_tasks_run(
    bot: SipBot, fake: FakeDiscord, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A burst queued at once reaches the bot's reader as buffered messages; while a task
    waits, with a turn of zero, the reader yields after each, so that task runs between
    any two of them (without, it ran only when the socket's buffer was empty)."""
    assert gateway.installed()  # by the bot, as it started
    annonces, societaires = await prepare(fake, clock)
    message = await open_poll(fake, annonces)
    people = new_members(fake, 150, societaires)
    seen: list[int] = []

    class Probe:
        def take(self, payload: discord.RawReactionActionEvent) -> None:
            seen.append(turns.count)

    monkeypatch.setattr(gateway, "TURN", 0.0)
    turns = Turns()
    bot.reaction_sinks.append(Probe())
    events = fake.add_reactions(message, [("1️⃣", p.id) for p in people], dispatch=False)
    with gateway.waiting():  # as the votes' writer does while its batch is written
        fake.dispatch_many("MESSAGE_REACTION_ADD", events)
        await fake.wait_for(lambda: len(seen) == len(people), what="every reaction taken")
    await turns.stop()
    assert all(later > earlier for earlier, later in itertools.pairwise(seen))
