"""Entry point: `python -m bot` or `sipbot`. Builds settings, engine, scheduler, bot."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import replace
from pathlib import Path

import discord
from sqlalchemy.exc import SQLAlchemyError

from bot.app import SipBot, build, point_at
from bot.kit import firstrun, logs, standby
from bot.kit.clock import SystemClock
from bot.kit.i18n import Catalog
from bot.kit.scheduler import Scheduler
from bot.services import Services
from config import settings as settings_module
from config.settings import Settings, SettingsError
from storage.database import create_engine, describe, migrate, session_factory
from storage.work import Shards

log = logging.getLogger("bot")


def fail(line: str, code: int) -> int:
    print(line, file=sys.stderr)  # noqa: T201 - the one line an operator needs
    return code


async def run(settings: Settings) -> int:
    assert settings.discord_token is not None  # noqa: S101 - checked by main
    point_at(settings.api_base, settings.gateway_url)
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
    except (SQLAlchemyError, OSError) as exc:
        await engine.dispose()
        return fail(
            f"sipbot: cannot open the database {describe(settings.database_url)}: {type(exc).__name__}",
            1,
        )
    clock = SystemClock()
    services = Services(
        settings=settings,
        engine=engine,
        db=session_factory(engine),
        clock=clock,
        catalog=Catalog.load(),
        scheduler=Scheduler(clock),
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        services.work.shards = await _shards(settings)
        try:
            guard = await _stand_by(settings, services, stop)
        except standby.AlreadyRunning as exc:
            return fail(f"sipbot: {exc}", 1)
        if guard is None:
            log.info("stopped while standing by")
            return 0
        bot = build(services, freeze_after_setup=True)
        guard.keep(bot.close)
        try:
            code = await serve(bot, settings.discord_token, stop)
        finally:
            await guard.release()
        if guard.lost:
            return fail(
                "sipbot: lost the gateway to another process (the database was out of reach); "
                "exiting so the service manager starts this one again, as a standby",
                3,
            )
        return code
    finally:
        await engine.dispose()


async def _stand_by(
    settings: Settings, services: Services, stop: asyncio.Event
) -> standby.Guard | None:
    """Wait for this process's turn on the gateway; None when asked to stop meanwhile."""
    holding = asyncio.create_task(
        standby.hold(settings.database_url, services.db, services.clock, services.work.shards)
    )
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({holding, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if holding.done():
        stopping.cancel()
        return holding.result()
    holding.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await holding
    return None


async def _shards(settings: Settings) -> Shards | None:
    """The shards this process serves, when the deployment is sharded."""
    if settings.shard_auto:
        assert settings.discord_token is not None  # noqa: S101 - checked by main
        count = await standby.recommended_shards(
            settings.api_base or discord.http.Route.BASE, settings.discord_token
        )
        return Shards(count, tuple(range(count)))
    if settings.shard_count is None:
        return None
    return Shards(settings.shard_count, settings.shard_ids)


async def serve(bot: SipBot, token: str, stop: asyncio.Event) -> int:
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper.done():
            log.info("stopping")
            await bot.close()
        else:
            stopper.cancel()
        try:
            await runner
        except discord.LoginFailure:
            return fail(
                "sipbot: Discord refused DISCORD_TOKEN: copy the token again from the Developer Portal",
                2,
            )
        except discord.PrivilegedIntentsRequired:
            return fail(
                "sipbot: enable the Server Members Intent for the bot in the Developer Portal (Bot → Privileged Gateway Intents)",
                1,
            )
    log.info("stopped cleanly")
    return 0


def main() -> int:
    try:
        settings = settings_module.load()
    except SettingsError as exc:
        return fail(f"sipbot: {exc}", 2)
    logs.configure(settings.log_level_number, (settings.discord_token or "",))
    if settings.discord_token is None:
        if not sys.stdin.isatty():
            return fail(firstrun.MISSING_SETTING_LINE, 2)
        token = firstrun.ask_for_token(
            settings.api_base,
            Path(".env"),
            lambda t, base: asyncio.run(firstrun.check_token(t, base)),
        )
        if token is None:
            return fail("sipbot: no valid token given", 2)
        settings = replace(settings, discord_token=token)
        logs.configure(settings.log_level_number, (token,))
    return asyncio.run(run(settings))


if __name__ == "__main__":
    sys.exit(main())
