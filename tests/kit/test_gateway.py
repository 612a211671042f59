"""The gateway reader lets the loop's other tasks run while messages are buffered."""

from __future__ import annotations

import asyncio
from typing import Any

import discord

from bot.kit import gateway


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


async def test_install_wraps_discord_py_once() -> None:
    gateway.install()
    wrapped = discord.gateway.DiscordWebSocket.poll_event
    gateway.install()
    assert discord.gateway.DiscordWebSocket.poll_event is wrapped  # not wrapped twice
    assert gateway.installed()
