"""Reminders written straight into a bot's database, and bot processes that send them.

Used by the fault tests (kill -9, two processes) and by `benchmarks/reminders.py`: the
rows are what `/session schedule` would have stored (a published group with a channel
and a role in the fake, a cycle, a theme, sessions, one pending reminder each), without
going through the commands, so thousands can be written in a second.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import Cycle, GroupSession, Theme, WorkGroup, WorkItem
from storage.upsert import table_of
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Guild, Role

# "⏰ <@&role> — la séance 7 de Groupe 1 commence <t:…> (dans 1 h). Où : …"
SESSION_NUMBER = re.compile(r"la séance (\d+) de ")
NONCE_PREFIX = "sipw"  # the work engine's nonces: sipw<work item id>
CHUNK = 2000  # rows per INSERT: SQLite takes at most 32,766 bound parameters per statement


@dataclass(frozen=True)
class SeededGroup:
    id: int
    channel: Channel
    role: Role


@dataclass(frozen=True)
class SeededReminder:
    id: int
    session_number: int
    group: SeededGroup
    due_at: datetime

    @property
    def nonce(self) -> str:
        return f"{NONCE_PREFIX}{self.id}"


@dataclass(frozen=True)
class Seeded:
    groups: list[SeededGroup]
    reminders: list[SeededReminder]

    def by_nonce(self) -> dict[str, SeededReminder]:
        return {r.nonce: r for r in self.reminders}


async def _groups(
    engine: AsyncEngine, fake: FakeDiscord, count: int, guild: Guild
) -> list[SeededGroup]:
    now = datetime.now(UTC)
    found: list[SeededGroup] = []
    async with session_factory(engine)() as db, db.begin():
        cycle = Cycle(guild_id=guild.id, name="2026-2027", first_year=2026, status="running",
                      created_at=now)  # fmt: skip
        db.add(cycle)
        await db.flush()
        theme = Theme(guild_id=guild.id, cycle_id=cycle.id, title="Accompagnement",
                      title_key="accompagnement", emoji="🧭", created_at=now, updated_at=now)  # fmt: skip
        db.add(theme)
        await db.flush()
        for index in range(1, count + 1):
            channel = fake.add_text_channel(f"groupe-{index}", guild=guild)
            role = fake.add_role(f"Groupe {index}", guild=guild)
            group = WorkGroup(
                guild_id=guild.id, cycle_id=cycle.id, theme_id=theme.id, name=f"Groupe {index}",
                mode="online", position=index, status="published", channel_id=channel.id,
                role_id=role.id, created_at=now, updated_at=now,
            )  # fmt: skip
            db.add(group)
            await db.flush()
            found.append(SeededGroup(group.id, channel, role))
    return found


async def seed_reminders(
    engine: AsyncEngine,
    fake: FakeDiscord,
    due_times: Sequence[datetime],
    *,
    groups: int = 1,
    offset_minutes: int = 60,
    guild: Guild | None = None,
) -> Seeded:
    """One session per due time (groups taken in turn, numbered 1, 2, … within each group),
    starting `offset_minutes` after it, with one pending reminder (version 1) at that time.
    The channels and roles are added to the fake; the engine's database must be migrated."""
    guild = guild or fake.guild
    seeded_groups = await _groups(engine, fake, groups, guild)
    now = datetime.now(UTC)
    sessions: list[dict[str, object]] = []
    for index, due in enumerate(due_times):
        group = seeded_groups[index % groups]
        sessions.append({
            "guild_id": guild.id, "group_id": group.id, "number": index // groups + 1,
            "starts_at": due + timedelta(minutes=offset_minutes), "minutes": 180,
            "place": "Bruxelles", "status": "scheduled", "version": 1,
            "created_at": now, "updated_at": now,
        })  # fmt: skip
    by_group = {g.id: g for g in seeded_groups}
    reminders: list[SeededReminder] = []
    async with session_factory(engine)() as db, db.begin():
        for start in range(0, len(sessions), CHUNK):
            await db.execute(insert(table_of(GroupSession)), sessions[start : start + CHUNK])
        rows = await db.execute(
            select(GroupSession.id, GroupSession.group_id, GroupSession.number,
                   GroupSession.starts_at).where(GroupSession.guild_id == guild.id)
        )  # fmt: skip
        listed = rows.all()
        of_session = {sid: (group_id, number) for sid, group_id, number, _starts in listed}
        planned = [
            {"kind": "reminder", "key": f"reminder:{sid}:1:{offset_minutes}", "guild_id": guild.id,
             "due_at": starts - timedelta(minutes=offset_minutes),
             "next_at": starts - timedelta(minutes=offset_minutes), "state": "pending", "attempts": 0,
             "payload": json.dumps({"session_id": sid, "version": 1, "offset": offset_minutes}),
             "last_error": "", "late": False, "note": "", "created_at": now}
            for sid, _group, _number, starts in listed
        ]  # fmt: skip
        for start in range(0, len(planned), CHUNK):
            await db.execute(insert(table_of(WorkItem)), planned[start : start + CHUNK])
        stored = await db.execute(
            select(WorkItem.id, WorkItem.due_at, WorkItem.key)
            .where(WorkItem.kind == "reminder", WorkItem.guild_id == guild.id)
            .order_by(WorkItem.due_at, WorkItem.id)
        )
        for rid, due, key in stored.all():
            group_id, number = of_session[int(key.split(":")[1])]
            reminders.append(SeededReminder(rid, number, by_group[group_id], due))
    return Seeded(seeded_groups, reminders)


def spread(count: int, start: datetime, seconds: float) -> list[datetime]:
    """`count` instants evenly spread over `seconds` from `start`."""
    step = seconds / max(count - 1, 1)
    return [start + timedelta(seconds=i * step) for i in range(count)]


async def reminder_states(engine: AsyncEngine) -> Counter[str]:
    async with session_factory(engine)() as db:
        result = await db.execute(select(WorkItem.state).where(WorkItem.kind == "reminder"))
        return Counter(result.scalars())


async def all_sent(engine: AsyncEngine, count: int) -> bool:
    return (await reminder_states(engine))["done"] == count


# ------------------------------------------------------------------ bot processes
async def spawn_bot(env: dict[str, str], folder: Path, log: Path) -> asyncio.subprocess.Process:
    """`python -m bot` with its output in a file (a pipe nobody reads would fill and block it)."""
    with log.open("ab") as sink:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=folder, env=env, stdin=asyncio.subprocess.DEVNULL,
            stdout=sink, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip


async def stop_bot(process: asyncio.subprocess.Process, timeout: float = 10) -> int:
    """SIGTERM, then SIGKILL if it does not stop in time; returns the exit code."""
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode


def tail(log: Path, lines: int = 40) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:])
