"""Scheduling, moving and cancelling a meeting, and who may do it.

Stored first, in one transaction: the meeting and the work item that brings its Discord
event to the new state (and, for a change, the reminders re-planned and a notice to
every registrant). Then, with no transaction open, the event is tried at once through
the engine, and the announcement is posted or brought up to date; what Discord refuses
for now stays with the engine, and the organiser is told.

Who may: organisers, and for a meeting about a theme, the facilitators of that theme's
groups (they run its webinars and presentations).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import ui
from bot.kit.checks import member_is_organiser
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.meetings import jobs, posts, views
from storage import cycles
from storage import groups as group_store
from storage import meetings as store
from storage import setup as setup_store
from storage import themes as theme_store
from storage import work as work_store
from storage.meetings import Counts
from storage.models import GuildConfig, Meeting, Theme

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    meeting: Meeting
    event: str  # ready, pending, failed, none
    posted: bool  # the announcement is up (or up to date)
    told: int = 0  # registrants a notice goes to


async def check_runner(
    host: Host, interaction: discord.Interaction, config: GuildConfig, theme_id: int | None
) -> None:
    """Organisers; for a theme's meeting, also the facilitators of the theme's groups."""
    user = interaction.user
    if isinstance(user, discord.Member) and member_is_organiser(
        user, config, interaction.permissions
    ):
        return
    if theme_id is not None:
        async with host.services.db() as db:
            groups = await group_store.groups_of_theme(db, theme_id)
        if any(g.facilitator_id == user.id and g.status == "published" for g in groups):
            return
    raise UserError("error.meeting.not_runner")


async def find_theme(host: Host, guild_id: int, value: str) -> Theme:
    """The open cycle's theme named by the autocomplete's "#id" or by its title."""
    text = value.strip()
    async with host.services.db() as db:
        cycle = await cycles.open_cycle(db, guild_id)
        theme = (
            await theme_store.find(db, cycle.id, text)
            if cycle is not None and cycle.id is not None and _plausible(text)
            else None
        )
    if theme is None or theme.guild_id != guild_id:
        raise UserError("error.meeting.unknown_theme", value=value)
    return theme


def _plausible(text: str) -> bool:
    """A title, or "#" and an id a database column holds."""
    return len(text) <= 100 and not (text.startswith("#") and len(text) > 12)


async def find_meeting(host: Host, guild_id: int, value: str) -> Meeting:
    text = value.strip().lstrip("#")
    async with host.services.db() as db:
        found = await store.get(db, int(text)) if text.isdigit() and len(text) < 12 else None
    if found is None or found.guild_id != guild_id:
        raise UserError("error.meeting.unknown", value=value)
    return found


def scheduled_text(tr: Tr, change: Change) -> str:
    meeting = change.meeting
    when = ui.timestamp(meeting.starts_at)
    lines = [tr("meeting.scheduled", title=meeting.title, when=when)]
    if change.event in ("pending", "failed"):
        lines.append(tr(f"meeting.scheduled.event_{change.event}"))
    if not change.posted:
        lines.append(tr("meeting.scheduled.post_failed"))
    return "\n".join(lines)


class MeetingService:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def schedule(
        self,
        config: GuildConfig,
        row: Meeting,
        theme: Theme | None,
        channel: discord.abc.Messageable,
    ) -> Change:
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            await store.add_meeting(db, row)
            key = await jobs.follow_event(db, self.services.work, row)
            await setup_store.audit(
                db,
                row.guild_id,
                row.created_by,
                "meeting.schedule",
                now,
                meeting=row.id,
                title=row.title,
            )
        meeting, event = await self._follow(key, row.id)
        posted = await self._announce(config, meeting, theme, channel, event)
        self.services.work.poke()
        return Change(meeting, event, posted)

    async def _announce(
        self,
        config: GuildConfig,
        meeting: Meeting,
        theme: Theme | None,
        channel: discord.abc.Messageable,
        event: str,
    ) -> bool:
        """The announcement, and its copy in the theme's info channel; the message ids
        are recorded so the buttons' numbers can be kept up to date."""
        public = self.services.public(config)
        embed = posts.card(public, meeting, Counts(), theme.title if theme else None, event)
        view = views.registration_view(public, meeting) or discord.utils.MISSING
        try:
            message = await channel.send(embed=embed, view=view)
        except discord.HTTPException as exc:
            log.warning("announcement of meeting %s refused: %s", meeting.id, exc.status)
            return False
        ids: dict[str, int | None] = {"channel_id": message.channel.id, "message_id": message.id}
        info = theme.info_channel_id if theme is not None else None
        if info is not None and info != message.channel.id:
            copy = self.bot.get_partial_messageable(info, guild_id=meeting.guild_id)
            try:
                shown = await copy.send(embed=embed, view=view)
                ids.update(info_channel_id=info, info_message_id=shown.id)
            except discord.HTTPException as exc:
                log.info("theme copy of meeting %s refused: %s", meeting.id, exc.status)
        async with self.services.db() as db, db.begin():
            await store.update_meeting(db, meeting.id, self.services.clock.now(), **ids)
        return True

    async def reschedule(
        self,
        config: GuildConfig,
        meeting: Meeting,
        starts_at: datetime,
        minutes: int,
        actor_id: int,
    ) -> Change:
        now = self.services.clock.now()
        works = self.services.work
        async with self.services.db() as db, db.begin():
            meeting = await store.update_meeting(
                db,
                meeting.id,
                now,
                starts_at=starts_at,
                minutes=minutes,
                version=meeting.version + 1,
            )
            await jobs.cancel_reminders(db, meeting.id, now)
            members = await store.active_members(db, meeting.id)
            await jobs.plan_reminders(db, works, meeting, members, config.offsets_minutes, now)
            await _cancel_notices(db, meeting.id, now, "moved")
            await jobs.tell(db, works, meeting, members, "moved", meeting.version)
            key = await jobs.follow_event(db, works, meeting)
            await setup_store.audit(
                db, meeting.guild_id, actor_id, "meeting.reschedule", now,
                meeting=meeting.id, version=meeting.version,
            )  # fmt: skip
        return await self._changed(key, meeting, len(members))

    async def cancel(self, meeting: Meeting, actor_id: int) -> Change:
        now = self.services.clock.now()
        works = self.services.work
        async with self.services.db() as db, db.begin():
            meeting = await store.update_meeting(db, meeting.id, now, status="cancelled")
            await jobs.cancel_reminders(db, meeting.id, now)
            await _cancel_notices(db, meeting.id, now)
            members = await store.active_members(db, meeting.id)
            await jobs.tell(db, works, meeting, members, "cancelled", 0)
            key = await jobs.follow_event(db, works, meeting)
            await setup_store.audit(
                db, meeting.guild_id, actor_id, "meeting.cancel", now, meeting=meeting.id
            )
        return await self._changed(key, meeting, len(members))

    async def _changed(self, key: str, meeting: Meeting, told: int) -> Change:
        meeting, event = await self._follow(key, meeting.id)
        posted = await views.refresh_cards(self.bot, meeting.id) > 0
        self.services.work.poke()
        return Change(meeting, event, posted, told)

    async def _follow(self, key: str, meeting_id: int) -> tuple[Meeting, str]:
        """Try the event now; the meeting as it is afterwards, and the event's state."""
        await self.services.work.run_now(key)
        async with self.services.db() as db:
            meeting = await store.get(db, meeting_id)
            assert meeting is not None  # noqa: S101 - stored just before
            return meeting, await posts.event_state(db, meeting)


async def _cancel_notices(db: AsyncSession, meeting_id: int, now: datetime, what: str = "") -> int:
    """Notices not sent yet that a newer change makes wrong (an older move, a seat
    offered in a meeting now cancelled) never go out."""
    return await work_store.cancel(
        db, prefix=jobs.notices_prefix(meeting_id, what), now=now, note="superseded"
    )
