"""Who may do what (SPEC §1): organisers by role or Manage Server."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands

from storage.models import GuildConfig

if TYPE_CHECKING:
    from bot.kit.host import Host

T = TypeVar("T")


class NotOrganiser(app_commands.CheckFailure):
    def __init__(self, role_id: int | None) -> None:
        super().__init__("organiser role or Manage Server needed")
        self.role_id = role_id


class NotInGuild(app_commands.CheckFailure):
    pass


def member_is_organiser(
    member: discord.Member, config: GuildConfig, permissions: discord.Permissions | None = None
) -> bool:
    granted = permissions or member.guild_permissions
    if granted.administrator or granted.manage_guild:
        return True
    role_id = config.organiser_role_id
    return role_id is not None and any(role.id == role_id for role in member.roles)


def member_is_member(member: discord.Member, config: GuildConfig) -> bool:
    if member.bot:
        return False
    if config.member_role_id is None:
        return True
    return any(role.id == config.member_role_id for role in member.roles)


async def ensure_organiser(interaction: discord.Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotInGuild()
    bot = cast("Host", interaction.client)
    config = await bot.services.config(interaction.guild.id)
    if not member_is_organiser(interaction.user, config, interaction.permissions):
        raise NotOrganiser(config.organiser_role_id)
    return True


def organiser_only() -> Callable[[T], T]:
    """Both layers of SPEC §1: hidden by default permissions AND checked at run time
    (server admins can change who sees a command, not who may run it)."""

    def decorator(func: T) -> T:
        checked = app_commands.check(ensure_organiser)(cast(Any, func))
        return cast(T, app_commands.default_permissions(manage_guild=True)(checked))

    return decorator
