"""Phase start announcements: the phase table is the outbox, the scheduler the alarm.

Each due phase is claimed by a conditional update, posted in the announcements
channel with a nonce derived from the phase (a retry after a crash cannot post
twice), then marked sent. A phase that started while the bot was down is
announced once at start-up, marked late; one that already ended is skipped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.kit import ui
from bot.kit.i18n import Tr
from storage import cycles
from storage.models import Cycle, Phase
from storage.outbox import nonce

if TYPE_CHECKING:
    from bot.app import SipBot

log = logging.getLogger(__name__)

WAKER = "phases"
LATE_AFTER = timedelta(minutes=10)
RETRY_AFTER = timedelta(seconds=30)


def phase_card(tr: Tr, phase: Phase, late: bool) -> discord.Embed:
    card = ui.embed(
        tr("phase.started.title", phase=tr(f"phase.{phase.key}.name")),
        "\n\n".join(
            [
                tr(f"phase.{phase.key}.purpose"),
                tr("phase.started.todo", todo=tr(f"phase.{phase.key}.todo")),
                tr(
                    "phase.started.dates",
                    start=ui.timestamp(phase.starts_at),
                    end=ui.timestamp(phase.ends_at),
                ),
            ]
        ),
    )
    if late:
        card.set_footer(text=tr("phase.started.late"))
    return card


class PhaseAnnouncer:
    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def run_due(self) -> datetime | None:
        """The scheduler's waker: announce what is due, say when to wake next."""
        now = self.services.clock.now()
        async with self.services.db() as db:
            due = await cycles.due_announcements(db, now)
        retry = False
        for phase, cycle in due:
            retry |= not await self.announce(phase, cycle, now)
        async with self.services.db() as db:
            next_at = await cycles.next_announcement_at(db)
        if retry:
            soon = now + RETRY_AFTER
            return soon if next_at is None or next_at <= now else min(next_at, soon)
        return next_at

    async def announce(self, phase: Phase, cycle: Cycle, now: datetime) -> bool:
        """False when Discord failed transiently and the phase must be tried again."""
        async with self.services.db() as db, db.begin():
            if not await cycles.claim_announcement(db, phase.id, now):
                return True  # another process has it
            await cycles.mark_running(db, cycle.id)
            if phase.ends_at <= now:
                await cycles.finish_announcement(
                    db, phase.id, "skipped", now, note="ended while the bot was offline"
                )
                return True
        config = await self.services.config(cycle.guild_id)
        if config.announcements_channel_id is None:
            await self._finish(phase.id, "failed", now, note="no announcements channel")
            return True
        late = now - phase.starts_at > LATE_AFTER and phase.starts_at > cycle.created_at
        channel = self.bot.get_partial_messageable(
            config.announcements_channel_id, guild_id=cycle.guild_id
        )
        try:
            message = await channel.send(
                embed=phase_card(self.services.public(config), phase, late),
                nonce=nonce("ph", phase.id),
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            log.warning(
                "phase %s of guild %s not announced: %s", phase.key, cycle.guild_id, exc.status
            )
            await self._finish(
                phase.id, "failed", now, note=f"Discord {exc.status}: {exc.text[:150]}"
            )
            return True
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            log.warning(
                "phase %s of guild %s: Discord unavailable, will retry", phase.key, cycle.guild_id
            )
            async with self.services.db() as db, db.begin():
                await cycles.release_announcement(db, phase.id)
            return False
        await self._finish(
            phase.id, "sent", now, message_id=message.id, note="late" if late else ""
        )
        return True

    async def _finish(
        self,
        phase_id: int,
        state: str,
        now: datetime,
        message_id: int | None = None,
        note: str = "",
    ) -> None:
        async with self.services.db() as db, db.begin():
            await cycles.finish_announcement(db, phase_id, state, now, message_id, note)
