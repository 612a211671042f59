"""Session reminders: the outbox table decides, APScheduler only wakes the sender.

Due reminders are claimed in one conditional update (several processes never
claim the same one), posted in the group's channel with a ping of the group's
role and a nonce derived from the reminder (a retry after a crash returns the
message already posted instead of a second one), then marked sent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.kit import ui
from bot.kit.i18n import Tr
from bot.sessions import rules
from bot.setup.rules import format_offset
from storage import sessions as store
from storage.models import GroupSession
from storage.outbox import nonce

if TYPE_CHECKING:
    from bot.app import SipBot

log = logging.getLogger(__name__)
WAKER = "reminders"
RETRY_AFTER = timedelta(seconds=30)


def where(tr: Tr, session: GroupSession) -> str:
    parts = []
    if session.place:
        parts.append(session.place)
    if session.voice_channel_id:
        parts.append(f"<#{session.voice_channel_id}>")
    if session.visio_url:
        parts.append(session.visio_url)
    return " · ".join(parts) or tr("session.where.unknown")


def reminder_text(tr: Tr, due: store.DueReminder, late: bool) -> str:
    session, group = due.session, due.group
    text = tr(
        "reminder.text",
        role=f"<@&{group.role_id}>" if group.role_id else group.name,
        number=session.number,
        group=group.name,
        when=ui.timestamp(session.starts_at),
        offset=format_offset(due.reminder.offset_minutes),
        where=where(tr, session),
    )
    return text + ("\n" + tr("reminder.late") if late else "")


class ReminderSender:
    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def run_due(self) -> datetime | None:
        retry = False
        while True:
            now = self.services.clock.now()
            async with self.services.db() as db, db.begin():
                claimed = await store.claim_due(db, now)
            for due in claimed:
                retry |= not await self.send(due, now)
            if len(claimed) == 100:
                continue
            async with self.services.db() as db:
                next_at = await store.next_reminder_at(db)
            # One fell due while these were sent: claim it now, not at the next wake.
            if not claimed or retry or next_at is None or next_at > self.services.clock.now():
                break
        if retry:
            soon = self.services.clock.now() + RETRY_AFTER
            return soon if next_at is None or next_at <= now else min(next_at, soon)
        return next_at

    async def send(self, due: store.DueReminder, now: datetime) -> bool:
        """False when Discord failed transiently: the reminder goes back to pending."""
        reminder, session, group = due.reminder, due.session, due.group
        current = session.status == "scheduled" and session.version == reminder.version
        decision = rules.decide(reminder.due_at, session.starts_at, now, current)
        if not decision.send:
            await self._finish(
                reminder.id, "skipped" if current else "cancelled", now, note=decision.reason
            )
            return True
        if group.channel_id is None:
            await self._finish(reminder.id, "failed", now, note="group has no channel")
            return True
        async with self.services.db() as db, db.begin():
            mine = await store.renew_claim(
                db, reminder.id, reminder.claim_token, self.services.clock.now()
            )
        if not mine:
            log.info("reminder %s taken over by another process", reminder.id)
            return True
        config = await self.services.config(group.guild_id)
        channel = self.bot.get_partial_messageable(group.channel_id, guild_id=group.guild_id)
        mentions = discord.AllowedMentions(
            everyone=False,
            users=False,
            roles=[discord.Object(group.role_id)] if group.role_id else False,
        )
        try:
            message = await channel.send(
                reminder_text(self.services.public(config), due, decision.late),
                nonce=nonce("rm", reminder.id),
                allowed_mentions=mentions,
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning("reminder %s not sent: %s", reminder.id, exc.status)
            await self._finish(reminder.id, "failed", now, note=f"Discord {exc.status}")
            return True
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            log.warning("reminder %s: Discord unavailable, will retry", reminder.id)
            async with self.services.db() as db, db.begin():
                await store.release_reminder(db, reminder.id)
            return False
        await self._finish(reminder.id, "sent", now, message_id=message.id, late=decision.late)
        return True

    async def _finish(
        self,
        reminder_id: int,
        state: str,
        now: datetime,
        *,
        message_id: int | None = None,
        late: bool = False,
        note: str = "",
    ) -> None:
        async with self.services.db() as db, db.begin():
            await store.finish_reminder(
                db, reminder_id, state, now, message_id=message_id, late=late, note=note
            )

    async def replan(self) -> None:
        if self.services.scheduler is not None:
            await self.services.scheduler.wake(WAKER)
