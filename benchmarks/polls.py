"""An open interest poll in the fake, its members, and the votes stored behind the bot's back.

The poll is made the way organisers make it, through commands (announcements channel,
member role, a cycle, four themes, `/interest open`); the benchmark process then reads
the bot's database read-only to see votes land. PostgreSQL runs use a throw-away
database, created and dropped around the run.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import asyncpg
from sqlalchemy.engine import make_url

from benchmarks.common import BenchmarkError
from tests.fakediscord import FakeDiscord, Member, Message, Role

POSTGRES_ENV = "SIPBOT_TEST_POSTGRES_URL"  # the tests' variable: same server, same default
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
THEMES = (
    ("Accompagnement", "Comment la coopérative accompagne ses membres."),
    ("Horizon post-crise", "L'après-crise sanitaire."),
    ("Égalité de genre", "Les inégalités de genre dans nos métiers."),
    ("Modèle économique", "Le modèle économique en France."),
)
ANSWER_TIMEOUT = 30.0  # the first commands create the guild's rows
# The bot's on_ready line (LOG_LEVEL=INFO). discord.py is ready 2 s (guild_ready_timeout)
# after the last GUILD_CREATE; the start-up reconciliation of open polls runs then, so a
# benchmark waits for it before opening a poll whose reactions it fills behind the bot's back.
BOT_READY = r"connected as .* to \d+ server"


def members(fake: FakeDiscord, count: int, role: Role, prefix: str = "m") -> list[Member]:
    """Added before a program connects, they arrive in GUILD_CREATE (no event each)."""
    return [fake.add_member(f"{prefix}{i}", roles=[role]) for i in range(count)]


async def open_poll(fake: FakeDiscord, role: Role) -> tuple[Message, list[str]]:
    """The connected bot's open interest poll and its four theme emojis, in theme order."""
    annonces = fake.add_text_channel("annonces")
    deadline = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    steps: list[tuple[str, dict[str, object]]] = [
        ("setup channel", {"announcements": annonces}),
        ("setup roles", {"member": role}),
        ("cycle create", {"name": "Benchmark"}),
    ]
    steps += [("theme add", {"title": title, "description": text}) for title, text in THEMES]
    steps.append(("interest open", {"deadline": deadline}))
    answers = []
    for command, options in steps:
        result = await fake.slash(command, options=options, timeout=ANSWER_TIMEOUT)
        answers.append(f"/{command}: {result.content}")
    polls = [m for m in fake.messages_in(annonces.id) if m.embeds and m.reactions]
    if len(polls) != 1:
        raise BenchmarkError("no interest poll was posted; answers:\n" + "\n".join(answers))
    message = polls[0]
    try:
        await fake.wait_for(lambda: len(message.reactions) == len(THEMES), ANSWER_TIMEOUT)
    except AssertionError as exc:
        raise BenchmarkError(f"the poll did not get its reactions: {exc}") from None
    return message, list(message.reactions)


# ------------------------------------------------------------------ stored votes
class Votes(Protocol):
    """The bot's votes, read from its database by the benchmark (never written)."""

    async def poll(self) -> tuple[int, dict[str, int]]:
        """The open poll's id and its theme id by emoji."""
        ...

    async def count(self, poll_id: int) -> int: ...

    async def pairs(self, poll_id: int) -> set[tuple[int, int]]:
        """(member id, theme id) of every stored vote."""
        ...


OPEN_POLL = "SELECT id FROM interest_poll WHERE status = 'open'"
OPTIONS = "SELECT emoji, theme_id FROM poll_option WHERE poll_id = {}"
COUNT = "SELECT count(*) FROM interest_vote WHERE poll_id = {}"
PAIRS = "SELECT member_id, theme_id FROM interest_vote WHERE poll_id = {}"


class SqliteVotes:
    """Read-only; one query takes well under a millisecond, so it runs in the loop."""

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def _rows(self, query: str, *args: int) -> list[Any]:
        return self.connection.execute(query.format("?"), args).fetchall()

    async def poll(self) -> tuple[int, dict[str, int]]:
        rows = self._rows(OPEN_POLL)
        if len(rows) != 1:
            raise BenchmarkError(f"expected one open poll in the database, found {len(rows)}")
        poll_id = int(rows[0][0])
        return poll_id, {str(e): int(t) for e, t in self._rows(OPTIONS, poll_id)}

    async def count(self, poll_id: int) -> int:
        return int(self._rows(COUNT, poll_id)[0][0])

    async def pairs(self, poll_id: int) -> set[tuple[int, int]]:
        return {(int(m), int(t)) for m, t in self._rows(PAIRS, poll_id)}


class PostgresVotes:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def poll(self) -> tuple[int, dict[str, int]]:
        rows = await self.connection.fetch(OPEN_POLL)
        if len(rows) != 1:
            raise BenchmarkError(f"expected one open poll in the database, found {len(rows)}")
        poll_id = int(rows[0][0])
        options = await self.connection.fetch(OPTIONS.format("$1"), poll_id)
        return poll_id, {str(r[0]): int(r[1]) for r in options}

    async def count(self, poll_id: int) -> int:
        return int(await self.connection.fetchval(COUNT.format("$1"), poll_id))

    async def pairs(self, poll_id: int) -> set[tuple[int, int]]:
        rows = await self.connection.fetch(PAIRS.format("$1"), poll_id)
        return {(int(r[0]), int(r[1])) for r in rows}


# ------------------------------------------------------------------ databases
@dataclass(frozen=True)
class Database:
    """Where the bot under test keeps its data: `url` for DATABASE_URL ("" = the default
    SQLite file in its folder)."""

    label: str
    url: str = ""

    def env(self) -> dict[str, str]:
        return {"DATABASE_URL": self.url} if self.url else {}

    @contextlib.asynccontextmanager
    async def votes(self, folder: Path) -> AsyncIterator[Votes]:
        if not self.url:
            reader = SqliteVotes(folder / "sipbot.db")
            try:
                yield reader
            finally:
                reader.connection.close()
            return
        connection = await asyncpg.connect(plain_dsn(self.url))
        try:
            yield PostgresVotes(connection)
        finally:
            await connection.close()


SQLITE = Database("SQLite")


def postgres_base() -> str:
    return os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES)


def plain_dsn(url: str) -> str:
    """The SQLAlchemy URL as asyncpg wants it (no "+asyncpg")."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_problem() -> str | None:
    """None when the server answers, else why not (the benchmark then says it skipped)."""
    try:
        connection = await asyncpg.connect(plain_dsn(postgres_base()), timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await connection.close()
    return None


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[Database]:
    """A fresh database on the server, dropped afterwards (even if the bot still holds it)."""
    base = make_url(postgres_base())
    name = f"sipbot_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(plain_dsn(postgres_base()), timeout=3)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield Database("PostgreSQL", base.set(database=name).render_as_string(False))
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
