"""Endorsements of proposals: 👍 on a post's first message, one per member, while the
proposal is open or shortlisted and its cycle not closed; reconciled from the message at
start-up (the recorder is the kit's, bot/kit/endorsements.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.kit.endorsements import Change, EndorsementRecorder
from bot.proposals.rules import COUNTED
from storage import proposals as store
from storage.models import Proposal

if TYPE_CHECKING:
    from bot.kit.host import Host


async def _apply(db: AsyncSession, changes: list[Change], now: datetime) -> None:
    await store.apply_endorsements(
        db, [store.EndorsementChange(c.item_id, c.member_id, c.added) for c in changes], now
    )


class ProposalEndorsements(EndorsementRecorder):
    def __init__(self, bot: Host) -> None:
        super().__init__(bot, "proposal endorsements", _apply, store.replace_endorsements)

    async def load(self) -> None:
        async with self.services.db() as db:
            for proposal in await store.counting_with_posts(db):
                self.remember(proposal)
        self.start()

    def remember(self, proposal: Proposal) -> None:
        """Watch the proposal's post, or stop once a decision takes it out of play."""
        if proposal.status in COUNTED:
            self.watch(proposal.id, proposal.guild_id, proposal.thread_id)
        else:
            self.unwatch(proposal.id)

    def forget_cycle(self, cycle_proposals: set[int]) -> None:
        """A closed cycle's proposals no longer gather endorsements."""
        for proposal_id in cycle_proposals:
            self.unwatch(proposal_id)
