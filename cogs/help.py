"""`/help`: what the caller may do, in their language, built from the command tree:
organisers' commands to organisers, the board's (answers, follow-up) to the board."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import SipBot
from bot.kit import ui
from bot.kit.checks import (
    for_board,
    for_group_managers,
    for_organisers,
    member_is_board,
    member_is_organiser,
)  # fmt: skip
from bot.kit.i18n import Tr
from bot.kit.text import pack
from bot.kit.translator import command_key
from storage import groups as group_store

Leaf = app_commands.Command


def leaves(tree: app_commands.CommandTree) -> list[Leaf]:
    found: list[Leaf] = []
    for command in sorted(
        tree.get_commands(type=discord.AppCommandType.chat_input), key=lambda c: c.name
    ):
        if isinstance(command, app_commands.Group):
            found.extend(c for c in command.walk_commands() if isinstance(c, app_commands.Command))
        elif isinstance(command, app_commands.Command):
            found.append(command)
    return found


def spoken_name(tr: Tr, command: Leaf) -> str:
    """The command as the reader types it: localised names in fr and nl."""
    parts: list[str] = []
    node: Leaf | app_commands.Group | None = command
    while node is not None:
        localised = tr.catalog.get(tr.language, command_key(node.qualified_name) + ".name")
        parts.append(localised or node.name)
        node = node.parent
    return "/" + " ".join(reversed(parts))


def spoken_description(tr: Tr, command: Leaf) -> str:
    localised = tr.catalog.get(tr.language, command_key(command.qualified_name) + ".description")
    return localised or command.description


class HelpCog(commands.Cog):
    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    @app_commands.command(name="help", description=_("What you can do with sipbot"))
    @app_commands.guild_only()
    async def help(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None  # noqa: S101
        config = await self.services.config(interaction.guild_id)
        tr = self.services.reader(interaction, config)
        member = interaction.user if isinstance(interaction.user, discord.Member) else None
        organiser = member is not None and member_is_organiser(
            member, config, interaction.permissions
        )
        board = member is not None and member_is_board(member, config, interaction.permissions)
        # a group's facilitator or secretary also sees the commands for those who run one
        manager = organiser
        if not manager:
            async with self.services.db() as db:
                manager = await group_store.runs_a_group(
                    db, interaction.guild_id, interaction.user.id
                )
        card = ui.embed(tr("help.title"), tr("help.intro"))
        sections: dict[str, list[str]] = {}
        for command in leaves(self.bot.tree):
            if (for_organisers(command) and not organiser) or (for_board(command) and not board):
                continue
            if for_group_managers(command) and not manager:
                continue
            root = spoken_name(tr, command).split(" ")[0]
            line = f"`{spoken_name(tr, command)}` — {spoken_description(tr, command)}"
            sections.setdefault(root, []).append(line)
        for root, lines in sections.items():
            for chunk in pack(lines, 1024):
                card.add_field(name=root, value=chunk, inline=False)
        if not organiser:
            card.set_footer(text=tr("help.more_for_organisers"))
        await ui.reply(interaction, embed=card)


async def setup(bot: SipBot) -> None:
    await bot.add_cog(HelpCog(bot))
