"""What a meeting shows in Discord: its announcement card, its scheduled event, and the
words of the DMs sent to its registrants. Nothing here pings anyone: the bot's default
`AllowedMentions.none()` holds for every post and DM of a meeting."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import ui
from bot.kit.i18n import Tr
from bot.meetings import rules
from storage import work as work_store
from storage.meetings import Counts
from storage.models import Meeting

log = logging.getLogger(__name__)
KIND_EMOJI = {"open_meeting": "🤝", "webinar": "🎙️", "presentation": "📣"}
CHOICE_STYLE = {
    rules.IN_PERSON: (discord.ButtonStyle.success, "🏢"),
    rules.ONLINE: (discord.ButtonStyle.primary, "💻"),
    rules.CANCEL: (discord.ButtonStyle.secondary, "✖️"),
}


def online(meeting: Meeting) -> bool:
    return bool(meeting.visio_url or meeting.voice_channel_id)


def offered(meeting: Meeting) -> tuple[str, ...]:
    return rules.offered(meeting.place is not None, online(meeting))


def where(tr: Tr, meeting: Meeting) -> str:
    parts = []
    if meeting.place:
        parts.append(tr("meeting.where.place", place=meeting.place))
    if meeting.voice_channel_id:
        parts.append(tr("meeting.where.voice", channel=f"<#{meeting.voice_channel_id}>"))
    if meeting.visio_url:
        parts.append(tr("meeting.where.visio", url=meeting.visio_url))
    return "\n".join(parts) or "—"


def kind_label(tr: Tr, meeting: Meeting) -> str:
    return f"{KIND_EMOJI.get(meeting.kind, '📅')} {tr(f'meeting.kind.{meeting.kind}')}"


def jump_link(meeting: Meeting) -> str | None:
    if meeting.channel_id is None or meeting.message_id is None:
        return None
    return (
        f"https://discord.com/channels/{meeting.guild_id}/{meeting.channel_id}/{meeting.message_id}"
    )


def event_link(meeting: Meeting) -> str | None:
    if meeting.event_id is None:
        return None
    return f"https://discord.com/events/{meeting.guild_id}/{meeting.event_id}"


def places(tr: Tr, meeting: Meeting, counts: Counts) -> str:
    lines = []
    if meeting.place is not None:
        if meeting.capacity is None:
            lines.append(tr("meeting.card.in_person_open", count=counts.seated))
        else:
            left = rules.seats_left(meeting.capacity, counts.seated) or 0
            lines.append(
                tr("meeting.card.in_person", count=counts.seated, capacity=meeting.capacity)
                + " · "
                + tr("meeting.card.left", count=left)
            )
            if counts.waitlisted:
                lines.append(tr("meeting.card.waitlist", count=counts.waitlisted))
    if online(meeting):
        lines.append(tr("meeting.card.online", count=counts.online))
    return "\n".join(lines)


def card(
    tr: Tr, meeting: Meeting, counts: Counts, theme: str | None = None, event: str = "none"
) -> discord.Embed:
    status = "" if meeting.status == "scheduled" else f" — {tr(f'meeting.status.{meeting.status}')}"
    embed = ui.embed(f"{kind_label(tr, meeting)} · {meeting.title}{status}"[:256])
    if meeting.description:
        embed.description = meeting.description
    embed.add_field(
        name=tr("meeting.card.when"), value=ui.timestamp(meeting.starts_at), inline=False
    )
    embed.add_field(
        name=tr("meeting.card.length"), value=tr("meeting.card.minutes", minutes=meeting.minutes)
    )
    embed.add_field(name=tr("meeting.card.where"), value=where(tr, meeting)[:1024])
    if meeting.speaker:
        embed.add_field(name=tr("meeting.card.speaker"), value=meeting.speaker, inline=False)
    if theme:
        embed.add_field(name=tr("meeting.card.theme"), value=theme[:1024], inline=False)
    embed.add_field(
        name=tr("meeting.card.places"), value=places(tr, meeting, counts) or "—", inline=False
    )
    link = event_link(meeting) if meeting.status == "scheduled" else None
    if link is not None:
        embed.add_field(name=tr("meeting.card.event"), value=link, inline=False)
    elif meeting.status == "scheduled" and event in ("pending", "failed"):
        embed.add_field(
            name=tr("meeting.card.event"), value=tr(f"meeting.card.event.{event}"), inline=False
        )
    if meeting.status == "scheduled":
        embed.set_footer(text=tr("meeting.card.footer"))
    return embed


async def event_state(db: AsyncSession, meeting: Meeting) -> str:
    """ready (the event exists), pending (Discord has not accepted it yet), failed, none."""
    if meeting.event_id is not None:
        return "ready"
    item = await work_store.get(db, event_key(meeting))
    states = {"pending": "pending", "running": "pending", "failed": "failed"}
    return states.get(item.state, "none") if item is not None else "none"


def event_key(meeting: Meeting) -> str:
    return f"meeting_event:{meeting.id}:{meeting.version}:{meeting.status}"


# ------------------------------------------------------------------ the Discord event
def event_description(tr: Tr, meeting: Meeting) -> str:
    parts = [tr(f"meeting.kind.{meeting.kind}")]
    if meeting.speaker:
        parts.append(tr("meeting.event.speaker", speaker=meeting.speaker))
    if meeting.description:
        parts.append(meeting.description)
    return "\n".join(parts)[: rules.DESCRIPTION_MAX]


async def create_event(guild: discord.Guild, tr: Tr, meeting: Meeting) -> discord.ScheduledEvent:
    common: dict[str, Any] = {
        "name": meeting.title[: rules.TITLE_MAX],
        "start_time": meeting.starts_at,
        "end_time": meeting.starts_at + timedelta(minutes=meeting.minutes),
        "privacy_level": discord.PrivacyLevel.guild_only,
        "description": event_description(tr, meeting),
    }
    voice = guild.get_channel(meeting.voice_channel_id or 0)
    if isinstance(voice, discord.VoiceChannel | discord.StageChannel) and meeting.place is None:
        return await guild.create_scheduled_event(
            channel=voice, entity_type=discord.EntityType.voice, **common
        )
    location = meeting.place or meeting.visio_url or (voice.name if voice else "—")
    return await guild.create_scheduled_event(
        entity_type=discord.EntityType.external, location=location[:100], **common
    )


# ------------------------------------------------------------------ DMs
def _about(tr: Tr, meeting: Meeting, guild: str) -> dict[str, str]:
    return {
        "title": meeting.title,
        "kind": tr(f"meeting.kind.{meeting.kind}"),
        "guild": guild,
        "when": ui.timestamp(meeting.starts_at),
    }


def reminder_text(
    tr: Tr,
    meeting: Meeting,
    guild: str,
    offset: str,
    state: str,
    mode: str,
    position: int,
    late: bool,
) -> str:
    """The reminder a registrant gets, by what their registration is when it goes out."""
    head = tr("meeting.reminder.head", offset=offset, **_about(tr, meeting, guild))
    if state == rules.WAITLISTED:
        body = tr("meeting.reminder.waiting", position=position)
        if online(meeting):
            body += "\n" + tr("meeting.reminder.waiting_online")
    elif mode == rules.ONLINE:
        body = tr("meeting.reminder.online")
    else:
        body = tr("meeting.reminder.in_person")
    lines = [head, body, where(tr, meeting)]
    link = jump_link(meeting)
    if link is not None:
        lines.append(tr("meeting.dm.manage", link=link))
    if late:
        lines.append(tr("meeting.reminder.late"))
    return "\n".join(lines)


def notice_text(tr: Tr, meeting: Meeting, guild: str, what: str) -> str:
    """promoted, moved or cancelled."""
    lines = [tr(f"meeting.notice.{what}", **_about(tr, meeting, guild))]
    if what != "cancelled":
        lines.append(where(tr, meeting))
        link = jump_link(meeting)
        if link is not None:
            lines.append(tr("meeting.dm.manage", link=link))
    return "\n".join(lines)
