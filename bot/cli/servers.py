"""The servers as `sipbot check` sees them, through Discord's REST API only.

No gateway session is opened (a running bot keeps its own, and a second identify costs
one of the day's session starts): the guild, its roles, its channels and the bot's own
member are fetched and put together into the discord.py objects `/setup check`
reads, so the terminal hears the same findings as Discord shows. The features' checks
are registered by loading the cogs on a bot that never logs in (bot/kit/checkup.py).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import discord

from bot.app import EXTENSIONS, SipBot
from bot.kit.checkup import Finding
from bot.services import Services
from bot.setup import checkup, report
from storage.models import GuildConfig

BOTH_TIMES = re.compile(r"<t:(-?\d+):F> \(<t:\1:R>\)")  # ui.timestamp's pair: one time here
MARKUP = re.compile(r"<(#|@&|@!?)(\d+)>|</([^:>]+):\d+>|<t:(-?\d+)(?::[tTdDfFR])?>|\*\*")


async def fetch(client: discord.Client) -> AsyncIterator[discord.Guild]:
    """Each server the bot is in, with its roles, channels and the bot's member."""
    assert client.user is not None  # noqa: S101 - logged in by the caller
    async for partial in client.fetch_guilds(limit=None):
        guild = await client.fetch_guild(partial.id)
        for channel in await guild.fetch_channels():
            guild._add_channel(channel)
        guild._add_member(await guild.fetch_member(client.user.id))
        yield guild


async def features_checks(services: Services) -> SipBot:
    """A bot that never connects, its cogs loaded: their checks are now registered."""
    host = SipBot(services)
    for name in EXTENSIONS:
        await host.load_extension(name)
    return host


async def findings(
    services: Services | None, guild: discord.Guild, config: GuildConfig
) -> list[Finding]:
    """All of /setup check with a usable database; setup's own checks without one."""
    if services is None:
        return checkup.diagnose(guild, config)
    return await report.gather(services, guild, config)


def plain(text: str, guild: discord.Guild) -> str:
    """Discord's markup as a terminal shows it: names for mentions, UTC for times."""

    def word(match: re.Match[str]) -> str:
        kind, target, command, moment = match.groups()
        if command is not None:
            return f"/{command}"
        if moment is not None:
            return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%d %H:%M UTC")
        if kind is None:
            return ""  # bold
        if kind == "#":
            channel = guild.get_channel(int(target))
            return f"#{channel.name}" if channel is not None else f"#{target}"
        if kind == "@&":
            role = guild.get_role(int(target))
            return f"@{role.name}" if role is not None else f"@&{target}"
        return f"@{target}"

    return MARKUP.sub(word, BOTH_TIMES.sub(r"<t:\1>", text))
