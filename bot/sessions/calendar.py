"""Which sessions go into a member's calendar file, and how each becomes an entry."""

from __future__ import annotations

import discord

from bot.kit.checks import member_is_organiser
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.services import Services
from bot.sessions.files import CalendarEntry, sequence_of
from storage import groups as group_store
from storage.models import GroupSession, GuildConfig, Meeting, Theme, WorkGroup


async def groups_for(
    services: Services,
    interaction: discord.Interaction,
    config: GuildConfig,
    value: str | None,
    *,
    required: bool = True,
) -> list[WorkGroup]:
    """The group named, else this channel's group, else every group of the caller (none
    refused when `required`: the caller may still have meetings in their calendar)."""
    assert interaction.guild_id is not None and interaction.channel_id is not None  # noqa: S101
    async with services.db() as db:
        mine = await group_store.member_groups_in_guild(
            db, interaction.guild_id, interaction.user.id
        )
        if value is not None:
            text = value.strip().lstrip("#")
            chosen = await db.get(WorkGroup, int(text)) if text.isdigit() else None
            organiser = isinstance(interaction.user, discord.Member) and member_is_organiser(
                interaction.user, config, interaction.permissions
            )
            if (
                chosen is None
                or chosen.guild_id != interaction.guild_id
                or (chosen.id not in {g.id for g in mine} and not organiser)
            ):
                raise UserError("error.ics.unknown_group", value=value)
            return [chosen]
        here = await group_store.by_channel(db, interaction.channel_id)
    if here is not None:
        return [here]
    if not mine and required:
        raise UserError("error.ics.no_group")
    return mine


def entry(
    guild: discord.Guild, tr: Tr, group: WorkGroup, theme: Theme | None, row: GroupSession
) -> CalendarEntry:
    voice = guild.get_channel(row.voice_channel_id or 0)
    location = row.place or (voice.name if voice is not None else None) or row.visio_url
    url = row.visio_url or (
        f"https://discord.com/events/{guild.id}/{row.event_id}" if row.event_id else None
    )
    return CalendarEntry(
        uid_key=f"{row.guild_id}-{row.id}", title=tr("session.event.name", group=group.name, number=row.number),
        starts_at=row.starts_at, minutes=row.minutes, status=row.status,
        sequence=sequence_of(row.version, row.status),
        location=location, url=url, description=f"{theme.title if theme else ''} · {group.name}",
        updated_at=row.updated_at,
    )  # fmt: skip


def meeting_entry(guild: discord.Guild, tr: Tr, row: Meeting) -> CalendarEntry:
    """A meeting open to all members, as the calendar of one who registered shows it."""
    voice = guild.get_channel(row.voice_channel_id or 0)
    location = row.place or (voice.name if voice is not None else None) or row.visio_url
    url = row.visio_url or (
        f"https://discord.com/events/{guild.id}/{row.event_id}" if row.event_id else None
    )
    about = [tr(f"meeting.kind.{row.kind}"), *([row.speaker] if row.speaker else [])]
    return CalendarEntry(
        uid_key=f"{row.guild_id}-{row.id}", title=row.title, starts_at=row.starts_at,
        minutes=row.minutes, status=row.status, sequence=sequence_of(row.version, row.status),
        location=location, url=url, description=" · ".join(about), updated_at=row.updated_at,
        kind="meeting",
    )  # fmt: skip
