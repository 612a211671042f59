"""Endorsements: 👍 on a draft's starter message, one per member; reconciled from the message.

Who counts: members of the cooperative (the member role), never a guest of the draft's
group (storage/guests.py: guests come to contribute, they do not endorse).

Reaction events for the starter messages of drafts still in play are buffered in
arrival order and written in batches by one task, so an add followed by a removal
is never applied the other way round. The message's reactions are the truth:
`reconcile` makes the stored endorsements equal to them (at start-up).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.drafts.rules import FINAL
from bot.kit.checks import member_is_member
from bot.kit.reactions import BatchWriter, reaction_counter
from storage import drafts as store
from storage import guests as guest_store
from storage.drafts import EndorsementChange
from storage.models import Draft

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
THUMBS = "👍"
FLUSH_EVERY = 0.05  # seconds


def is_thumbs(emoji: str) -> bool:
    """👍 in any skin tone."""
    return emoji.startswith(THUMBS)


@dataclass(frozen=True)
class Watched:
    draft_id: int
    guild_id: int
    thread_id: int
    group_id: int


class EndorsementRecorder:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services
        self.watched: dict[int, Watched] = {}  # by starter message id (= thread id)
        self.writer: BatchWriter[tuple[EndorsementChange, Watched, discord.Member | None]] = (
            BatchWriter("endorsements", self._write, FLUSH_EVERY)
        )

    # ------------------------------------------------------------ lifecycle
    async def load(self) -> None:
        async with self.services.db() as db:
            for draft in await store.unfinished_with_posts(db):
                self.remember(draft)
        self.writer.start()

    async def stop(self) -> None:
        await self.writer.stop()

    async def flush(self) -> int:
        return await self.writer.flush()

    def remember(self, draft: Draft) -> None:
        """Watch the draft's post, or stop watching it once its status is final."""
        for message_id, known in list(self.watched.items()):
            if known.draft_id == draft.id:
                del self.watched[message_id]
        if draft.id is not None and draft.thread_id is not None and draft.status not in FINAL:
            self.watched[draft.thread_id] = Watched(
                draft.id, draft.guild_id, draft.thread_id, draft.group_id
            )

    # ------------------------------------------------------------ events
    async def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        """Queued at once, without awaiting anything, so events keep their order; who
        counts is decided when the queue is written."""
        watched = self.watched.get(payload.message_id)
        if watched is None or not is_thumbs(str(payload.emoji)):
            return
        added = payload.event_type == "REACTION_ADD"
        change = EndorsementChange(watched.draft_id, payload.user_id, added)
        self.writer.add((change, watched, payload.member))

    async def _counted(self, watched: Watched, member: discord.Member | None) -> bool:
        config = await self.services.config(watched.guild_id)
        if member is None or not member_is_member(member, config):
            return False  # non-members' 👍 are not counted
        if member.id in await self._guests(watched):
            return False  # nor those of the group's guests
        # forgotten at their request: ignored until they opt in again
        return not await self.services.opted_out(watched.guild_id, member.id)

    async def _guests(self, watched: Watched) -> set[int]:
        async with self.services.db() as db:
            found = await guest_store.guests_of(db, [watched.group_id], self.services.clock.now())
        return {guest.member_id for guest in found[watched.group_id]}

    # ------------------------------------------------------------ writing
    async def _write(
        self, batch: list[tuple[EndorsementChange, Watched, discord.Member | None]]
    ) -> None:
        changes = [
            change
            for change, watched, member in batch
            if not change.added or await self._counted(watched, member)
        ]
        async with self.services.db() as db, db.begin():
            await store.apply_endorsements(db, changes, self.services.clock.now())

    # ------------------------------------------------------------ reconciliation
    async def reconcile(self, watched: Watched) -> tuple[int, int]:
        """Stored endorsements := the starter message's 👍 by members. Writing pauses
        meanwhile, so events that arrive while reading are applied after, in order."""
        async with self.writer.paused():
            actual = await self._read(watched)
            async with self.services.db() as db, db.begin():
                added, removed = await store.replace_endorsements(
                    db, watched.draft_id, actual, self.services.clock.now()
                )
        log.info("draft %s endorsements reconciled: +%d -%d", watched.draft_id, added, removed)
        return added, removed

    async def reconcile_all(self) -> None:
        for watched in list(self.watched.values()):
            try:
                await self.reconcile(watched)
            except discord.NotFound:
                log.info("post of draft %s was deleted by hand", watched.draft_id)
            except discord.HTTPException as exc:
                log.warning("draft %s not reconciled: %s", watched.draft_id, exc.status)

    async def _read(self, watched: Watched) -> set[int]:
        channel = self.bot.get_partial_messageable(watched.thread_id, guild_id=watched.guild_id)
        message = await channel.fetch_message(watched.thread_id)
        counts = await reaction_counter(self.bot, watched.guild_id)
        guests = await self._guests(watched)
        actual: set[int] = set()
        for reaction in message.reactions:
            if is_thumbs(str(reaction.emoji)):
                async for user in reaction.users(limit=None):
                    if counts(user) and user.id not in guests:
                        actual.add(user.id)
        return actual
