"""The drafts' work for the engine (bot/kit/work.py): a draft's forum post shows its
stored status as a tag.

One work item per status change, kind `draft_tag`, key `draft_tag:<draft>:<token>`
(bot/drafts/rules.py), added in the transaction that stores the status — `/draft
status` here, the synthesis through the same rules — after cancelling what is still
pending for that draft. The handler makes the post's tags match the status stored
when it runs, so it can be retried as often as Discord refuses, a restart in between
changes nothing twice, and a status that moved on meanwhile is simply the one shown.
A post deleted by hand fails the item: the next revision or status change makes the
post again, with its tag.
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
from storage.models import Draft

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


class TagJobs:
    """The handler; registered by the drafts cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(rules.TAG_KIND, self.follow, after_connect=True)

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
