"""Next themes proposed by members: each cycle's call (its mode and forum), the proposals,
their endorsements (one per member) and the organisers' decisions.

A title is unique in its cycle once spaces and case are set aside (`title_key`): a
second "Mobilité" is refused and its author sent to the first one's post, to endorse
it. A status changes only from the status it was read in (`decide`), so two organisers
deciding at once never overwrite each other silently; every decision is kept with its
note, for the author's DM and the post.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Cycle, Proposal, ProposalCall, ProposalDecision, ProposalEndorsement
from storage.upsert import insert_ignore, table_of

COUNTED = ("open", "shortlisted")  # statuses whose 👍 still count


class DuplicateProposal(Exception):
    """A proposal with that title exists in the cycle."""


@dataclass(frozen=True)
class EndorsementChange:
    proposal_id: int
    member_id: int
    added: bool


def title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


# ------------------------------------------------------------------ the call
async def call_of(db: AsyncSession, cycle_id: int) -> ProposalCall | None:
    result = await db.execute(
        select(ProposalCall)
        .where(ProposalCall.cycle_id == cycle_id)
        .execution_options(populate_existing=True)
    )
    return result.scalars().first()


async def ensure_call(
    db: AsyncSession, guild_id: int, cycle_id: int, now: datetime
) -> ProposalCall:
    """The cycle's call, made once (following the calendar) on first use."""
    row = {"guild_id": guild_id, "cycle_id": cycle_id, "mode": "calendar", "updated_at": now}
    await insert_ignore(db, table_of(ProposalCall), [row], ["cycle_id"])
    found = await call_of(db, cycle_id)
    assert found is not None  # noqa: S101 - inserted or already there
    return found


async def set_mode(db: AsyncSession, cycle_id: int, mode: str, now: datetime) -> None:
    await db.execute(
        update(ProposalCall)
        .where(ProposalCall.cycle_id == cycle_id)
        .values(mode=mode, updated_at=now)
    )


async def record_forum(db: AsyncSession, cycle_id: int, forum_id: int, now: datetime) -> None:
    await db.execute(
        update(ProposalCall)
        .where(ProposalCall.cycle_id == cycle_id)
        .values(forum_id=forum_id, updated_at=now)
    )


# ------------------------------------------------------------------ proposals
async def create(db: AsyncSession, proposal: Proposal) -> Proposal:
    proposal.title_key = title_key(proposal.title)
    db.add(proposal)
    try:
        await db.flush()
    except IntegrityError as exc:
        raise DuplicateProposal(proposal.title) from exc
    return proposal


async def delete_proposal(db: AsyncSession, proposal_id: int) -> None:
    """A proposal whose post Discord refused: as if it had never been made."""
    await db.execute(delete(Proposal).where(Proposal.id == proposal_id))


async def record_post(db: AsyncSession, proposal_id: int, thread_id: int, now: datetime) -> None:
    await db.execute(
        update(Proposal)
        .where(Proposal.id == proposal_id)
        .values(thread_id=thread_id, updated_at=now)
    )


async def get(db: AsyncSession, proposal_id: int) -> Proposal | None:
    return await db.get(Proposal, proposal_id, populate_existing=True)


async def named(db: AsyncSession, cycle_id: int, title: str) -> Proposal | None:
    result = await db.execute(
        select(Proposal).where(
            Proposal.cycle_id == cycle_id, Proposal.title_key == title_key(title)
        )
    )
    return result.scalars().first()


async def find(db: AsyncSession, cycle_id: int, value: str) -> Proposal | None:
    """By the autocomplete's "#id", else by title (spaces and case aside) in the cycle."""
    text = value.strip()
    if text.startswith("#") and text[1:].isdigit():
        found = await get(db, int(text[1:]))
        return found if found is not None and found.cycle_id == cycle_id else None
    return await named(db, cycle_id, text)


async def of_cycle(db: AsyncSession, cycle_id: int) -> list[Proposal]:
    result = await db.execute(
        select(Proposal).where(Proposal.cycle_id == cycle_id).order_by(Proposal.id)
    )
    return list(result.scalars())


async def shortlisted(db: AsyncSession, cycle_id: int) -> list[Proposal]:
    result = await db.execute(
        select(Proposal)
        .where(Proposal.cycle_id == cycle_id, Proposal.status == "shortlisted")
        .order_by(Proposal.id)
    )
    return list(result.scalars())


async def counting_with_posts(db: AsyncSession) -> list[Proposal]:
    """Proposals whose 👍 still count: a post, a status still in play, a cycle not closed."""
    result = await db.execute(
        select(Proposal)
        .join(Cycle, Cycle.id == Proposal.cycle_id)
        .where(
            Proposal.thread_id.is_not(None),
            Proposal.status.in_(COUNTED),
            Cycle.status != "closed",
        )
    )
    return list(result.scalars())


# ------------------------------------------------------------------ decisions
async def decide(
    db: AsyncSession,
    proposal: Proposal,
    wanted: str,
    into_id: int | None,
    note: str,
    by: int,
    now: datetime,
) -> ProposalDecision | None:
    """The new status, only if nobody changed it meanwhile (None then), and the decision
    kept with its note. A proposal merged into another takes along those merged into it."""
    result = await db.execute(
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == proposal.status)
        .values(status=wanted, merged_into_id=into_id, updated_at=now)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return None
    if into_id is not None:
        await db.execute(
            update(Proposal)
            .where(Proposal.merged_into_id == proposal.id)
            .values(merged_into_id=into_id, updated_at=now)
        )
    decision = ProposalDecision(
        proposal_id=proposal.id, status=wanted, merged_into_id=into_id, note=note,
        decided_by=by, decided_at=now,
    )  # fmt: skip
    db.add(decision)
    await db.flush()
    return decision


async def decision(db: AsyncSession, decision_id: int) -> ProposalDecision | None:
    return await db.get(ProposalDecision, decision_id, populate_existing=True)


async def decisions_of(db: AsyncSession, proposal_id: int) -> list[ProposalDecision]:
    result = await db.execute(
        select(ProposalDecision)
        .where(ProposalDecision.proposal_id == proposal_id)
        .order_by(ProposalDecision.id)
    )
    return list(result.scalars())


# ------------------------------------------------------------------ endorsements
async def apply_endorsements(
    db: AsyncSession, changes: Iterable[EndorsementChange], now: datetime
) -> None:
    """A batch in order; the last change for a (proposal, member) wins."""
    final: dict[tuple[int, int], bool] = {}
    for change in changes:
        final[(change.proposal_id, change.member_id)] = change.added
    added = [
        {"proposal_id": p, "member_id": m, "created_at": now}
        for (p, m), yes in final.items()
        if yes
    ]
    removed = [(p, m) for (p, m), yes in final.items() if not yes]
    table = table_of(ProposalEndorsement)
    for start in range(0, len(added), 500):
        await insert_ignore(db, table, added[start : start + 500], ["proposal_id", "member_id"])
    for start in range(0, len(removed), 500):
        await db.execute(
            delete(ProposalEndorsement).where(
                tuple_(ProposalEndorsement.proposal_id, ProposalEndorsement.member_id).in_(
                    removed[start : start + 500]
                )
            )
        )


async def endorsers(db: AsyncSession, proposal_id: int) -> set[int]:
    result = await db.execute(
        select(ProposalEndorsement.member_id).where(ProposalEndorsement.proposal_id == proposal_id)
    )
    return set(result.scalars())


async def replace_endorsements(
    db: AsyncSession, proposal_id: int, actual: set[int], now: datetime
) -> tuple[int, int]:
    """Stored endorsements := `actual` (the starter message's 👍); (added, removed)."""
    stored = await endorsers(db, proposal_id)
    changes = [EndorsementChange(proposal_id, m, True) for m in actual - stored]
    changes += [EndorsementChange(proposal_id, m, False) for m in stored - actual]
    await apply_endorsements(db, changes, now)
    return len(actual - stored), len(stored - actual)


async def endorsement_counts(db: AsyncSession, proposal_ids: Sequence[int]) -> dict[int, int]:
    """proposal id -> endorsements, every asked proposal present."""
    counts = {proposal_id: 0 for proposal_id in proposal_ids}
    if not counts:
        return counts
    result = await db.execute(
        select(ProposalEndorsement.proposal_id, func.count())
        .where(ProposalEndorsement.proposal_id.in_(list(counts)))
        .group_by(ProposalEndorsement.proposal_id)
    )
    counts.update({proposal_id: int(n) for proposal_id, n in result.all()})
    return counts
