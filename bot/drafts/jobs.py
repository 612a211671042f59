"""The drafts' work for the engine (bot/kit/work.py): a draft's forum post shows its
stored status as a tag; the board's answer is posted in it, and told to the group.

One work item per status change, kind `draft_tag`, key `draft_tag:<draft>:<token>`
(bot/drafts/rules.py), added in the transaction that stores the status — `/draft
status` here, the synthesis through the same rules — after cancelling what is still
pending for that draft. The handler makes the post's tags match the status stored
when it runs, so it can be retried as often as Discord refuses, a restart in between
changes nothing twice, and a status that moved on meanwhile is simply the one shown.
A post deleted by hand fails the item: the next revision or status change makes the
post again, with its tag.

An answer is two items, added with it (bot/drafts/answers.py): `draft_answer:<answer>`
posts it in the draft's post, heading and whole text across as many messages as it
needs, each with its own nonce (`job.nonce(part)`), so a retry after some of them went
through adds none twice; `draft_answer_note:<answer>` tells the group in its channel,
with a link to the answer once it is posted.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.drafts import posts, rules
from bot.kit import forums, work
from bot.kit.work import Job, Outcome, WorkEngine
from storage import drafts as store
from storage import work as work_store
from storage.models import Draft, DraftAnswer, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
POST_DELETED = "the forum post was deleted by hand: the next /draft revise or status makes it"


async def follow_tag(db: AsyncSession, works: WorkEngine, draft: Draft) -> str:
    """Inside the caller's transaction: the post's tag will follow the draft's status as
    stored when the item runs. Returns the item's key, for the caller to run it now."""
    (key,) = await works.supersede(db, [tag_item(works, draft)], note="status changed")
    return key


def tag_item(works: WorkEngine, draft: Draft) -> tuple[str, dict[str, Any]]:
    """(prefix, row) of the item that makes the draft's post tag follow its status."""
    kind, key, payload = rules.tag_work(draft.id, secrets.token_hex(6))
    row = works.row(
        kind=kind, key=key, guild_id=draft.guild_id,
        due_at=works.clock.now() + rules.TAG_TAKEOVER, payload=payload,
    )  # fmt: skip
    return rules.tag_prefix(draft.id), row


def show_answer(works: WorkEngine, draft: Draft, answer: DraftAnswer) -> list[dict[str, Any]]:
    """The rows of the items showing an answer, due a little later: the command runs them
    at once, the engine takes over what it leaves behind."""
    due = works.clock.now() + rules.TAG_TAKEOVER
    return [
        works.row(kind=kind, key=key, guild_id=draft.guild_id, due_at=due, payload=payload)
        for kind, key, payload in rules.answer_work(answer.id)
    ]


async def add_answer_items(
    db: AsyncSession, works: WorkEngine, draft: Draft, answer: DraftAnswer
) -> list[str]:
    """Inside the caller's transaction; the items' keys, post first."""
    rows = show_answer(works, draft, answer)
    await works.add_many(db, rows)
    return [row["key"] for row in rows]


class TagJobs:
    """The handler; registered by the drafts cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(rules.TAG_KIND, self.follow, after_connect=True)
        self.services.work.register(rules.ANSWER_POST_KIND, self.post_answer, after_connect=True)
        self.services.work.register(rules.ANSWER_NOTE_KIND, self.tell_group)

    async def follow(self, job: Job) -> Outcome:
        async with self.services.db() as db:
            draft = await store.get(db, int(job.payload["draft_id"]))
        if draft is None:
            return work.skipped("draft deleted")
        if draft.thread_id is None:
            return work.skipped("no post yet: the next revision makes it, with its tag")
        thread = await forums.thread_of(self.bot, draft.thread_id)
        if thread is None:
            return work.failed(POST_DELETED)
        public = self.services.public(await self.services.config(draft.guild_id))
        shown = await posts.apply_status(thread, public, draft.status)
        return work.done(thread.id, note="" if shown else "the forum has no tag for this status")

    async def _answer(self, job: Job) -> tuple[DraftAnswer, Draft] | None:
        async with self.services.db() as db:
            answer = await store.get_answer(db, int(job.payload["answer_id"]))
            draft = await store.get(db, answer.draft_id) if answer else None
        return (answer, draft) if answer is not None and draft is not None else None

    async def post_answer(self, job: Job) -> Outcome:
        loaded = await self._answer(job)
        if loaded is None:
            return work.skipped("draft deleted")
        answer, draft = loaded
        thread = await forums.thread_of(self.bot, draft.thread_id)
        if thread is None:
            return work.failed(POST_DELETED)
        if thread.archived:
            await thread.edit(archived=False)
        public = self.services.public(await self.services.config(draft.guild_id))
        first: int | None = None
        for part, chunk in enumerate(posts.answer_chunks(public, answer)):
            message = await thread.send(chunk, nonce=job.nonce(part))
            first = first or message.id
        return work.done(first)

    async def tell_group(self, job: Job) -> Outcome:
        loaded = await self._answer(job)
        if loaded is None:
            return work.skipped("draft deleted")
        answer, draft = loaded
        async with self.services.db() as db:
            group = await db.get(WorkGroup, draft.group_id)
            posted = await work_store.get(db, f"{rules.ANSWER_POST_KIND}:{answer.id}")
        if group is None or group.channel_id is None:
            return work.skipped("the group has no channel")
        message_id = posted.result_id if posted is not None and posted.state == "done" else None
        public = self.services.public(await self.services.config(draft.guild_id))
        channel = self.bot.get_partial_messageable(group.channel_id, guild_id=draft.guild_id)
        text = posts.answer_note(public, draft, answer, message_id)
        message = await channel.send(text, nonce=job.nonce())
        return work.done(message.id)
