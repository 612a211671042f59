"""👍 on a forum post's first message, one per member, reconciled from the message: what
the features whose posts members endorse share (recommendation drafts, proposals of
next themes).

Reaction events for the watched messages are buffered in arrival order and written in
batches by one task (bot/kit/reactions.py), so an add followed by a removal is never
applied the other way round; who counts (members, not bots, not those who asked to be
forgotten) is decided when the batch is written. The message's reactions are the truth:
`reconcile` makes the stored endorsements equal to them, with writing paused meanwhile
(at start-up, for what changed while the bot was offline). The feature says how a batch
is stored and how the stored set is replaced, for its own table.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit.checks import member_is_member
from bot.kit.reactions import BatchWriter, reaction_counter

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
THUMBS = "👍"
FLUSH_EVERY = 0.05  # seconds


@dataclass(frozen=True)
class Change:
    item_id: int
    member_id: int
    added: bool


Apply = Callable[[AsyncSession, list[Change], datetime], Awaitable[None]]
Replace = Callable[[AsyncSession, int, set[int], datetime], Awaitable[tuple[int, int]]]


def is_thumbs(emoji: str) -> bool:
    """👍 in any skin tone."""
    return emoji.startswith(THUMBS)


@dataclass(frozen=True)
class Watched:
    item_id: int
    guild_id: int
    thread_id: int  # the post; its starter message has the same id


class EndorsementRecorder:
    def __init__(self, bot: Host, name: str, apply: Apply, replace: Replace) -> None:
        self.bot = bot
        self.services = bot.services
        self.name = name
        self._apply, self._replace = apply, replace
        self.watched: dict[int, Watched] = {}  # by starter message id (= thread id)
        self.writer: BatchWriter[tuple[Change, Watched, discord.Member | None]] = BatchWriter(
            name, self._write, FLUSH_EVERY
        )

    # ------------------------------------------------------------ lifecycle
    def start(self) -> None:
        self.writer.start()

    async def stop(self) -> None:
        await self.writer.stop()

    async def flush(self) -> int:
        return await self.writer.flush()

    def watch(self, item_id: int, guild_id: int, thread_id: int | None) -> None:
        """Count the 👍 on this post (the item's previous post, if any, no longer)."""
        self.unwatch(item_id)
        if thread_id is not None:
            self.watched[thread_id] = Watched(item_id, guild_id, thread_id)

    def unwatch(self, item_id: int) -> None:
        for message_id, known in list(self.watched.items()):
            if known.item_id == item_id:
                del self.watched[message_id]

    # ------------------------------------------------------------ events
    def take(self, payload: discord.RawReactionActionEvent) -> None:
        """Queued at once, so events keep their order."""
        watched = self.watched.get(payload.message_id)
        if watched is None or not is_thumbs(str(payload.emoji)):
            return
        added = payload.event_type == "REACTION_ADD"
        change = Change(watched.item_id, payload.user_id, added)
        self.writer.add((change, watched, payload.member))

    async def excluded(self, watched: Watched) -> set[int]:
        """Members who may not endorse this item all the same (a group's guests, for its
        drafts); none by default."""
        return set()

    async def _counted(self, watched: Watched, member: discord.Member | None) -> bool:
        config = await self.services.config(watched.guild_id)
        if member is None or not member_is_member(member, config):
            return False  # non-members' 👍 are not counted
        if member.id in await self.excluded(watched):
            return False
        # forgotten at their request: ignored until they opt in again
        return not await self.services.opted_out(watched.guild_id, member.id)

    async def _write(self, batch: list[tuple[Change, Watched, discord.Member | None]]) -> None:
        changes = [
            change
            for change, watched, member in batch
            if not change.added or await self._counted(watched, member)
        ]
        async with self.services.db() as db, db.begin():
            await self._apply(db, changes, self.services.clock.now())

    # ------------------------------------------------------------ reconciliation
    async def reconcile(self, watched: Watched) -> tuple[int, int]:
        """Stored endorsements := the starter message's 👍 by members. Writing pauses
        meanwhile, so events that arrive while reading are applied after, in order."""
        async with self.writer.paused():
            actual = await self._read(watched)
            async with self.services.db() as db, db.begin():
                added, removed = await self._replace(
                    db, watched.item_id, actual, self.services.clock.now()
                )
        log.info("%s of %s reconciled: +%d -%d", self.name, watched.item_id, added, removed)
        return added, removed

    async def reconcile_all(self) -> None:
        for watched in list(self.watched.values()):
            try:
                await self.reconcile(watched)
            except discord.NotFound:
                log.info("post %s (%s) was deleted by hand", watched.thread_id, self.name)
            except discord.HTTPException as exc:
                log.warning("%s of %s not reconciled: %s", self.name, watched.item_id, exc.status)

    async def _read(self, watched: Watched) -> set[int]:
        channel = self.bot.get_partial_messageable(watched.thread_id, guild_id=watched.guild_id)
        message = await channel.fetch_message(watched.thread_id)
        counts = await reaction_counter(self.bot, watched.guild_id)
        excluded = await self.excluded(watched)
        actual: set[int] = set()
        for reaction in message.reactions:
            if is_thumbs(str(reaction.emoji)):
                async for user in reaction.users(limit=None):
                    if counts(user) and user.id not in excluded:
                        actual.add(user.id)
        return actual
