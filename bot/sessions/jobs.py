"""The sessions' work for the engine (bot/kit/work.py): reminders, and the Discord event.

Reminders: one work item per (session, version, offset), key
`reminder:<session>:<version>:<offset>`. A reschedule or a cancellation cancels every
item of the session still pending before planning the new version's, so a stale
reminder never goes out; the handler checks again that its version is the session's
current one. A reminder missed while the bot was down is sent if the session has not
started yet, and skipped otherwise; one sent later than a tenth of its offset after its
due time is marked late (bot/sessions/rules.py `decide`). Posted in the group's channel
with a ping of the group's role and the item's nonce.

The event: one work item per change of the session, key
`session_event:<session>:<version>:<status>`. Its handler brings the Discord event to
what the session is now — created, moved or cancelled —, so it can be retried as often
as Discord refuses it, and a restart in between does not create it twice: a retry first
looks for the event it may have created before a crash.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import events, ui, work
from bot.kit.i18n import Tr
from bot.kit.work import Job, Outcome, WorkEngine
from bot.sessions import posts, rules
from bot.setup.rules import format_offset
from storage import sessions as store
from storage import work as work_store
from storage.models import GroupSession, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
REMINDER = "reminder"
EVENT = "session_event"


def reminders_prefix(session_id: int) -> str:
    return f"{REMINDER}:{session_id}:"


async def plan_reminders(
    db: AsyncSession, works: WorkEngine, session: GroupSession, offsets: list[int], now: datetime
) -> int:
    """Cancel what is pending for the session, then plan its current version's reminders
    at each offset still ahead; returns how many were planned."""
    await cancel_reminders(db, session.id, now)
    if session.status != "scheduled":
        return 0
    rows = [
        works.row(
            kind=REMINDER,
            key=f"{reminders_prefix(session.id)}{session.version}:{offset}",
            guild_id=session.guild_id,
            due_at=due,
            payload={"session_id": session.id, "version": session.version, "offset": offset},
        )
        for offset, due in rules.reminder_plan(session.starts_at, offsets, now)
    ]
    return await works.add_many(db, rows)


async def cancel_reminders(db: AsyncSession, session_id: int, now: datetime) -> int:
    return await work_store.cancel(
        db, prefix=reminders_prefix(session_id), now=now, note="session changed"
    )


async def follow_event(db: AsyncSession, works: WorkEngine, session: GroupSession) -> str:
    """Plan bringing the Discord event to the session as it is now; returns the key."""
    row = works.row(
        kind=EVENT, key=rules.event_key(session.id, session.version, session.status),
        guild_id=session.guild_id, due_at=works.clock.now(), payload={"session_id": session.id},
    )  # fmt: skip
    (key,) = await works.supersede(db, [(f"{EVENT}:{session.id}:", row)], note="session changed")
    return key


def reminder_text(tr: Tr, session: GroupSession, group: WorkGroup, offset: int, late: bool) -> str:
    text = tr(
        "reminder.text",
        role=f"<@&{group.role_id}>" if group.role_id else group.name,
        number=session.number,
        group=group.name,
        when=ui.timestamp(session.starts_at),
        offset=format_offset(offset),
        where=posts.where(tr, session),
    )
    return text + ("\n" + tr("reminder.late") if late else "")


class SessionJobs:
    """The handlers; registered by the sessions cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(REMINDER, self.remind)
        self.services.work.register(EVENT, self.follow, after_connect=True)

    async def _load(self, session_id: int) -> tuple[GroupSession, WorkGroup] | None:
        async with self.services.db() as db:
            session = await store.get(db, session_id)
            group = await db.get(WorkGroup, session.group_id) if session is not None else None
        return (session, group) if session is not None and group is not None else None

    async def remind(self, job: Job) -> Outcome:
        loaded = await self._load(int(job.payload["session_id"]))
        if loaded is None:
            return work.skipped("session deleted")
        session, group = loaded
        now = self.services.clock.now()
        current = session.status == "scheduled" and session.version == job.payload["version"]
        offset = int(job.payload["offset"])
        decision = rules.decide(
            job.item.due_at, session.starts_at, now, current, timedelta(minutes=offset)
        )
        if not decision.send:
            return work.Outcome("skipped" if current else "cancelled", note=decision.reason)
        if group.channel_id is None:
            return work.failed("group has no channel")
        config = await self.services.config(group.guild_id)
        channel = self.bot.get_partial_messageable(group.channel_id, guild_id=group.guild_id)
        mentions = discord.AllowedMentions(
            everyone=False,
            users=False,
            roles=[discord.Object(group.role_id)] if group.role_id else False,
        )
        text = reminder_text(self.services.public(config), session, group, offset, decision.late)
        message = await channel.send(text, nonce=job.nonce(), allowed_mentions=mentions)
        return work.done(message.id, late=decision.late)

    async def follow(self, job: Job) -> Outcome:
        loaded = await self._load(int(job.payload["session_id"]))
        if loaded is None:
            return work.skipped("session deleted")
        session, group = loaded
        guild = self.bot.get_guild(session.guild_id)
        if guild is None:
            raise work.Retry("server not available yet")
        public = self.services.public(await self.services.config(session.guild_id))
        if session.status == "scheduled" and session.event_id is None:
            event = await self._find(guild, public, group, session) if job.attempt > 1 else None
            try:
                event = event or await posts.create_event(guild, public, group, session)
            except discord.Forbidden as exc:
                await self._show(public, group, session, "failed")
                return work.failed(f"Discord {exc.status}: {exc.text[:150]}")
            async with self.services.db() as db, db.begin():
                session = await store.update_session(
                    db, session.id, self.services.clock.now(), event_id=event.id
                )
            await self._show(public, group, session, "ready")
            return work.done(event.id)
        if session.status == "scheduled":
            await events.move(guild, session.event_id, session.starts_at, session.minutes)
            return work.done(session.event_id)
        if session.status == "cancelled" and session.event_id is not None:
            await events.cancel(guild, session.event_id)
            return work.done(session.event_id)
        return work.skipped("no event to follow")

    async def _find(
        self, guild: discord.Guild, tr: Tr, group: WorkGroup, session: GroupSession
    ) -> discord.ScheduledEvent | None:
        """The event an earlier attempt created before the process died, if any."""
        mine = self.bot.user.id if self.bot.user is not None else None
        return await events.find_created(
            guild, mine, posts.event_name(group, session, tr), session.starts_at
        )

    async def _show(self, tr: Tr, group: WorkGroup, session: GroupSession, event: str) -> None:
        """The group's post now shows the event; a post Discord refuses to edit is left."""
        if session.post_message_id is None or group.channel_id is None:
            return
        async with self.services.db() as db:
            counts = await store.rsvp_counts(db, session.id)
        channel = self.bot.get_partial_messageable(group.channel_id, guild_id=group.guild_id)
        try:
            await channel.get_partial_message(session.post_message_id).edit(
                embed=posts.session_card(tr, group, session, counts, event),
                view=posts.rsvp_view(tr, session),
            )
        except discord.HTTPException as exc:
            log.info("post of session %s not updated: %s", session.id, exc.status)
