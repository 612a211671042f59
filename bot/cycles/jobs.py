"""Phase start announcements: one work item per phase (kind "phase_start"), run by the
engine at the phase's start.

The item is added with its phase and follows it when the phase moves (storage/cycles.py);
the handler posts the card in the announcements channel with the item's nonce (a retry
after a crash cannot post twice). A phase that started while the bot was down is
announced once at start-up, marked late; one that already ended is skipped; without an
announcements channel the item fails with a note `/setup check` shows. The first
announcement due marks the cycle running.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.kit import ui, work
from bot.kit.i18n import Tr
from storage import cycles
from storage.models import Phase

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)

KIND = cycles.ANNOUNCEMENT
LATE_AFTER = timedelta(minutes=10)


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
    """The "phase_start" handler."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def handle(self, job: work.Job) -> work.Outcome:
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            found = await cycles.phase_and_cycle(db, int(job.payload["phase_id"]))
            if found is None:
                return work.skipped("phase deleted")
            phase, cycle = found
            if cycle.status == "closed":  # closing cancels it; one already claimed stops here
                return work.Outcome("cancelled", note="cycle closed")
            await cycles.mark_running(db, cycle.id)
            if phase.ends_at <= now:
                return work.skipped("ended while the bot was offline")
        config = await self.services.config(cycle.guild_id)
        if config.announcements_channel_id is None:
            return work.failed("no announcements channel")
        # Late only when the bot missed it: a cycle created after a phase began announces
        # that phase at once, which is not lateness.
        late = now - phase.starts_at > LATE_AFTER and phase.starts_at > cycle.created_at
        channel = self.bot.get_partial_messageable(
            config.announcements_channel_id, guild_id=cycle.guild_id
        )
        # Discord's refusals (403, 404) fail the item for good, other errors are retried:
        # the engine decides, with back-off.
        message = await channel.send(
            embed=phase_card(self.services.public(config), phase, late), nonce=job.nonce()
        )
        log.info("phase %s of guild %s announced%s", phase.key, cycle.guild_id,
                 " late" if late else "")  # fmt: skip
        return work.done(message.id, note="late" if late else "", late=late)
