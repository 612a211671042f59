"""The follow-up's work for the engine: an update posted in the draft's forum post.

One item per update, kind `followup_post`, key `followup_post:<update>`, added in the
transaction that stores the update and tried at once by the command. Each message
carries `job.nonce(part)`, so a retry never posts it twice. A post deleted by hand
fails the item (/setup check lists it): the update stays stored, in `/followup list`
and in the report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.followup import posts, rules
from bot.kit import forums, work
from bot.kit.work import Job, Outcome
from storage import drafts as draft_store
from storage.models import FollowupUpdate

if TYPE_CHECKING:
    from bot.kit.host import Host

POST_DELETED = "the recommendation's forum post was deleted by hand"


class FollowupJobs:
    """The handler; registered by the follow-up cog."""

    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    def register(self) -> None:
        self.services.work.register(rules.POST_KIND, self.post, after_connect=True)

    async def post(self, job: Job) -> Outcome:
        async with self.services.db() as db:
            update = await db.get(FollowupUpdate, int(job.payload["update_id"]))
            draft = await draft_store.get(db, update.draft_id) if update else None
        if update is None or draft is None:
            return work.skipped("draft deleted")
        thread = await forums.thread_of(self.bot, draft.thread_id)
        if thread is None:
            return work.failed(POST_DELETED)
        if thread.archived:
            await thread.edit(archived=False)
        public = self.services.public(await self.services.config(draft.guild_id))
        first: int | None = None
        for part, chunk in enumerate(posts.update_chunks(public, update)):
            message = await thread.send(chunk, nonce=job.nonce(part))
            first = first or message.id
        return work.done(first)
