"""The Discord side of a session: its scheduled event, its post with RSVP buttons."""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import ui
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.sessions import rules
from storage import groups as group_store
from storage import guests as guest_store
from storage import sessions as store
from storage import work as work_store
from storage.models import GroupSession, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
ANSWERS = ("in_person", "online", "absent")
ANSWER_STYLE = {
    "in_person": (discord.ButtonStyle.success, "🏢"),
    "online": (discord.ButtonStyle.primary, "💻"),
    "absent": (discord.ButtonStyle.secondary, "🚫"),
}


def where(tr: Tr, session: GroupSession) -> str:
    parts = []
    if session.place:
        parts.append(session.place)
    if session.voice_channel_id:
        parts.append(f"<#{session.voice_channel_id}>")
    if session.visio_url:
        parts.append(session.visio_url)
    return " · ".join(parts) or tr("session.where.unknown")


def event_line(tr: Tr, session: GroupSession, event: str) -> str | None:
    """What the post says of the Discord event: its link, or the truth while Discord has
    not accepted it (`event`: ready, pending, failed, or none)."""
    if session.status != "scheduled":
        return None
    if session.event_id is not None:
        return f"https://discord.com/events/{session.guild_id}/{session.event_id}"
    if event in ("pending", "failed"):
        return tr(f"session.card.event.{event}")
    return None


async def event_state(db: AsyncSession, session: GroupSession) -> str:
    """ready (the event exists), pending (Discord has not accepted it yet), failed
    (Discord refused it for good), or none."""
    if session.event_id is not None:
        return "ready"
    item = await work_store.get(db, rules.event_key(session.id, session.version, session.status))
    states = {"pending": "pending", "running": "pending", "failed": "failed"}
    return states.get(item.state, "none") if item is not None else "none"


def event_name(group: WorkGroup, session: GroupSession, tr: Tr) -> str:
    return tr("session.event.name", group=group.name, number=session.number)[:100]


def session_card(
    tr: Tr, group: WorkGroup, session: GroupSession, counts: Counter[str], event: str = "none"
) -> discord.Embed:
    status = "" if session.status == "scheduled" else f" — {tr(f'session.status.{session.status}')}"
    card = ui.embed(tr("session.card.title", number=session.number, group=group.name) + status)
    card.add_field(
        name=tr("session.card.when"), value=ui.timestamp(session.starts_at), inline=False
    )
    card.add_field(
        name=tr("session.card.length"), value=tr("session.card.minutes", minutes=session.minutes)
    )
    card.add_field(name=tr("session.card.where"), value=where(tr, session))
    line = event_line(tr, session, event)
    if line is not None:
        card.add_field(name=tr("session.card.event"), value=line, inline=False)
    card.add_field(
        name=tr("session.card.rsvp"),
        value=" · ".join(
            f"{ANSWER_STYLE[a][1]} {tr(f'rsvp.{a}')} : {counts.get(a, 0)}" for a in ANSWERS
        ),
        inline=False,
    )
    return card


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"sip:rsvp:(?P<session>\d+):(?P<answer>in_person|online|absent)",
):
    """Persistent: the session and the answer live in the custom id, so a click works
    on any session post, before or after a restart."""

    def __init__(self, session_id: int, answer: str, label: str | None = None) -> None:
        style, emoji = ANSWER_STYLE[answer]
        super().__init__(
            discord.ui.Button(
                label=label or answer,
                style=style,
                emoji=emoji,
                custom_id=f"sip:rsvp:{session_id}:{answer}",
            )
        )
        self.session_id, self.answer = session_id, answer

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RsvpButton:
        return cls(int(match["session"]), match["answer"], item.label)

    async def callback(self, interaction: discord.Interaction) -> None:
        bot = cast("Host", interaction.client)
        try:
            await self._answer(bot, interaction)
        except Exception as error:  # noqa: BLE001 - one place turns errors into messages
            from bot.kit import errors

            await errors.report(bot, interaction, error)

    async def _answer(self, bot: Host, interaction: discord.Interaction) -> None:
        services = bot.services
        now = services.clock.now()
        async with services.db() as db, db.begin():
            session = await store.get(db, self.session_id)
            if session is None or session.status != "scheduled":
                raise UserError("error.rsvp.closed")
            group = await db.get(WorkGroup, session.group_id)
            members = await group_store.member_ids(db, session.group_id)
            assert group is not None  # noqa: S101 - foreign key
            if interaction.user.id not in members | {group.facilitator_id, group.secretary_id}:
                if await guest_store.guest_of(db, group.id, interaction.user.id, now):
                    raise UserError("error.rsvp.guest", group=group.name)
                raise UserError("error.rsvp.not_in_group", group=group.name)
            await store.answer(db, self.session_id, interaction.user.id, self.answer, now)
            counts = await store.rsvp_counts(db, self.session_id)
            event = await event_state(db, session)
        config = await services.config(session.guild_id)
        public = services.public(config)
        await interaction.response.edit_message(
            embed=session_card(public, group, session, counts, event),
            view=rsvp_view(public, session),
        )
        tr = services.reader(interaction, config)
        await interaction.followup.send(
            tr("rsvp.saved", answer=tr(f"rsvp.{self.answer}")), ephemeral=True
        )


def rsvp_view(tr: Tr, session: GroupSession) -> discord.ui.View | None:
    if session.status != "scheduled" or session.id is None:
        return None
    view = discord.ui.View(timeout=None)
    for answer in ANSWERS:
        view.add_item(RsvpButton(session.id, answer, tr(f"rsvp.{answer}")))
    return view


async def create_event(
    guild: discord.Guild, tr: Tr, group: WorkGroup, session: GroupSession
) -> discord.ScheduledEvent:
    end = session.starts_at + timedelta(minutes=session.minutes)
    common: dict[str, Any] = {
        "name": event_name(group, session, tr),
        "start_time": session.starts_at,
        "end_time": end,
        "privacy_level": discord.PrivacyLevel.guild_only,
        "description": tr("session.event.description", group=group.name)[:1000],
    }
    voice = guild.get_channel(session.voice_channel_id or 0)
    if isinstance(voice, discord.VoiceChannel | discord.StageChannel):
        return await guild.create_scheduled_event(
            channel=voice, entity_type=discord.EntityType.voice, **common
        )
    location = session.place or session.visio_url or tr("session.where.unknown")
    return await guild.create_scheduled_event(
        entity_type=discord.EntityType.external, location=location[:100], **common
    )
