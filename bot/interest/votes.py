"""Interest poll votes: reactions in, rows out, in batches; reconciled from the message.

Reaction events are checked against an in-memory map of open polls (message id ->
emoji -> theme), then buffered and written every few milliseconds in one
transaction. A crash can lose at most the last unflushed batch, and the message's
reactions are the truth: `reconcile` makes the stored votes equal to them, at
start-up and when a poll closes. Non-members' reactions, live or found by the
recount, are refused in the same transaction (refusals.py: removed, and told once).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

import discord

from bot.interest.refusals import Refusal, plan
from bot.kit import memory
from bot.kit.checks import member_is_member
from bot.kit.reactions import COUNTS, IGNORED, REFUSED, BatchWriter, reaction_standing
from storage import interest, privacy
from storage.interest import VoteChange
from storage.models import GuildConfig, InterestPoll

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
FLUSH_EVERY = 0.01  # seconds: the last reactions of a burst wait no longer than this
FLUSH_AT = 2000  # changes


@dataclass
class OpenPoll:
    poll_id: int
    guild_id: int
    channel_id: int
    message_id: int
    deadline: datetime
    themes_by_emoji: dict[str, int]


def as_open_poll(poll: InterestPoll, themes_by_emoji: dict[str, int]) -> OpenPoll:
    assert poll.message_id is not None  # noqa: S101 - posted before it is stored
    return OpenPoll(
        poll.id, poll.guild_id, poll.channel_id, poll.message_id, poll.deadline, themes_by_emoji
    )


class Reaction(NamedTuple):  # a tuple: thousands are made per second while a poll is busy
    poll: OpenPoll
    change: VoteChange
    member: discord.Member | None
    emoji: str


def refusal(poll: OpenPoll, user_id: int, theme_id: int, emoji: str) -> Refusal:
    return Refusal(poll.poll_id, poll.guild_id, poll.channel_id, poll.message_id, user_id,
                   theme_id, emoji)  # fmt: skip


@dataclass
class Read:
    """What the poll's message shows: members' votes, refused reactions, and the cost."""

    votes: dict[int, set[int]]
    refused: list[Refusal]
    reactions: int
    calls: int


@dataclass
class Reconciled:
    added: int
    removed: int
    reactions: int
    calls: int
    refused: int = 0


class VoteRecorder:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services
        self.polls: dict[int, OpenPoll] = {}  # by message id
        self.writer: BatchWriter[Reaction] = BatchWriter(
            "interest votes", self._write, FLUSH_EVERY, FLUSH_AT
        )

    # ------------------------------------------------------------ lifecycle
    async def load(self) -> None:
        async with self.services.db() as db:
            for poll in await interest.open_polls(db):
                options = await interest.options_of(db, poll.id)
                self.remember(poll, {o.emoji: o.theme_id for o in options})
        self.writer.start()

    async def stop(self) -> None:
        await self.writer.stop()

    async def flush(self) -> int:
        return await self.writer.flush()

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
    def take(self, payload: discord.RawReactionActionEvent) -> None:
        """Queued at once, so events keep their order; who counts is decided when the
        batch is written."""
        poll = self.polls.get(payload.message_id)
        if poll is None:
            return
        me = self.bot.user
        if me is not None and payload.user_id == me.id:
            return
        emoji = str(payload.emoji)
        theme_id = poll.themes_by_emoji.get(emoji)
        if theme_id is None or self.services.clock.now() >= poll.deadline:
            return  # not a theme of the poll, or too late: not counted
        change = VoteChange(payload.user_id, theme_id, payload.event_type == "REACTION_ADD")
        self.writer.add(Reaction(poll, change, payload.member, emoji))

    @staticmethod
    def _standing(item: Reaction, config: GuildConfig, forgotten: set[str]) -> str:
        """Removals always apply; an add counts for a member who was not forgotten, and
        is refused for someone of the server who is not a member."""
        if not item.change.added:
            return COUNTS
        if forgotten and privacy.member_key(item.poll.guild_id, item.change.member_id) in forgotten:
            return IGNORED  # forgotten at their request: not counted until they opt in again
        member = item.member
        if member is None or member.bot:
            return IGNORED
        return COUNTS if member_is_member(member, config) else REFUSED

    async def _write(self, batch: list[Reaction]) -> None:
        by_poll: dict[int, list[VoteChange]] = defaultdict(list)
        refused: list[Refusal] = []
        guilds = {i.poll.guild_id for i in batch}
        configs = {g: await self.services.config(g) for g in guilds}
        forgotten = {g: await self.services.forgotten(g) for g in guilds}
        for item in batch:
            guild_id = item.poll.guild_id
            standing = self._standing(item, configs[guild_id], forgotten[guild_id])
            if standing == COUNTS:
                by_poll[item.poll.poll_id].append(item.change)
            elif standing == REFUSED:
                change = item.change
                refused.append(refusal(item.poll, change.member_id, change.theme_id, item.emoji))
        async with self.services.db() as db, db.begin():
            for poll_id, changes in by_poll.items():
                await interest.apply_votes(db, poll_id, changes, self.services.clock.now())
            await plan(db, self.services.work, refused)
        if refused:
            self.services.work.poke()

    # ------------------------------------------------------------ reconciliation
    async def reconcile_all(self) -> None:
        """Reactions added or removed while the bot was offline count exactly once; those
        of non-members are removed and the people told, as live (bot/interest/refusals.py)."""
        for poll in list(self.polls.values()):
            try:
                await self.reconcile(poll)
            except discord.HTTPException as exc:
                log.warning("poll %s not reconciled: %s", poll.poll_id, exc)

    async def reconcile(self, poll: OpenPoll) -> Reconciled:
        """Stored votes := the message's reactions (members only). Writing pauses meanwhile,
        so events that arrive while the reactions are read are applied after, in order."""
        async with self.writer.paused():
            read = await self._read_reactions(poll)
            async with self.services.db() as db, db.begin():
                added, removed = await interest.replace_votes(
                    db, poll.poll_id, read.votes, self.services.clock.now()
                )
                await plan(db, self.services.work, read.refused)
        if read.refused:
            self.services.work.poke()
        log.info("poll %s reconciled: %d added, %d removed, %d refused", poll.poll_id, added,
                 removed, len(read.refused))  # fmt: skip
        memory.trim()  # what reading and writing every reaction took, back to the system
        return Reconciled(added, removed, read.reactions, read.calls, len(read.refused))

    async def _read_reactions(self, poll: OpenPoll) -> Read:
        """The message, then at once: the member list if not yet fetched (30 chunks of
        1,000 for 30,000 members) and every theme's reaction users, the themes side by
        side (each a sequence of pages of 100: 150 pages for 15,000 reactions)."""
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        message = await channel.fetch_message(poll.message_id)
        themes = [
            (reaction, theme_id)
            for reaction in message.reactions
            if (theme_id := poll.themes_by_emoji.get(str(reaction.emoji))) is not None
        ]
        standing_task = asyncio.ensure_future(reaction_standing(self.bot, poll.guild_id))
        try:
            users = await asyncio.gather(*(_users(reaction) for reaction, _theme in themes))
        finally:
            standing = await standing_task
        read = Read(defaultdict(set), [], 0, 1)
        for (reaction, theme_id), people in zip(themes, users, strict=True):
            read.calls += max(1, -(-reaction.count // 100))
            read.reactions += len(people)
            for user in people:
                verdict = standing(user)
                if verdict == COUNTS:
                    read.votes[user.id].add(theme_id)
                elif verdict == REFUSED:
                    read.refused.append(refusal(poll, user.id, theme_id, str(reaction.emoji)))
        read.votes = dict(read.votes)
        return read


async def _users(reaction: discord.Reaction) -> list[discord.User | discord.Member]:
    return [user async for user in reaction.users(limit=None)]
