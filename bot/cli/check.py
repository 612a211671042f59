"""`sipbot check`: is everything in place for the bot to run? Each line says what was
looked at and, when something is wrong, how to fix it; exit code 1 when anything is
wrong (an ❌ line), 0 otherwise (warnings allowed).

In order: the settings and where they were read; the data files' modes; the database
(reachable, at this version's schema, whether a bot runs on it); Discord (reachable,
the token, the Server Members Intent, session starts left today); then, for every
server the bot is in, what `/setup check` says there, in the language asked. Discord
is asked through its REST API only (bot/cli/servers.py): nothing is sent to a server,
nothing is written to the database, and a running bot is not disturbed.
"""

from __future__ import annotations

import asyncio
import stat

import aiohttp
import click
import discord
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import point_at
from bot.cli import servers
from bot.cli.common import FAILED, OK, load_settings, say
from bot.kit.clock import SystemClock
from bot.kit.i18n import LANGUAGES, Catalog
from bot.kit.permissions import intents
from bot.services import Services
from bot.setup import report
from config.settings import Settings
from storage import instance
from storage.database import (
    create_engine,
    current_revision,
    describe,
    head_revision,
    known_revision,
    session_factory,
    sqlite_path,
)
from storage.models import GuildConfig

ICONS = {"ok": "✅", **report.LEVEL_ICON}
API = "https://discord.com/api/v10"
DISCORD_TIMEOUT = 30.0
FEW_SESSION_STARTS = 50


class Check:
    def __init__(self, settings: Settings, language: str) -> None:
        self.settings = settings
        self.catalog = Catalog.load()
        self.tr = self.catalog.bind(language)
        self.errors = 0
        self.engine: AsyncEngine | None = None
        self.services: Services | None = None  # when the database is at this version

    def line(self, level: str, text: str, indent: str = "") -> None:
        self.errors += level == "error"
        say(f"{indent}{ICONS[level]} {text}")

    async def run(self) -> int:
        self.check_settings()
        self.check_files()
        try:
            await self.check_database()
            client = discord.Client(intents=intents())
            try:
                if await self.check_discord(client):
                    await self.check_servers(client)
            finally:
                await client.close()
        finally:
            if self.engine is not None:
                await self.engine.dispose()
        return FAILED if self.errors else OK

    # ------------------------------------------------------------ local
    def check_settings(self) -> None:
        sources = self.settings.sources
        self.line("ok", f"settings: {sources.looked_in() if sources else 'the environment'}")
        if self.settings.guild_ids:
            ids = ", ".join(str(i) for i in self.settings.guild_ids)
            self.line("ok", f"commands are synced at start to server(s) {ids} (SIPBOT_GUILD_IDS)")
        else:
            self.line(
                "info",
                "commands are synced globally: they may take up to an hour to appear "
                "(SIPBOT_GUILD_IDS names servers to sync at once)",
            )

    def check_files(self) -> None:
        sources = self.settings.sources
        database = sqlite_path(self.settings.database_url)
        paths = [p for p in (database.parent if database else None, database) if p]
        if sources is not None and sources.env_file_found:
            paths.append(sources.env_file)
        shown = []
        for path in paths:
            if not path.exists():
                continue
            mode = stat.S_IMODE(path.stat().st_mode)
            wanted = 0o700 if path.is_dir() else 0o600
            if mode & 0o077:
                self.line(
                    "warning",
                    f"{path} can be read by others (mode {mode:o}): chmod {wanted:o} {path}",
                )
            shown.append(f"{path} {mode:o}")
        if shown:
            self.line("ok", "files: " + ", ".join(shown))

    async def check_database(self) -> None:
        url = self.settings.database_url
        where = describe(url)
        database = sqlite_path(url)
        if database is not None and not database.is_file():
            self.line(
                "warning",
                f"database: {database} does not exist yet; the first start "
                "(or sipbot migrate) creates it",
            )
            return
        self.engine = create_engine(url)
        try:
            revision = await current_revision(self.engine)
            running = await instance.in_use(self.engine)
        except (SQLAlchemyError, OSError) as exc:
            self.line("error", f"database: cannot open {where}: {exc}")
            return
        head = head_revision()
        if revision == head:
            self.line("ok", f"database: {where}, schema at {head} (this version's latest)")
            self.services = Services(
                settings=self.settings,
                engine=self.engine,
                db=session_factory(self.engine),
                clock=SystemClock(),
                catalog=self.catalog,
            )
        elif revision is None:
            self.line("error", f"database: {where} is empty: run sipbot migrate (or start the bot)")
        elif not known_revision(revision):
            self.line(
                "error",
                f"database: {where} is at revision {revision}, unknown to this version: a "
                "newer sipbot migrated it; install that version again or restore a backup",
            )
        else:
            self.line(
                "warning",
                f"database: {where} is at revision {revision}, this version's is {head}: "
                "the bot migrates it at start (or run sipbot migrate)",
            )
        if running:
            self.line("info", f"a bot is running on this database ({running})")
        else:
            self.line("info", "no bot is running on this database")

    # ---------------------------------------------------------- Discord
    async def check_discord(self, client: discord.Client) -> bool:
        token = self.settings.discord_token
        assert token is not None  # noqa: S101 - load_settings checked it
        base = self.settings.api_base or API
        point_at(self.settings.api_base, self.settings.gateway_url)
        try:
            await asyncio.wait_for(client.login(token), DISCORD_TIMEOUT)
        except discord.LoginFailure:
            self.line(
                "error",
                f"Discord ({base}) refused DISCORD_TOKEN: copy it again from the Developer "
                "Portal (your application → Bot → Reset Token)",
            )
            return False
        except discord.HTTPException as exc:
            self.line("error", f"Discord ({base}) answered {exc.status}: {exc.text[:200]}")
            return False
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            self.line(
                "error",
                f"cannot reach Discord at {base} ({type(exc).__name__}): check the network "
                "(or DISCORD_API_BASE)",
            )
            return False
        self.line("ok", f"Discord answers at {base}")
        self.line("ok", f"token: the bot {client.user} (application {client.application_id})")
        flags = client.application_flags
        if flags.gateway_guild_members or flags.gateway_guild_members_limited:
            self.line("ok", "the Server Members Intent is on")
        else:
            self.line(
                "error",
                "the Server Members Intent is off: Developer Portal → your application → "
                "Bot → Privileged Gateway Intents → Server Members Intent",
            )
        return await self.check_gateway(client)

    async def check_gateway(self, client: discord.Client) -> bool:
        try:
            _shards, url, limit = await client.http.get_bot_gateway()
        except discord.GatewayNotFound:
            self.line("error", "Discord did not say where its gateway is: try again later")
            return True
        remaining, total = int(limit["remaining"]), int(limit["total"])
        if remaining == 0:
            hours = int(limit["reset_after"]) / 3_600_000
            self.line(
                "error",
                f"gateway: no session start left today (of {total}; a bot restarting in a "
                f"loop uses them up): the bot cannot connect for {hours:.1f} hour(s)",
            )
        else:
            level = "warning" if remaining < FEW_SESSION_STARTS else "ok"
            self.line(level, f"gateway: {url}, {remaining} of {total} session starts left today")
        return True

    async def check_servers(self, client: discord.Client) -> None:
        host = await servers.features_checks(self.services) if self.services else None
        seen: set[int] = set()
        try:
            async for guild in servers.fetch(client):
                seen.add(guild.id)
                await self.check_server(guild)
        finally:
            if host is not None:
                await host.close()
        if not seen:
            self.line(
                "warning",
                "the bot is in no server yet: invite it with the link `sipbot invite` prints",
            )
        for guild_id in self.settings.guild_ids:
            if guild_id not in seen:
                self.line(
                    "error",
                    f"SIPBOT_GUILD_IDS names server {guild_id}, which the bot is not in: the "
                    f"start would fail (Missing Access). Invite it (sipbot invite --guild "
                    f"{guild_id}) or correct SIPBOT_GUILD_IDS",
                )

    async def check_server(self, guild: discord.Guild) -> None:
        config = await self.config(guild.id)
        say(f"Server “{guild.name}” ({guild.id}):")
        findings = await servers.findings(self.services, guild, config)
        self.errors += sum(1 for f in findings if f.level == "error")
        say(f"   {servers.plain(report.summary(self.tr, findings), guild)}")
        for finding in findings:
            say(f"   {servers.plain(report.line(self.tr, finding), guild)}")
        if self.services is None:
            self.line(
                "info", "the checks of themes, groups and scheduled work need the database", "   "
            )

    async def config(self, guild_id: int) -> GuildConfig:
        """The server's settings as stored, or the defaults (nothing is written)."""
        if self.services is not None:
            async with self.services.db() as db:
                found = await db.get(GuildConfig, guild_id)
            if found is not None:
                return found
        now = SystemClock().now()
        return GuildConfig(guild_id=guild_id, created_at=now, updated_at=now)


@click.command("check")
@click.option(
    "--language",
    type=click.Choice(LANGUAGES),
    default="en",
    show_default=True,
    help="Language of the servers' findings.",
)
def command(language: str) -> int:
    """Check the settings, the database, Discord and every server's permissions."""
    settings = load_settings()
    return asyncio.run(Check(settings, language).run())
