"""Who may do what (SPEC §1): organisers by role or Manage Server.

Organiser commands have two layers: Discord hides them from people without Manage
Server (`default_member_permissions`, which server admins may change), and the bot
checks the organiser role or Manage Server at run time (which they may not). Discord
reads default permissions on top-level commands only: on a subcommand they are
ignored. So a command group is either
- for organisers as a whole: its cog is an `OrganiserCog` (checked at run time) and the
  group carries `default_permissions=ORGANISERS` (hidden), or
- mixed, visible on purpose because members use some of its subcommands (`/interest
  profile` beside `/interest open`): the organisers' subcommands carry
  `organiser_only()`, which checks at run time; they stay in the member's picker.
Mixed groups are kept rather than split because splitting would rename commands people
already use; tests/kit/test_visibility.py lists them and fails for any other group
that holds an organiser command and is visible to members.

The board (SPEC §1) answers submitted recommendations and follows up adopted ones: the
board role set with `/setup roles board:`, and organisers always (when no board role
is set, they are the board). Board members need not have Manage Server, so a board
command can never be hidden by default permissions: it is visible and carries
`board_only()`, checked at run time; `/help` lists it only to the board.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands
from discord.ext import commands

from storage.models import GuildConfig

if TYPE_CHECKING:
    from bot.kit.host import Host

T = TypeVar("T")
# What Discord asks of members before it shows an organiser command (Manage Server).
ORGANISERS = discord.Permissions(manage_guild=True)


class NotOrganiser(app_commands.CheckFailure):
    def __init__(self, role_id: int | None) -> None:
        super().__init__("organiser role or Manage Server needed")
        self.role_id = role_id


class NotBoard(app_commands.CheckFailure):
    def __init__(self, role_id: int | None) -> None:
        super().__init__("board role, organiser role or Manage Server needed")
        self.role_id = role_id


class NotInGuild(app_commands.CheckFailure):
    pass


def member_is_organiser(
    member: discord.Member, config: GuildConfig, permissions: discord.Permissions | None = None
) -> bool:
    granted = permissions or member.guild_permissions
    if granted.administrator or granted.manage_guild:
        return True
    return holds(member, config.organiser_role_id)


def member_is_board(
    member: discord.Member, config: GuildConfig, permissions: discord.Permissions | None = None
) -> bool:
    """The board role, or an organiser (who may always answer: the board by default)."""
    if member_is_organiser(member, config, permissions):
        return True
    return holds(member, config.board_role_id)


def member_is_member(member: discord.Member, config: GuildConfig) -> bool:
    if member.bot:
        return False
    if config.member_role_id is None:
        return True
    return holds(member, config.member_role_id)


def holds(member: discord.Member, role_id: int | None) -> bool:
    """The member has this role. get_role looks the id up in the member's sorted role
    ids: `roles` would build and sort a list of every role, for each of a busy poll's
    thousands of reactions."""
    return role_id is not None and member.get_role(role_id) is not None


async def ensure_organiser(interaction: discord.Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotInGuild()
    bot = cast("Host", interaction.client)
    config = await bot.services.config(interaction.guild.id)
    if not member_is_organiser(interaction.user, config, interaction.permissions):
        raise NotOrganiser(config.organiser_role_id)
    return True


async def ensure_board(interaction: discord.Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise NotInGuild()
    bot = cast("Host", interaction.client)
    config = await bot.services.config(interaction.guild.id)
    if not member_is_board(interaction.user, config, interaction.permissions):
        raise NotBoard(config.board_role_id)
    return True


def board_only() -> Callable[[T], T]:
    """A command for the board (and organisers), checked at run time; no default
    permissions, so that board members without Manage Server see it."""

    def decorator(func: T) -> T:
        return cast(T, app_commands.check(ensure_board)(cast(Any, func)))

    return decorator


def organiser_only() -> Callable[[T], T]:
    """One organisers' command of a mixed group, checked at run time. The default
    permissions set here count only for a top-level command: a subcommand's group
    decides whether Discord shows it (see the module's docstring)."""

    def decorator(func: T) -> T:
        checked = app_commands.check(ensure_organiser)(cast(Any, func))
        return cast(T, app_commands.default_permissions(ORGANISERS)(checked))

    return decorator


class OrganiserCog(commands.Cog):
    """A cog whose every command is for organisers: each is checked at run time. Its
    command group carries `default_permissions=ORGANISERS`, so Discord hides it too."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return await ensure_organiser(interaction)


def for_organisers(command: app_commands.Command[Any, ..., Any]) -> bool:
    """Whether the bot refuses this command to anyone but organisers at run time."""
    return ensure_organiser in command.checks or isinstance(command.binding, OrganiserCog)


# Commands for whoever runs a group — its facilitator, its secretary, an organiser (the
# rule of bot/kit/access.py) — carry `extras={AUDIENCE: GROUP_MANAGERS}`: the bot checks
# at run time, and /help lists them only to organisers and to people who run a group.
AUDIENCE, GROUP_MANAGERS = "audience", "group_managers"


def for_group_managers(command: app_commands.Command[Any, ..., Any]) -> bool:
    return command.extras.get(AUDIENCE) == GROUP_MANAGERS


def for_board(command: app_commands.Command[Any, ..., Any]) -> bool:
    """Whether the bot refuses this command to anyone but the board and organisers."""
    return ensure_board in command.checks
