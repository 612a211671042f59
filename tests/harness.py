"""Running the real bot, in process, against the loopback fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import discord
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot, point_at
from bot.kit.i18n import Catalog
from bot.kit.scheduler import Scheduler
from bot.services import Services
from config.settings import Settings
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord


@dataclass
class Running:
    bot: SipBot
    task: asyncio.Task[None]


def build_bot(
    fake: FakeDiscord,
    engine: AsyncEngine,
    clock: MovableClock,
    database_url: str = "",
    **settings_given: Any,
) -> SipBot:
    settings = Settings(
        discord_token=fake.token,
        database_url=database_url or str(engine.url),
        guild_ids=(fake.guild.id,),
        api_base=fake.api_base,
        gateway_url=fake.gateway_url,
        **settings_given,
    )
    point_at(settings.api_base, settings.gateway_url)
    services = Services(
        settings=settings,
        engine=engine,
        db=session_factory(engine),
        clock=clock,
        catalog=Catalog.load(),
        scheduler=Scheduler(clock),
    )
    return SipBot(services, guild_ready_timeout=0.05)


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock, **settings_given: Any
) -> AsyncIterator[SipBot]:
    """Start the bot, wait until it is connected with its commands synced, stop it after.
    `settings_given`: Settings fields beyond those pointing it at the fake."""
    bot = build_bot(fake, engine, clock, **settings_given)
    task = asyncio.create_task(bot.start(fake.token))
    try:
        await fake.wait_for(
            lambda: task.done() or (bot.is_ready() and bot.synced and bot.get_guild(fake.guild.id)),
            timeout=10,
            what="the bot to connect and sync its commands",
        )
        if task.done():
            task.result()  # raise what stopped it
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
            await asyncio.wait_for(task, timeout=5)


async def eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 5.0) -> None:
    """Wait until an asynchronous condition holds (a database row, typically): polled,
    bounded, and failing with what was awaited."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)
