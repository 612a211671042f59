"""`sipbot run` (also `sipbot` and `python -m bot` alone): the bot itself.

Settings, then the first run's questions when there is no token and a person at the
terminal, then the database: held for this bot (storage/instance.py: no restore
while it runs), migrated (by a child process, storage/upgrade.py, so that this one never
imports alembic), and the bot connects. Once connected (commands are
synced before the gateway connects), systemd hears READY=1 and the invite link is
printed, last, after the start-up log lines. SIGTERM or Ctrl-C: systemd hears
STOPPING=1, the bot closes the scheduler, the gateway and the database, and exits 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from dataclasses import replace

import discord
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot, build, point_at
from bot.cli.common import WRONG_SETTINGS, Failure, load_settings, missing_token, say
from bot.cli.schema import migrate_known
from bot.kit import firstrun, logs, standby, systemd
from bot.kit.clock import SystemClock
from bot.kit.i18n import Catalog
from bot.kit.permissions import invite_url
from bot.kit.scheduler import Scheduler
from bot.services import Services
from config.settings import Settings
from storage import instance
from storage.database import create_engine, describe, session_factory
from storage.upgrade import UpgradeFailed
from storage.work import Shards

log = logging.getLogger("bot")
MISSING_ACCESS = 50001  # Discord's code for a server the application is not in
LOST_GATEWAY = 3  # the service manager starts the process again, as a standby


def run() -> int:
    settings = load_settings(need_token=False)
    logs.configure(settings.log_level_number, (settings.discord_token or "",))
    os.umask(0o077)  # whatever the bot writes is its own
    first_run = settings.discord_token is None
    if first_run:
        settings = ask(settings)
    return asyncio.run(start(settings, first_run))


def ask(settings: Settings) -> Settings:
    """The first run's questions, on a terminal only."""
    if not sys.stdin.isatty() or settings.sources is None:
        raise Failure(missing_token(settings), WRONG_SETTINGS)
    env_path = settings.sources.env_file
    token = firstrun.ask_for_token(
        settings.api_base,
        env_path,
        lambda t, base: asyncio.run(firstrun.check_token(t, base)),
    )
    if token is None:
        raise Failure("no valid token given", WRONG_SETTINGS)
    logs.configure(settings.log_level_number, (token,))
    guild_ids = settings.guild_ids or firstrun.ask_for_server(env_path)
    return replace(settings, discord_token=token, guild_ids=guild_ids)


async def start(settings: Settings, first_run: bool) -> int:
    assert settings.discord_token is not None  # noqa: S101 - checked by run
    point_at(settings.api_base, settings.gateway_url)
    engine = create_engine(settings.database_url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    interval = systemd.watchdog_interval()
    watchdog = asyncio.create_task(systemd.keep_watchdog_fed(interval)) if interval else None
    try:
        return await _start(settings, engine, stop, first_run)
    finally:
        if watchdog is not None:
            watchdog.cancel()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await settle()
        await engine.dispose()


SETTLE_WITHIN = 5.0  # seconds: a stuck task does not keep a stopping service alive


async def settle(within: float = SETTLE_WITHIN) -> None:
    """Whatever still runs once the bot has closed (a cancelled read still rolling back,
    a wake-up or reconciliation that began as the signal came) is cancelled and awaited
    here, so that its connection goes back to the pool before the engine is disposed.
    Left to `asyncio.run`, it would be cancelled after the disposal, a second time in
    the middle of its rollback, and the pool would log the failed reset."""
    current = asyncio.current_task()
    left = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    for task in left:
        task.cancel()
    if left:
        _done, stuck = await asyncio.wait(left, timeout=within)
        for task in stuck:
            log.warning("still running at exit: %s", task.get_name())


async def _start(
    settings: Settings, engine: AsyncEngine, stop: asyncio.Event, first_run: bool
) -> int:
    """Held before migrating (no restore under way, and on SQLite no other process),
    migrated, then this process's turn on the gateway (bot/kit/standby.py), then the bot."""
    assert settings.discord_token is not None  # noqa: S101 - checked by run
    where = describe(settings.database_url)
    clock = SystemClock()
    services = Services(
        settings=settings,
        engine=engine,
        db=session_factory(engine),
        clock=clock,
        catalog=Catalog.load(),
        scheduler=Scheduler(clock),
    )
    services.work.shards = await shards_of(settings)
    sqlite = engine.dialect.name == "sqlite"
    guard = await stand_by(settings, services, stop) if sqlite else None  # the file lock
    held = None if sqlite else await hold(engine, where)
    try:
        try:
            await migrate_known(engine, apart_at=settings.log_level_number)
        except (SQLAlchemyError, OSError) as exc:
            raise Failure(f"cannot open the database {where}: {type(exc).__name__}") from None
        except UpgradeFailed as failed:
            if failed.unreachable:
                raise Failure(f"cannot open the database {where}: {failed}") from None
            raise Failure(f"cannot migrate the database {where}: {failed}") from None
        if guard is None:
            guard = await stand_by(settings, services, stop)  # the gateway leases
        if guard is None:
            log.info("stopped while standing by")
            return 0
        bot = build(services, freeze_after_setup=True)
        bot.add_listener(Readiness(bot, first_run).on_ready, "on_ready")
        guard.keep(bot.close)
        try:
            code = await serve(bot, settings.discord_token, stop)
        finally:
            await guard.release()
        if guard.lost:
            raise Failure(
                "lost the gateway to another process (the database was out of reach); "
                "exiting so the service manager starts this one again, as a standby",
                LOST_GATEWAY,
            )
        return code
    finally:
        if held is not None:
            await held.release()


async def hold(engine: AsyncEngine, where: str) -> instance.Hold:
    """This process's share of a PostgreSQL database: refused while a restore runs."""
    try:
        return await instance.hold(engine)
    except instance.Busy as busy:
        raise Failure(
            f"a restore is under way on the database {where} ({busy}): "
            "start the bot again once it is done"
        ) from None
    except (SQLAlchemyError, OSError) as exc:
        raise Failure(f"cannot open the database {where}: {type(exc).__name__}") from None


async def stand_by(
    settings: Settings, services: Services, stop: asyncio.Event
) -> standby.Guard | None:
    """Wait for this process's turn on the gateway; None when asked to stop meanwhile.
    A standby is a started service: systemd hears READY=1 while it waits."""
    holding = asyncio.create_task(
        standby.hold(
            settings.database_url,
            services.db,
            services.clock,
            services.work.shards,
            waiting=lambda: systemd.notify(
                "READY=1", "STATUS=standing by: another process holds the gateway"
            ),
        )
    )
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({holding, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if holding.done():
        stopping.cancel()
        try:
            return holding.result()
        except standby.AlreadyRunning as exc:
            raise Failure(str(exc)) from None
    holding.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await holding
    return None


async def shards_of(settings: Settings) -> Shards | None:
    """The shards this process serves, when the deployment is sharded."""
    if settings.shard_auto:
        assert settings.discord_token is not None  # noqa: S101 - checked by run
        count = await standby.recommended_shards(
            settings.api_base or discord.http.Route.BASE, settings.discord_token
        )
        return Shards(count, tuple(range(count)))
    if settings.shard_count is None:
        return None
    return Shards(settings.shard_count, settings.shard_ids)


class Readiness:
    """What happens once connected: systemd told, the invite link shown."""

    def __init__(self, bot: SipBot, first_run: bool) -> None:
        self.bot = bot
        self.first_run = first_run
        self.told = False

    async def on_ready(self) -> None:
        servers = len(self.bot.guilds)
        status = f"STATUS=connected as {self.bot.user} to {servers} server(s)"
        if self.told:  # a new session after a reconnect
            systemd.notify(status)
            return
        self.told = True
        systemd.notify("READY=1", status)
        application_id = self.bot.application_id
        if application_id is None:
            return
        if self.first_run:
            say(firstrun.invite_block(application_id))
        elif servers == 0:
            log.warning(
                "sipbot is in no server yet: invite it with %s (sipbot invite prints it again)",
                invite_url(application_id),
            )
        else:
            log.info("invite link for another server: %s", invite_url(application_id))


async def serve(bot: SipBot, token: str, stop: asyncio.Event) -> int:
    async with bot:
        runner = asyncio.create_task(bot.start(token))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if stopper.done():
            log.info("stopping")
            systemd.notify("STOPPING=1")
            await bot.close()
        else:
            stopper.cancel()
        try:
            await runner
        except discord.LoginFailure:
            raise Failure(
                "Discord refused DISCORD_TOKEN: copy the token again from the Developer "
                "Portal (your application → Bot → Reset Token)",
                WRONG_SETTINGS,
            ) from None
        except discord.Forbidden as refused:
            if refused.code != MISSING_ACCESS or not bot.services.settings.guild_ids:
                raise
            ids = ", ".join(str(i) for i in bot.services.settings.guild_ids)
            raise Failure(
                f"Discord refused to sync the commands to server(s) {ids} (Missing Access): "
                "the bot is not in one of them. Invite it there (sipbot invite --guild ID) or "
                "correct SIPBOT_GUILD_IDS",
                WRONG_SETTINGS,
            ) from None
        except discord.PrivilegedIntentsRequired:
            raise Failure(
                "enable the Server Members Intent for the bot in the Developer Portal "
                "(your application → Bot → Privileged Gateway Intents)"
            ) from None
    log.info("stopped cleanly")
    return 0
