"""Interest poll votes: reactions in, rows out, in batches; reconciled from the message.

Reaction events are checked against an in-memory map of open polls (message id ->
emoji -> theme), then buffered and written every few milliseconds in one
transaction. A crash can lose at most the last unflushed batch, and the message's
reactions are the truth: `reconcile` makes the stored votes equal to them, at
start-up and when a poll closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.checks import member_is_member
from storage import interest, privacy
from storage.interest import VoteChange
from storage.models import GuildConfig, InterestPoll

if TYPE_CHECKING:
    from bot.app import SipBot

log = logging.getLogger(__name__)
FLUSH_EVERY = 0.05  # seconds
FLUSH_AT = 2000  # changes


@dataclass
class OpenPoll:
    poll_id: int
    guild_id: int
    channel_id: int
    message_id: int
    deadline: datetime
    themes_by_emoji: dict[str, int]


@dataclass
class Reconciled:
    added: int
    removed: int
    reactions: int
    calls: int


class VoteRecorder:
    def __init__(self, bot: SipBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.polls: dict[int, OpenPoll] = {}  # by message id
        self._pending: dict[int, list[VoteChange]] = defaultdict(list)
        self._wake = asyncio.Event()
        self._write_lock = asyncio.Lock()
        self._incoming: deque[tuple[OpenPoll, discord.RawReactionActionEvent]] = deque()
        self._consumer: asyncio.Task[None] | None = None
        self._task: asyncio.Task[None] | None = None
        self.rejected: asyncio.Queue[tuple[OpenPoll, discord.Member, str]] = asyncio.Queue()

    # ------------------------------------------------------------ lifecycle
    async def load(self) -> None:
        async with self.services.sessions() as session:
            for poll in await interest.open_polls(session):
                options = await interest.options_of(session, poll.id or 0)
                self.remember(poll, {o.emoji: o.theme_id for o in options})
        self._task = asyncio.create_task(self._flush_forever(), name="interest-vote-flusher")

    async def stop(self) -> None:
        if self._consumer is not None:
            self._consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._consumer
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    def remember(self, poll: InterestPoll, themes_by_emoji: dict[str, int]) -> None:
        if poll.id is not None and poll.message_id is not None and poll.status == "open":
            self.polls[poll.message_id] = OpenPoll(
                poll.id,
                poll.guild_id,
                poll.channel_id,
                poll.message_id,
                poll.deadline,
                themes_by_emoji,
            )

    def forget(self, poll_id: int) -> None:
        for message_id, poll in list(self.polls.items()):
            if poll.poll_id == poll_id:
                del self.polls[message_id]

    # ------------------------------------------------------------ events
    async def on_reaction(self, payload: discord.RawReactionActionEvent) -> None:
        poll = self.polls.get(payload.message_id)
        if poll is None or (self.bot.user is not None and payload.user_id == self.bot.user.id):
            return
        # discord.py runs each event in its own task: queued here before any await, and
        # recorded by one consumer, an add and a quick removal keep their order.
        self._incoming.append((poll, payload))
        if self._consumer is None or self._consumer.done():
            self._consumer = asyncio.create_task(self._consume(), name="interest-votes-in")

    async def _consume(self) -> None:
        while self._incoming:
            poll, payload = self._incoming.popleft()
            try:
                await self._record(poll, payload)
            except Exception:  # one bad event must not stop the others; start-up recounts
                log.exception("reaction on poll %s not recorded", poll.poll_id)

    async def _record(self, poll: OpenPoll, payload: discord.RawReactionActionEvent) -> None:
        theme_id = poll.themes_by_emoji.get(str(payload.emoji))
        if theme_id is None or self.services.clock.now() >= poll.deadline:
            return  # not a theme of the poll, or too late: not counted
        added = payload.event_type == "REACTION_ADD"
        if added and await self.services.opted_out(poll.guild_id, payload.user_id):
            return  # forgotten at their request: not counted until they opt in again
        if added:
            member = payload.member
            config = await self.services.config(poll.guild_id)
            if member is None or not member_is_member(member, config):
                if member is not None and not member.bot:
                    self.rejected.put_nowait((poll, member, str(payload.emoji)))
                return
        self._pending[poll.poll_id].append(VoteChange(payload.user_id, theme_id, added))
        if sum(len(c) for c in self._pending.values()) >= FLUSH_AT:
            self._wake.set()

    # ------------------------------------------------------------ writing
    async def _flush_forever(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=FLUSH_EVERY)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # the next batch retries; reconciliation restores the rest
                log.exception("writing interest votes failed")
                await asyncio.sleep(1)

    async def flush(self) -> int:
        async with self._write_lock:
            return await self._flush_locked()

    async def _flush_locked(self) -> int:
        if not self._pending:
            return 0
        batches, self._pending = self._pending, defaultdict(list)
        now = self.services.clock.now()
        try:
            async with self.services.sessions() as session, session.begin():
                for poll_id, changes in batches.items():
                    await interest.apply_votes(session, poll_id, changes, now)
        except Exception:
            for poll_id, changes in batches.items():  # keep them, in order, for the next try
                self._pending[poll_id][:0] = changes
            raise
        return sum(len(c) for c in batches.values())

    # ------------------------------------------------------------ reconciliation
    async def reconcile(self, poll: OpenPoll) -> Reconciled:
        """Stored votes := the message's reactions (members only). Writing pauses meanwhile,
        so events that arrive while the reactions are read are applied after, in order."""
        async with self._write_lock:
            await self._flush_locked()
            actual, reactions, calls = await self._read_reactions(poll)
            async with self.services.sessions() as session, session.begin():
                added, removed = await interest.replace_votes(
                    session, poll.poll_id, actual, self.services.clock.now()
                )
        log.info("poll %s reconciled: %d added, %d removed", poll.poll_id, added, removed)
        return Reconciled(added, removed, reactions, calls)

    async def _read_reactions(self, poll: OpenPoll) -> tuple[dict[int, set[int]], int, int]:
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        message = await channel.fetch_message(poll.message_id)
        calls = 1
        config = await self.services.config(poll.guild_id)
        guild = self.bot.get_guild(poll.guild_id)
        if config.member_role_id is not None and guild is not None and not guild.chunked:
            await guild.chunk()
        async with self.services.sessions() as session:
            forgotten = await privacy.opted_out(session, poll.guild_id)
        actual: dict[int, set[int]] = defaultdict(set)
        reactions = 0
        for reaction in message.reactions:
            theme_id = poll.themes_by_emoji.get(str(reaction.emoji))
            if theme_id is None:
                continue
            calls += max(1, -(-reaction.count // 100))
            async for user in reaction.users(limit=None):
                reactions += 1
                if self._counts(user, guild, config, forgotten):
                    actual[user.id].add(theme_id)
        return dict(actual), reactions, calls

    @staticmethod
    def _counts(
        user: discord.User | discord.Member,
        guild: discord.Guild | None,
        config: GuildConfig,
        forgotten: set[str],
    ) -> bool:
        if user.bot or privacy.member_key(config.guild_id, user.id) in forgotten:
            return False
        if config.member_role_id is None:
            return True
        member = guild.get_member(user.id) if guild is not None else None
        return member is not None and member_is_member(member, config)
