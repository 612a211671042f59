"""Who may manage a group — organise its sessions and experiments, move its drafts
along: its facilitator, its secretary, or an organiser. The one rule, for every feature;
and, for commands typed in a group's channel, which group that is."""

from __future__ import annotations

import discord

from bot.kit.checks import member_is_organiser
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.services import Services
from storage import groups as group_store
from storage.models import GuildConfig, WorkGroup


def can_manage(
    member: discord.Member,
    config: GuildConfig,
    group: WorkGroup,
    permissions: discord.Permissions | None,
) -> bool:
    return member.id in (group.facilitator_id, group.secretary_id) or member_is_organiser(
        member, config, permissions
    )


def check_manager(
    interaction: discord.Interaction,
    config: GuildConfig,
    group: WorkGroup,
    *,
    refusal: str = "error.session.not_manager",
) -> None:
    """Refuses with `refusal` (its `group` parameter named) whoever may not manage the
    group: every feature asks the same question, each says in its words what was refused
    (sessions and experiments: organising them; drafts: moving a draft along)."""
    if not isinstance(interaction.user, discord.Member) or not can_manage(
        interaction.user, config, group, interaction.permissions
    ):
        raise UserError(refusal, group=group.name)


async def managed_group_here(
    services: Services, interaction: discord.Interaction
) -> tuple[GuildConfig, Tr, WorkGroup]:
    """The group whose channel this is, for a caller allowed to organise it."""
    assert interaction.guild_id is not None and interaction.channel_id is not None  # noqa: S101
    config = await services.config(interaction.guild_id)
    tr = services.reader(interaction, config)
    async with services.db() as db:
        group = await group_store.by_channel(db, interaction.channel_id)
    if group is None:
        raise UserError("error.session.not_group_channel")
    check_manager(interaction, config, group)
    return config, tr, group
