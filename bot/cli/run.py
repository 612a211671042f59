"""`sipbot run` (also `sipbot` and `python -m bot` alone): the bot itself.

Settings, then the first run's questions when there is no token and a person at the
terminal, then the database: held for this bot (storage/instance.py: no restore
while it runs), migrated, and the bot connects. Once connected (commands are
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

import click
import discord
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot, point_at
from bot.cli.common import WRONG_SETTINGS, Failure, load_settings, missing_token, say
from bot.cli.database import migrate_known
from bot.kit import firstrun, logs, systemd
from bot.kit.clock import SystemClock
from bot.kit.i18n import Catalog
from bot.kit.permissions import invite_url
from bot.kit.scheduler import Scheduler
from bot.services import Services
from config.settings import Settings
from storage import instance
from storage.database import create_engine, describe, session_factory

log = logging.getLogger("bot")
MISSING_ACCESS = 50001  # Discord's code for a server the application is not in


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
    where = describe(settings.database_url)
    interval = systemd.watchdog_interval()
    watchdog = asyncio.create_task(systemd.keep_watchdog_fed(interval)) if interval else None
    try:
        held = await hold(engine, where)
        try:
            try:
                await migrate_known(engine)
            except (SQLAlchemyError, OSError) as exc:
                raise Failure(f"cannot open the database {where}: {type(exc).__name__}") from None
            clock = SystemClock()
            services = Services(
                settings=settings,
                engine=engine,
                db=session_factory(engine),
                clock=clock,
                catalog=Catalog.load(),
                scheduler=Scheduler(clock),
            )
            bot = SipBot(services, freeze_after_setup=True)
            bot.add_listener(Readiness(bot, first_run).on_ready, "on_ready")
            return await serve(bot, settings.discord_token)
        finally:
            await held.release()
    finally:
        if watchdog is not None:
            watchdog.cancel()
        await engine.dispose()


async def hold(engine: AsyncEngine, where: str) -> instance.Hold:
    """This bot's share of the database: refused while a restore is under way."""
    try:
        return await instance.hold(engine)
    except instance.Busy as busy:
        raise Failure(
            f"a restore is under way on the database {where} ({busy}): "
            "start the bot again once it is done"
        ) from None
    except (SQLAlchemyError, OSError) as exc:
        raise Failure(f"cannot open the database {where}: {type(exc).__name__}") from None


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


async def serve(bot: SipBot, token: str) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
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
        finally:
            with contextlib.suppress(NotImplementedError):
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(signum)
    log.info("stopped cleanly")
    return 0


@click.command("run")
def command() -> int:
    """Run the bot (the default): connect, sync the commands, serve until stopped."""
    return run()
