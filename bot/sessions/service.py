"""Scheduling a session: stored first (with its reminders), then its event and post.

Shared by `/session schedule` and the time poll's "schedule this slot" button.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.cycles import rules as calendar
from bot.sessions import posts, rules
from storage import cycles
from storage import sessions as store
from storage import setup as setup_store
from storage.models import GroupSession, GuildConfig, WorkGroup

if TYPE_CHECKING:
    from bot.app import SipBot

log = logging.getLogger(__name__)


class SessionService:
    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def schedule(
        self, guild: discord.Guild, config: GuildConfig, group: WorkGroup, row: GroupSession
    ) -> list[str]:
        """Store the session and its reminders, then publish it; returns warning keys."""
        warnings = await self._store(row, config, self.services.clock.now())
        await self._publish(guild, config, group, row)
        return warnings

    async def _store(self, row: GroupSession, config: GuildConfig, now: datetime) -> list[str]:
        async with self.services.db() as db, db.begin():
            before = await store.count_scheduled(db, row.group_id)
            row.number = await store.next_number(db, row.group_id)
            await store.add_session(db, row)
            plan = rules.reminder_plan(row.starts_at, config.offsets_minutes, now)
            await store.plan_reminders(db, row.id, row.version, plan)
            await setup_store.audit(
                db, row.guild_id, row.created_by, "session.schedule", now, session_id=row.id
            )
            cycle = await cycles.open_cycle(db, row.guild_id)
        window = calendar.window(cycle.first_year, config.timezone) if cycle is not None else None
        return rules.warnings(before, row.starts_at, window)

    async def _publish(
        self, guild: discord.Guild, config: GuildConfig, group: WorkGroup, row: GroupSession
    ) -> None:
        """The event and the post; a Discord refusal leaves the session stored and is logged."""
        public = self.services.public(config)
        changes: dict[str, Any] = {}
        try:
            event = await posts.create_event(guild, public, group, row)
            changes["event_id"] = event.id
        except discord.HTTPException as exc:
            log.warning("event for session %s refused: %s", row.id, exc.status)
        channel = self.bot.get_partial_messageable(group.channel_id or 0, guild_id=group.guild_id)
        try:
            message = await channel.send(
                embed=posts.session_card(public, group, row, Counter()),
                view=posts.rsvp_view(public, row) or discord.utils.MISSING,
            )
            changes["post_message_id"] = message.id
        except discord.HTTPException as exc:
            log.warning("post for session %s refused: %s", row.id, exc.status)
        if changes:
            async with self.services.db() as db, db.begin():
                await store.update_session(db, row.id, self.services.clock.now(), **changes)
            for name, value in changes.items():
                setattr(row, name, value)
