"""Endorsements: 👍 on a draft's starter message, one per member, while the draft is still
in play; reconciled from the message at start-up. The recorder (batched writing in
arrival order, members only, the message as the truth) is the kit's,
bot/kit/endorsements.py, shared with the proposals of next themes.

Never a guest of the draft's group (storage/guests.py): guests come to contribute, they
do not endorse.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.drafts.rules import FINAL
from bot.kit import endorsements
from storage import drafts as store
from storage import guests as guest_store
from storage.drafts import EndorsementChange
from storage.models import Draft

if TYPE_CHECKING:
    from bot.kit.host import Host

THUMBS = endorsements.THUMBS
is_thumbs = endorsements.is_thumbs


async def _apply(db: AsyncSession, changes: list[endorsements.Change], now: datetime) -> None:
    await store.apply_endorsements(
        db, [EndorsementChange(c.item_id, c.member_id, c.added) for c in changes], now
    )


class EndorsementRecorder(endorsements.EndorsementRecorder):
    def __init__(self, bot: Host) -> None:
        super().__init__(bot, "endorsements", _apply, store.replace_endorsements)
        self.group_of: dict[int, int] = {}  # draft id -> its group's id

    async def load(self) -> None:
        async with self.services.db() as db:
            for draft in await store.unfinished_with_posts(db):
                self.remember(draft)
        self.start()

    def remember(self, draft: Draft) -> None:
        """Watch the draft's post, or stop watching it once its status is final."""
        if draft.status in FINAL:
            self.unwatch(draft.id)
        else:
            self.watch(draft.id, draft.guild_id, draft.thread_id)
            self.group_of[draft.id] = draft.group_id

    async def excluded(self, watched: endorsements.Watched) -> set[int]:
        group_id = self.group_of.get(watched.item_id)
        if group_id is None:
            return set()
        async with self.services.db() as db:
            found = await guest_store.guests_of(db, [group_id], self.services.clock.now())
        return {guest.member_id for guest in found.get(group_id, [])}
