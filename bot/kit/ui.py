"""Small helpers for what the bot shows: timestamps, embeds, replies."""

from __future__ import annotations

from datetime import datetime

import discord
from discord.enums import InteractionResponseType
from discord.http import Route
from discord.utils import MISSING
from discord.webhook.async_ import async_context, interaction_message_response_params

from bot.kit.metrics import seen_answered

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
    answered = interaction.response.is_done()
    if not answered and not files:
        await answer(interaction, content, embed=embed, ephemeral=ephemeral)
        return
    kwargs: dict[str, object] = {"ephemeral": ephemeral}
    if embed is not None:
        kwargs["embed"] = embed
    if files:
        kwargs["files"] = files
    if answered:
        await interaction.followup.send(content, **kwargs)  # type: ignore[call-overload]
    else:
        await interaction.response.send_message(content, **kwargs)  # type: ignore[call-overload]


_EPHEMERAL = discord.MessageFlags(ephemeral=True)


async def answer(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    ephemeral: bool = True,
) -> None:
    """The interaction's first answer, a message, without asking Discord to send it back.

    discord.py's `send_message` asks for the created message (`with_response`) and builds
    a Message of it; a reply without buttons never reads it, and Discord answers 204
    without the query. The same request otherwise: the payload discord.py builds, its
    webhook adapter (rate limits, retries, errors), the response marked as done, and the
    answer counted in the metrics as discord.py's are (bot/kit/metrics.py)."""
    response = interaction.response
    if response.is_done():
        raise discord.InteractionResponded(interaction)
    params = interaction_message_response_params(
        type=InteractionResponseType.channel_message.value,
        content=content,
        embed=MISSING if embed is None else embed,
        flags=_EPHEMERAL if ephemeral else MISSING,
        previous_allowed_mentions=interaction._state.allowed_mentions,
    )
    route = Route(
        "POST",
        "/interactions/{webhook_id}/{webhook_token}/callback",
        webhook_id=interaction.id,
        webhook_token=interaction.token,
    )
    http = interaction._state.http
    await async_context.get().request(
        route,
        session=interaction._session,
        proxy=http.proxy,
        proxy_auth=http.proxy_auth,
        payload=params.payload,
    )
    response._response_type = InteractionResponseType.channel_message
    seen_answered(interaction.id)
