"""Recommendation drafts, their versions (every revision kept), endorsements and the
board's answers.

A new version is written only if the draft is still at the version its author
started from (`add_version`), so two people revising at once never overwrite each
other silently; a status moves only from the status it was read in (`move`); an answer
is recorded only while the draft is still submitted (`add_answer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Draft, DraftAnswer, DraftVersion, Endorsement
from storage.upsert import insert_ignore, table_of

FINAL = ("adopted", "not_retained", "withdrawn")


@dataclass(frozen=True)
class EndorsementChange:
    draft_id: int
    member_id: int
    added: bool


def message_ids(value: str) -> list[int]:
    """`Draft.extra_message_ids` (comma separated) as ids."""
    return [int(part) for part in value.split(",") if part.strip().isdigit()]


def join_ids(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


# ------------------------------------------------------------------ drafts
async def create(db: AsyncSession, draft: Draft, text: str, author_id: int) -> Draft:
    """The draft and its version 1, in the caller's transaction."""
    draft.version = 1
    db.add(draft)
    await db.flush()
    db.add(
        DraftVersion(
            draft_id=draft.id,
            number=1,
            text=text,
            author_id=author_id,
            created_at=draft.created_at,
        )
    )
    await db.flush()
    return draft


async def get(db: AsyncSession, draft_id: int) -> Draft | None:
    return await db.get(Draft, draft_id, populate_existing=True)


async def find(db: AsyncSession, cycle_id: int, value: str) -> Draft | None:
    """By the autocomplete's "#id", else by exact (case-insensitive) title in the cycle."""
    text = value.strip()
    if text.startswith("#") and text[1:].isdigit():
        draft = await get(db, int(text[1:]))
        return draft if draft is not None and draft.cycle_id == cycle_id else None
    result = await db.execute(
        select(Draft).where(Draft.cycle_id == cycle_id, func.lower(Draft.title) == text.lower())
    )
    found = list(result.scalars())
    return found[0] if len(found) == 1 else None


async def find_in_guild(
    db: AsyncSession, guild_id: int, value: str, statuses: Sequence[str] = ()
) -> Draft | None:
    """Like `find`, across every cycle of the server (the board answers, and follows up,
    after the cycle closed); an exact title counts when only one draft of those
    `statuses` (any, when empty) has it."""
    text = value.strip()
    if text.startswith("#") and text[1:].isdigit():
        draft = await get(db, int(text[1:]))
        return draft if draft is not None and draft.guild_id == guild_id else None
    query = select(Draft).where(Draft.guild_id == guild_id, func.lower(Draft.title) == text.lower())
    if statuses:
        query = query.where(Draft.status.in_(list(statuses)))
    found = list((await db.execute(query)).scalars())
    return found[0] if len(found) == 1 else None


async def drafts_in_guild(db: AsyncSession, guild_id: int, statuses: Sequence[str]) -> list[Draft]:
    """The server's drafts in these statuses, the newest first (for autocomplete)."""
    result = await db.execute(
        select(Draft)
        .where(Draft.guild_id == guild_id, Draft.status.in_(list(statuses)))
        .order_by(Draft.cycle_id.desc(), Draft.id.desc())
    )
    return list(result.scalars())


async def drafts_of_cycle(
    db: AsyncSession, cycle_id: int, theme_id: int | None = None
) -> list[Draft]:
    query = select(Draft).where(Draft.cycle_id == cycle_id)
    if theme_id is not None:
        query = query.where(Draft.theme_id == theme_id)
    result = await db.execute(query.order_by(Draft.theme_id, Draft.group_id, Draft.id))
    return list(result.scalars())


async def drafts_of_groups(db: AsyncSession, group_ids: Sequence[int]) -> list[Draft]:
    result = await db.execute(
        select(Draft).where(Draft.group_id.in_(list(group_ids))).order_by(Draft.id)
    )
    return list(result.scalars())


async def unfinished_with_posts(db: AsyncSession) -> list[Draft]:
    """Drafts whose endorsements still count: a forum post, and not in a final status."""
    result = await db.execute(
        select(Draft).where(Draft.thread_id.is_not(None), Draft.status.not_in(FINAL))
    )
    return list(result.scalars())


async def record_post(
    db: AsyncSession, draft_id: int, thread_id: int, extra: Sequence[int], now: datetime
) -> None:
    await db.execute(
        update(Draft)
        .where(Draft.id == draft_id)
        .values(thread_id=thread_id, extra_message_ids=join_ids(extra), updated_at=now)
    )


async def record_announcement(db: AsyncSession, draft_id: int, message_id: int) -> None:
    await db.execute(
        update(Draft).where(Draft.id == draft_id).values(announce_message_id=message_id)
    )


# ------------------------------------------------------------------ versions
async def add_version(
    db: AsyncSession, draft_id: int, base: int, text: str, author_id: int, now: datetime
) -> int | None:
    """Version base+1, only if the draft is still at `base`; None when someone was faster."""
    result = await db.execute(
        update(Draft)
        .where(Draft.id == draft_id, Draft.version == base)
        .values(version=base + 1, updated_at=now)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return None
    db.add(
        DraftVersion(
            draft_id=draft_id, number=base + 1, text=text, author_id=author_id, created_at=now
        )
    )
    await db.flush()
    return base + 1


async def versions(db: AsyncSession, draft_id: int) -> list[DraftVersion]:
    result = await db.execute(
        select(DraftVersion).where(DraftVersion.draft_id == draft_id).order_by(DraftVersion.number)
    )
    return list(result.scalars())


async def latest_texts(db: AsyncSession, drafts: Sequence[Draft]) -> dict[int, str]:
    """draft id -> the text of its current version."""
    keys = [(d.id, d.version) for d in drafts]
    if not keys:
        return {}
    found: dict[int, str] = {}
    for start in range(0, len(keys), 500):
        result = await db.execute(
            select(DraftVersion.draft_id, DraftVersion.text).where(
                tuple_(DraftVersion.draft_id, DraftVersion.number).in_(keys[start : start + 500])
            )
        )
        found.update({draft_id: text for draft_id, text in result.all()})
    return found


# ------------------------------------------------------------------ status
async def move(db: AsyncSession, draft_id: int, current: str, wanted: str, now: datetime) -> bool:
    """The status changes only if nobody changed it meanwhile."""
    result = await db.execute(
        update(Draft)
        .where(Draft.id == draft_id, Draft.status == current)
        .values(status=wanted, updated_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


# ------------------------------------------------------------------ the board's answers
async def add_answer(
    db: AsyncSession, answer: DraftAnswer, status: str, now: datetime
) -> DraftAnswer | None:
    """The answer, and the draft's new status, only if the draft is still submitted (a
    conditional update: of two answers at once, one that would come after a final
    decision is refused); None when it no longer is."""
    result = await db.execute(
        update(Draft)
        .where(Draft.id == answer.draft_id, Draft.status == "submitted")
        .values(status=status, updated_at=now)
    )
    if int(getattr(result, "rowcount", 0) or 0) != 1:
        return None
    db.add(answer)
    await db.flush()
    return answer


async def get_answer(db: AsyncSession, answer_id: int) -> DraftAnswer | None:
    return await db.get(DraftAnswer, answer_id)


async def answers(db: AsyncSession, draft_ids: Sequence[int]) -> dict[int, list[DraftAnswer]]:
    """draft id -> its answers, oldest first (the last one is current); every asked draft present."""
    found: dict[int, list[DraftAnswer]] = {draft_id: [] for draft_id in draft_ids}
    ids = list(found)
    for start in range(0, len(ids), 500):
        result = await db.execute(
            select(DraftAnswer)
            .where(DraftAnswer.draft_id.in_(ids[start : start + 500]))
            .order_by(DraftAnswer.draft_id, DraftAnswer.id)
        )
        for row in result.scalars():
            found[row.draft_id].append(row)
    return found


async def current_answers(db: AsyncSession, draft_ids: Sequence[int]) -> dict[int, DraftAnswer]:
    """draft id -> its last answer, for the drafts that have one."""
    return {d: rows[-1] for d, rows in (await answers(db, draft_ids)).items() if rows}


# ------------------------------------------------------------------ endorsements
async def apply_endorsements(
    db: AsyncSession, changes: Iterable[EndorsementChange], now: datetime
) -> None:
    """A batch in order; the last change for a (draft, member) wins."""
    final: dict[tuple[int, int], bool] = {}
    for change in changes:
        final[(change.draft_id, change.member_id)] = change.added
    added = [
        {"draft_id": d, "member_id": m, "created_at": now} for (d, m), yes in final.items() if yes
    ]
    removed = [(d, m) for (d, m), yes in final.items() if not yes]
    for start in range(0, len(added), 500):
        await insert_ignore(
            db, table_of(Endorsement), added[start : start + 500], ["draft_id", "member_id"]
        )
    for start in range(0, len(removed), 500):
        await db.execute(
            delete(Endorsement).where(
                tuple_(Endorsement.draft_id, Endorsement.member_id).in_(
                    removed[start : start + 500]
                )
            )
        )


async def endorsers(db: AsyncSession, draft_id: int) -> set[int]:
    result = await db.execute(select(Endorsement.member_id).where(Endorsement.draft_id == draft_id))
    return set(result.scalars())


async def replace_endorsements(
    db: AsyncSession, draft_id: int, actual: set[int], now: datetime
) -> tuple[int, int]:
    """Stored endorsements := `actual` (the starter message's 👍); (added, removed)."""
    stored = await endorsers(db, draft_id)
    changes = [EndorsementChange(draft_id, m, True) for m in actual - stored]
    changes += [EndorsementChange(draft_id, m, False) for m in stored - actual]
    await apply_endorsements(db, changes, now)
    return len(actual - stored), len(stored - actual)


async def endorsement_counts(db: AsyncSession, draft_ids: Sequence[int]) -> dict[int, int]:
    """draft id -> endorsements, every asked draft present."""
    counts = {draft_id: 0 for draft_id in draft_ids}
    if not counts:
        return counts
    result = await db.execute(
        select(Endorsement.draft_id, func.count())
        .where(Endorsement.draft_id.in_(list(counts)))
        .group_by(Endorsement.draft_id)
    )
    counts.update({draft_id: int(n) for draft_id, n in result.all()})
    return counts
