"""What the reaction-driven features share: events queued in arrival order and written
in batches, and who counts among the users of a message's reactions.

Reaction events are handed to each feature's sink synchronously as they are parsed
(`listen`; queuing before any await keeps an add before its own removal), then written
by one task every few milliseconds in one transaction. A crash loses at most the last
unwritten batch; the messages' reactions are the truth, and each feature recounts them
at start-up while writing is paused (`paused`), so events arriving meanwhile are
applied after, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

import discord

from bot.kit import gateway
from bot.kit.checks import member_is_member
from bot.kit.host import ReactionSink
from storage import privacy

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
T = TypeVar("T")
Counts = Callable[[discord.User | discord.Member], bool]
Sort = Callable[[discord.User | discord.Member], str]
COUNTS, REFUSED, IGNORED = "counts", "refused", "ignored"
# The gateway's reaction events, handed to the features' sinks as they are parsed.
REACTION_EVENTS = frozenset({"raw_reaction_add", "raw_reaction_remove"})


def listen(bot: Host, sink: ReactionSink) -> None:
    """From now on `sink` takes every reaction event (bot.app.SipBot.dispatch calls it
    directly: no listener coroutine, no task, for each of a poll's thousands)."""
    if sink not in bot.reaction_sinks:
        bot.reaction_sinks.append(sink)


def stop_listening(bot: Host, sink: ReactionSink) -> None:
    if sink in bot.reaction_sinks:
        bot.reaction_sinks.remove(sink)


def hand_out(bot: Host, payload: discord.RawReactionActionEvent) -> None:
    """Every sink takes the event; one that fails is logged and the others still take it."""
    for sink in bot.reaction_sinks:
        try:
            sink.take(payload)
        except Exception:
            log.exception(
                "%s did not take a reaction on message %s", type(sink).__name__, payload.message_id
            )


class BatchWriter(Generic[T]):
    def __init__(
        self,
        name: str,
        write: Callable[[list[T]], Awaitable[None]],
        every: float = 0.05,
        at: int = 2000,
    ) -> None:
        self.name, self._write, self.every, self.at = name, write, every, at
        self._pending: list[T] = []
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def add(self, item: T) -> None:
        """Synchronous on purpose: the order of calls is the order of writing."""
        self._pending.append(item)
        if len(self._pending) == 1 or len(self._pending) >= self.at:
            self._wake.set()  # the first of a batch starts its wait; a full one ends it

    def start(self) -> None:
        self._task = asyncio.create_task(self._forever(), name=f"{self.name}-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    async def flush(self) -> int:
        async with self._lock:
            return await self._flush_locked()

    @contextlib.asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """Everything queued so far is written; nothing more until the block ends."""
        async with self._lock:
            await self._flush_locked()
            yield

    async def _forever(self) -> None:
        """Asleep while nothing is queued; once something is, gathers for `every`
        seconds (less if `at` items come first) and writes them together."""
        while True:
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
            if len(self._pending) < self.at:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.every)
            try:
                await self.flush()
            except Exception:  # the next batch retries; the start-up recount restores the rest
                log.exception("writing %s failed", self.name)
                await asyncio.sleep(1)

    async def _flush_locked(self) -> int:
        if not self._pending:
            return 0
        batch, self._pending = self._pending, []
        try:
            with gateway.waiting():  # its round trips are not held up by a busy gateway
                await self._write(batch)
        except Exception:
            self._pending[:0] = batch  # kept, in order, for the next try
            raise
        return len(batch)


async def reaction_standing(bot: Host, guild_id: int) -> Sort:
    """Where each user of a message's reactions stands: COUNTS for members (by the member
    role, the member list fetched once if needed); REFUSED for people of the server who
    are not members (their reaction is removed and they are told why); IGNORED for bots,
    people no longer in the server, and those who asked to be forgotten."""
    services = bot.services
    config = await services.config(guild_id)
    guild = bot.get_guild(guild_id)
    if config.member_role_id is not None and guild is not None and not guild.chunked:
        await guild.chunk()
    async with services.db() as db:
        forgotten = await privacy.opted_out(db, guild_id)

    def standing(user: discord.User | discord.Member) -> str:
        if user.bot or (forgotten and privacy.member_key(guild_id, user.id) in forgotten):
            return IGNORED
        if config.member_role_id is None:
            return COUNTS
        member = guild.get_member(user.id) if guild is not None else None
        if member is None:
            return IGNORED
        return COUNTS if member_is_member(member, config) else REFUSED

    return standing


async def reaction_counter(bot: Host, guild_id: int) -> Counts:
    """Who counts among a message's reaction users (see `reaction_standing`)."""
    standing = await reaction_standing(bot, guild_id)
    return lambda user: standing(user) == COUNTS


class Loadable(ReactionSink, Protocol):
    """A feature's reaction recorder, as a Reconciler runs it."""

    async def load(self) -> None: ...

    async def stop(self) -> None: ...

    async def reconcile_all(self) -> None: ...


class Reconciler:
    """A recorder's life in its cog: loaded and taking reactions at cog load, reconciled
    once the bot is connected (reactions added or removed while it was offline count
    exactly once), stopped at unload. `reconciled` says the start-up reconciliation is
    over. The interest poll, the time polls, the drafts' and proposals' endorsements."""

    def __init__(self, bot: Host, recorder: Loadable, name: str) -> None:
        self.bot, self.recorder, self.name = bot, recorder, name
        self.reconciled = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.recorder.load()
        listen(self.bot, self.recorder)
        self._task = asyncio.create_task(self._when_ready(), name=self.name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        stop_listening(self.bot, self.recorder)
        await self.recorder.stop()

    async def _when_ready(self) -> None:
        await self.bot.wait_until_ready()
        await self.recorder.reconcile_all()
        self.reconciled = True
