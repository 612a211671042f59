"""`sipbot invite`: the link that adds the bot to a server, at any time.

The application id comes from Discord (`/oauth2/applications/@me`, with the token),
else, when Discord cannot be reached, from the token itself; the permissions are
exactly those the bot needs (bot/kit/permissions.py)."""

from __future__ import annotations

import asyncio

import click
import discord

from bot.cli.common import WRONG_SETTINGS, Failure, load_settings, say
from bot.kit import firstrun
from bot.kit.permissions import SCOPES, required_permissions

ASK_TIMEOUT = 5.0


def link(application_id: int, guild_id: int | None = None) -> str:
    if guild_id is None:
        return discord.utils.oauth_url(
            application_id, permissions=required_permissions(), scopes=list(SCOPES)
        )
    return discord.utils.oauth_url(
        application_id,
        permissions=required_permissions(),
        scopes=list(SCOPES),
        guild=discord.Object(id=guild_id),
        disable_guild_select=True,
    )


def application_id(token: str, api_base: str | None) -> tuple[int, str]:
    """The id and where it was read (Discord, or the token when Discord was not reached)."""
    checked = asyncio.run(firstrun.check_token(token, api_base, seconds=ASK_TIMEOUT))
    if checked.ok and checked.application_id is not None:
        return checked.application_id, "read from Discord"
    if checked.refused:
        raise Failure(
            "Discord refused DISCORD_TOKEN: copy the token again from the Developer Portal "
            "(your application → Bot → Reset Token)",
            WRONG_SETTINGS,
        )
    from_token = firstrun.application_id_from_token(token)
    if from_token is None:
        raise Failure(f"{checked.problem}, and DISCORD_TOKEN does not look like a bot token")
    return from_token, f"read from the token: {checked.problem}"


@click.command("invite")
@click.option("--guild", "guild_id", type=click.IntRange(min=1), help="Preselect this server.")
def command(guild_id: int | None) -> int:
    """Print the link that invites the bot to a server, with the permissions it needs."""
    settings = load_settings()
    assert settings.discord_token is not None  # noqa: S101 - load_settings checked it
    found, source = application_id(settings.discord_token, settings.api_base)
    say(f"Invite the bot (application {found}, {source}) to a server with:")
    say(link(found, guild_id))
    return 0
