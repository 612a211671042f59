"""Scheduling, moving and cancelling a session: the one owner of these use cases, for
`/session schedule`, `/session reschedule`, `/session cancel` and the time poll's
"schedule this slot" button alike.

Stored first, in one transaction: the session (numbered inside the database), its
reminders and the work item that brings its Discord event to the new state. Then, with
no transaction open, the event is tried at once through the engine: when Discord
accepts it the post links it; when Discord refuses for now, the item stays with the
engine (retried with back-off, across restarts) and the user and the post say so.
Then the group's post and, for a change, a notice to the group.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.cycles import rules as calendar
from bot.kit import ui
from bot.kit.i18n import Tr
from bot.sessions import jobs, posts, rules
from storage import cycles
from storage import sessions as store
from storage import setup as setup_store
from storage.models import GroupSession, GuildConfig, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """What happened, for the command to say: the session as stored, the event's state
    (ready, pending, failed, none), whether the group's post is there."""

    session: GroupSession
    event: str
    posted: bool
    warnings: list[str] = field(default_factory=list)


def scheduled_text(tr: Tr, change: Change) -> str:
    session = change.session
    when = ui.timestamp(session.starts_at)
    if change.event == "ready" and change.posted:
        lines = [tr("session.scheduled", number=session.number, when=when)]
    else:
        lines = [tr("session.scheduled.partial", number=session.number, when=when)]
        if change.event in ("pending", "failed"):
            lines.append(tr(f"session.scheduled.event_{change.event}"))
        if not change.posted:
            lines.append(tr("session.scheduled.post_failed"))
    return "\n".join(lines + [tr(key) for key in change.warnings])


class SessionService:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def schedule(self, config: GuildConfig, group: WorkGroup, row: GroupSession) -> Change:
        now = self.services.clock.now()
        works = self.services.work
        async with self.services.db() as db, db.begin():
            await store.add_session(db, row)
            before = await store.count_scheduled(db, row.group_id) - 1
            await jobs.plan_reminders(db, works, row, config.offsets_minutes, now)
            key = await jobs.follow_event(db, works, row)
            await setup_store.audit(
                db, row.guild_id, row.created_by, "session.schedule", now, session_id=row.id
            )
            cycle = await cycles.open_cycle(db, row.guild_id)
        window = calendar.window(cycle.first_year, config.timezone) if cycle is not None else None
        session, event = await self._follow(key, row.id)
        posted = await self._post(config, group, session, event)
        works.poke()
        return Change(session, event, posted, rules.warnings(before, row.starts_at, window))

    async def reschedule(
        self,
        config: GuildConfig,
        group: WorkGroup,
        row: GroupSession,
        starts_at: datetime,
        actor_id: int,
    ) -> Change:
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            row = await store.update_session(
                db, row.id, now, starts_at=starts_at, version=row.version + 1
            )
            await jobs.plan_reminders(db, self.services.work, row, config.offsets_minutes, now)
            key = await jobs.follow_event(db, self.services.work, row)
            await setup_store.audit(
                db, row.guild_id, actor_id, "session.reschedule", now,
                session_id=row.id, version=row.version,
            )  # fmt: skip
        return await self._changed(config, group, row, key, "session.moved.notice")

    async def cancel(
        self, config: GuildConfig, group: WorkGroup, row: GroupSession, actor_id: int
    ) -> Change:
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            row = await store.update_session(db, row.id, now, status="cancelled")
            await jobs.cancel_reminders(db, row.id, now)
            key = await jobs.follow_event(db, self.services.work, row)
            await setup_store.audit(
                db, row.guild_id, actor_id, "session.cancel", now, session_id=row.id
            )
        return await self._changed(config, group, row, key, "session.cancelled.notice")

    async def _changed(
        self, config: GuildConfig, group: WorkGroup, row: GroupSession, key: str, notice: str
    ) -> Change:
        session, event = await self._follow(key, row.id)
        posted = await self._refresh_post(config, group, session, event)
        await self._notify(config, group, session, notice)
        self.services.work.poke()
        return Change(session, event, posted)

    async def _follow(self, key: str, session_id: int) -> tuple[GroupSession, str]:
        """Try the event now; the session as it is afterwards, and the event's state."""
        await self.services.work.run_now(key)
        async with self.services.db() as db:
            session = await store.get(db, session_id)
            assert session is not None  # noqa: S101 - stored just before
            return session, await posts.event_state(db, session)

    async def _post(
        self, config: GuildConfig, group: WorkGroup, session: GroupSession, event: str
    ) -> bool:
        """The group's post with the RSVP buttons; False when Discord refused it."""
        public = self.services.public(config)
        channel = self.bot.get_partial_messageable(group.channel_id or 0, guild_id=group.guild_id)
        try:
            message = await channel.send(
                embed=posts.session_card(public, group, session, Counter(), event),
                view=posts.rsvp_view(public, session) or discord.utils.MISSING,
            )
        except discord.HTTPException as exc:
            log.warning("post for session %s refused: %s", session.id, exc.status)
            return False
        async with self.services.db() as db, db.begin():
            await store.update_session(
                db, session.id, self.services.clock.now(), post_message_id=message.id
            )
        session.post_message_id = message.id
        return True

    async def _refresh_post(
        self, config: GuildConfig, group: WorkGroup, session: GroupSession, event: str
    ) -> bool:
        if session.post_message_id is None:
            return False
        public = self.services.public(config)
        channel = self.bot.get_partial_messageable(group.channel_id or 0, guild_id=group.guild_id)
        async with self.services.db() as db:
            counts = await store.rsvp_counts(db, session.id)
        try:
            await channel.get_partial_message(session.post_message_id).edit(
                embed=posts.session_card(public, group, session, counts, event),
                view=posts.rsvp_view(public, session),
            )
        except discord.NotFound:
            log.info("post of session %s was deleted by hand", session.id)
            return False
        return True

    async def _notify(
        self, config: GuildConfig, group: WorkGroup, session: GroupSession, notice: str
    ) -> None:
        public = self.services.public(config)
        channel = self.bot.get_partial_messageable(group.channel_id or 0, guild_id=group.guild_id)
        mentions = discord.AllowedMentions(
            roles=[discord.Object(group.role_id)] if group.role_id else False
        )
        await channel.send(
            public(
                notice,
                role=f"<@&{group.role_id}>" if group.role_id else group.name,
                number=session.number,
                when=ui.timestamp(session.starts_at),
            ),
            allowed_mentions=mentions,
        )
