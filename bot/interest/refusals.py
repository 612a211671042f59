"""Non-members' reactions to an interest poll: removed, and the person told why, once.

A reaction that does not count because its author is in the server without the member
role is refused, whether it arrives live (votes.py, when the batch is written) or is
found on the message by the start-up recount (votes.py `reconcile`). Both plan the same
work, in the transaction that stores the votes:
- "interest_reject": remove that reaction. One item per refusal, under the prefix
  `interest_reject:<poll>:<user>:<theme>:`; a newer refusal of the same reaction takes
  over one still pending. A Discord write that must happen: retried while Discord
  refuses it for a while; 403 (the bot may not manage messages there) fails it, and
  /setup check shows it.
- once removed, the person is told by DM, once per poll: the notice is remembered
  (storage/interest.py `remember_notice`) in the transaction that plans it, key
  `interest_notice:<poll>:<user>`, so neither a second reaction nor a restart (whose
  recount no longer sees the removed reaction anyway) tells them twice. Closed DMs skip
  it: nothing is said in public.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit import work
from bot.kit.work import Job, Outcome, WorkEngine
from storage import interest

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
REJECT = "interest_reject"
NOTICE = "interest_notice"


@dataclass(frozen=True)
class Refusal:
    poll_id: int
    guild_id: int
    channel_id: int
    message_id: int
    user_id: int
    theme_id: int
    emoji: str


def reject_prefix(refusal: Refusal) -> str:
    return f"{REJECT}:{refusal.poll_id}:{refusal.user_id}:{refusal.theme_id}:"


def notice_key(poll_id: int, user_id: int) -> str:
    return f"{NOTICE}:{poll_id}:{user_id}"


async def plan(db: AsyncSession, works: WorkEngine, refusals: Sequence[Refusal]) -> int:
    """Inside the caller's transaction: each refused reaction will be removed."""
    items = [
        (reject_prefix(refusal), _removal(works, refusal)) for refusal in dict.fromkeys(refusals)
    ]
    return len(await works.supersede(db, items, note="refused again"))


def _removal(works: WorkEngine, refusal: Refusal) -> dict[str, Any]:
    payload = {
        "poll_id": refusal.poll_id, "channel_id": refusal.channel_id,
        "message_id": refusal.message_id, "user_id": refusal.user_id, "emoji": refusal.emoji,
    }  # fmt: skip
    return works.row(
        kind=REJECT, key=reject_prefix(refusal) + secrets.token_hex(6), guild_id=refusal.guild_id,
        due_at=works.clock.now(), payload=payload,
    )  # fmt: skip


class RefusalJobs:
    """The handlers; registered by the interest cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(REJECT, self.remove)
        # the notice names the server and its member role: it needs the gateway's cache
        self.services.work.register(NOTICE, self.tell, after_connect=True)

    async def remove(self, job: Job) -> Outcome:
        poll_id, user_id = int(job.payload["poll_id"]), int(job.payload["user_id"])
        emoji = str(job.payload["emoji"]).strip("<>")
        try:
            await self.bot.http.remove_reaction(
                int(job.payload["channel_id"]), int(job.payload["message_id"]), emoji, user_id
            )
        except discord.NotFound:
            return work.skipped("the poll's message was deleted")
        async with self.services.db() as db, db.begin():
            poll = await interest.get_poll(db, poll_id)
            first = poll is not None and await interest.remember_notice(
                db, poll_id, user_id, self.services.clock.now()
            )
            if poll is not None and first:
                await self.services.work.add(
                    db, kind=NOTICE, key=notice_key(poll_id, user_id), guild_id=poll.guild_id,
                    due_at=self.services.clock.now(), payload={"poll_id": poll_id, "user_id": user_id},
                )  # fmt: skip
        if first:
            self.services.work.poke()
        return work.done(note="removed; told" if first else "removed; told before")

    async def tell(self, job: Job) -> Outcome:
        poll_id, user_id = int(job.payload["poll_id"]), int(job.payload["user_id"])
        async with self.services.db() as db:
            poll = await interest.get_poll(db, poll_id)
        guild = self.bot.get_guild(poll.guild_id) if poll is not None else None
        member = guild.get_member(user_id) if guild is not None else None
        if poll is None or guild is None or member is None:
            return work.skipped("poll deleted, or the person left the server")
        config = await self.services.config(guild.id)
        role = guild.get_role(config.member_role_id or 0)
        text = self.services.public(config)(
            "interest.rejected", guild=guild.name, role=role.name if role else "—"
        )
        try:
            message = await member.send(text, nonce=job.nonce())
        except discord.Forbidden:  # DMs closed: nothing is said in public
            return work.skipped("their DMs are closed")
        return work.done(message.id)
