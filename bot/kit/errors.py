"""The one place where failures become messages.

User errors become an ephemeral message in the reader's language; anything
unexpected is logged with a short reference the organiser can quote, and the
user gets an apology carrying that reference. Never "This interaction failed".
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.kit import ui
from bot.kit.checks import NotBoard, NotInGuild, NotOrganiser
from bot.kit.i18n import Tr
from bot.kit.text import excerpt
from bot.kit.user_error import UserError

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)


def unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ if isinstance(error, app_commands.TransformerError) else None
        if isinstance(error, app_commands.CommandInvokeError):
            inner = error.original
        if inner is None:
            break
        error = inner
    return error


def _shown(value: object) -> object:
    """A refusal's parameter as quoted: dates as Discord timestamps, texts as excerpts
    (a refused value may be anything a member typed, 6,000 characters included)."""
    if isinstance(value, datetime):
        return f"<t:{int(value.timestamp())}:D>"
    if isinstance(value, str):
        return excerpt(value)
    if isinstance(value, list | tuple):  # names the bot lists itself (permissions)
        return ", ".join(str(part) for part in value)
    return value


def describe(error: BaseException, tr: Tr) -> str | None:
    """The message for a known error, or None when it is unexpected."""
    if isinstance(error, UserError):
        return tr(error.key, **{name: _shown(value) for name, value in error.params.items()})
    if isinstance(error, NotOrganiser):
        if error.role_id:
            return tr("error.not_organiser.role", role=f"<@&{error.role_id}>")
        return tr("error.not_organiser")
    if isinstance(error, NotBoard):
        if error.role_id:
            return tr("error.not_board.role", role=f"<@&{error.role_id}>")
        return tr("error.not_board")
    if isinstance(error, NotInGuild | app_commands.NoPrivateMessage):
        return tr("error.guild_only")
    if isinstance(error, app_commands.BotMissingPermissions):
        return tr("error.bot_missing", permissions=", ".join(error.missing_permissions))
    if isinstance(error, app_commands.CommandOnCooldown):
        return tr("error.cooldown", seconds=round(error.retry_after, 1))
    if isinstance(error, app_commands.TransformerError):
        return tr("error.bad_value", value=excerpt(error.value))
    if isinstance(error, app_commands.CheckFailure):
        return tr("error.not_allowed")
    if isinstance(error, discord.Forbidden):
        return tr("error.discord_forbidden")
    return None


REFUSALS = (
    UserError,
    NotOrganiser,
    NotInGuild,
    app_commands.NoPrivateMessage,
    app_commands.CheckFailure,
    app_commands.CommandOnCooldown,
    app_commands.TransformerError,
)


def outcome(error: BaseException) -> str:
    """How a failed command is counted (bot/kit/metrics.py): "refused" when the person was
    told what to change, "error" when something went wrong (Discord refusing the bot
    included: that is for the organisers to fix, not the person who asked)."""
    return "refused" if isinstance(unwrap(error), REFUSALS) else "error"


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    try:
        await ui.reply(interaction, content)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in %s", interaction.id)


async def report(bot: Host, interaction: discord.Interaction, error: BaseException) -> None:
    config = None
    if interaction.guild_id is not None:
        try:
            config = await bot.services.config(interaction.guild_id)
        except Exception:  # noqa: BLE001 - the database itself may be what failed
            log.warning("configuration unavailable while reporting an error")
    tr = bot.services.reader(interaction, config)
    original = unwrap(error)
    message = describe(original, tr)
    if message is None:
        reference = secrets.token_hex(3)
        command = interaction.command.qualified_name if interaction.command else "?"
        log.error("unexpected error [%s] in %s", reference, command, exc_info=original)
        message = tr("error.unexpected", reference=reference)
    await send_ephemeral(interaction, message)
