"""Small helpers for what the bot shows: timestamps, embeds, replies."""

from __future__ import annotations

from datetime import datetime

import discord

COLOUR = discord.Colour.from_rgb(0x2E, 0x86, 0x8C)


def timestamp(moment: datetime) -> str:
    """Both absolute and relative Discord timestamps: each reader sees their own time."""
    unix = int(moment.timestamp())
    return f"<t:{unix}:F> (<t:{unix}:R>)"


def embed(title: str, description: str | None = None) -> discord.Embed:
    return discord.Embed(title=title[:256], description=description, colour=COLOUR)


def role_mention(role_id: int | None) -> str | None:
    return f"<@&{role_id}>" if role_id else None


def channel_mention(channel_id: int | None) -> str | None:
    return f"<#{channel_id}>" if channel_id else None


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    ephemeral: bool = True,
    files: list[discord.File] | None = None,
) -> None:
    """Answer, or follow up when the interaction was already deferred; `files` (a chart,
    an export) go with the answer when given."""
    kwargs: dict[str, object] = {"ephemeral": ephemeral}
    if embed is not None:
        kwargs["embed"] = embed
    if files:
        kwargs["files"] = files
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)  # type: ignore[call-overload]
    else:
        await interaction.response.send_message(content, **kwargs)  # type: ignore[call-overload]
