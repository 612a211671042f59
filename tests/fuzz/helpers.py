"""Hostile input for every command: the values, the world they are sent into, and what
the database holds before and after (to show a refused command stored nothing)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import Group

SUB_COMMAND, SUB_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = range(3, 12)


def _long_text(length: int) -> str:
    """Text without repeats longer than a few characters, so a quote of it is recognisable."""
    alphabet = "abcdefghijklmnopqrstuvwxyzéèàçœÉ ЖΩ0123456789-_,;:!?"
    pick = random.Random(length).choice
    return "".join(pick(alphabet) for _ in range(length))


LONG = _long_text(6000)
HOSTILE_TEXTS: dict[str, str] = {
    "empty": "",
    "one": "x",
    "long": LONG,
    "emoji": "🎉👩🏽‍💻🇫🇷🇧🇪" * 3,
    "rtl": "\u202eمرحبا بالعالم\u202c שלום",
    "zero-width": "\u200b\u200c\u200d\ufeff",
    "everyone": "@everyone @here <@&1> <#1>",
    "far future": "9999-12-31 23:59",
    "impossible": "31/02/2027 25h61",
    "newlines": "a\n\n\rb\tc",
}
HOSTILE_NUMBERS: dict[str, int] = {"zero": 0, "negative": -1, "huge": 2**53 + 1}
DATE_WORDS = ("start", "end", "deadline", "date", "when", "opens", "closes", "slots", "until")


@dataclass
class Leaf:
    """One runnable command: its full name and declared options."""

    path: str
    options: list[dict[str, Any]] = field(default_factory=list)


def leaves(command: dict[str, Any], prefix: str = "") -> list[Leaf]:
    path = f"{prefix} {command['name']}".strip()
    subs = [o for o in command.get("options", []) if o["type"] in (SUB_COMMAND, SUB_GROUP)]
    if not subs:
        return [Leaf(path, list(command.get("options", [])))]
    return [leaf for sub in subs for leaf in leaves(sub, path)]


@dataclass
class World:
    fake: FakeDiscord
    group: Group
    theme_id: int

    def plausible(self, option: dict[str, Any]) -> Any:
        """A value a member would give, so the hostile one is what the command meets."""
        kind, name = option["type"], option["name"]
        if option.get("choices"):
            return option["choices"][0]["value"]
        if kind in (USER, MENTIONABLE):
            return self.group.members[-1]
        if kind == ROLE:
            return self.group.role
        if kind == CHANNEL:
            return self.group.channel
        if kind in (INTEGER, NUMBER):
            return max(int(option.get("min_value", 1)), 1)
        if kind == BOOLEAN:
            return False
        if kind == ATTACHMENT:
            return ("notes.txt", b"Compte rendu")
        if any(word in name for word in DATE_WORDS):
            return "2027-03-01 18:00"
        if name in ("theme", "themes"):
            return f"#{self.theme_id}"
        if name == "group":
            return f"#{self.group.id}"
        return "Accompagnement"

    def hostile(self, option: dict[str, Any]) -> dict[str, Any]:
        """The bad values for one option, by label."""
        kind = option["type"]
        if kind == STRING:
            return dict(HOSTILE_TEXTS)
        if kind in (INTEGER, NUMBER):
            return dict(HOSTILE_NUMBERS)
        if kind == ROLE:
            return {"@everyone role": self.fake.guild.id}
        if kind in (USER, MENTIONABLE):
            return {"the bot": self.fake.bot_user}
        if kind == ATTACHMENT:
            return {"binary": ("x.ics", bytes(range(256)) * 30)}
        return {}


async def snapshot(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        found: dict[str, list[tuple[Any, ...]]] = {}
        for name in sorted(names):
            if name == "alembic_version":
                continue
            rows = (await connection.execute(sa.text(f'SELECT * FROM "{name}"'))).all()  # noqa: S608 - table names from the schema
            found[name] = sorted((tuple(row) for row in rows), key=repr)
    return found


def changed_tables(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> list[str]:
    return [name for name in after if before.get(name) != after[name]]


def longest_quote(value: str, reply: str) -> int:
    """The longest run of the value's characters found as such in the reply."""
    if not value or not reply:
        return 0
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, value, reply, autojunk=False)
    return matcher.find_longest_match(0, len(value), 0, len(reply)).size
