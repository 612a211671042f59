"""What tests read of the cycles: each phase's announcement as the work engine holds it."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage import cycles
from storage.models import WorkItem


async def announcements_of(db: AsyncSession, cycle_id: int) -> dict[str, WorkItem]:
    """Phase key -> its announcement's work item."""
    found: dict[str, WorkItem] = {}
    for phase in await cycles.phases_of(db, cycle_id):
        item = await cycles.announcement(db, phase.id)
        assert item is not None, f"phase {phase.key} has no announcement"
        found[phase.key] = item
    return found
