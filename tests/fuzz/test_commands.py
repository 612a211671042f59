"""Every command and option, fed hostile values through the fake.

For each value (empty, one character, 6,000 characters, emoji, right-to-left and
zero-width characters, mentions, far-future and impossible dates, numbers at the edges,
the @everyone role, the bot itself): the interaction is answered within 3 seconds, with
no traceback, nothing cut by the net beneath Discord's limits (texts are built to fit),
no quote of the value longer than an excerpt, and nothing stored when it was refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit import errors
from bot.kit.i18n import Catalog, Tr
from bot.kit.inputs import clean
from bot.kit.text import EXCERPT
from storage import cycles, themes
from storage.database import session_factory
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fuzz.helpers import (
    DATE_WORDS,
    HOSTILE_TEXTS,
    INTEGER,
    NUMBER,
    STRING,
    Leaf,
    World,
    changed_tables,
    leaves,
    longest_quote,
    snapshot,
)  # fmt: skip
from tests.sessions.helpers import published_group

ROOTS = (
    "setup", "office", "cycle", "theme", "interest", "groups", "group", "session",
    "experiment", "assembly", "privacy", "draft", "synthesis", "report", "help",
)  # fmt: skip
ANSWER_WITHIN = 3.0


async def _world(fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock) -> World:
    group = await published_group(fake, engine, clock, join="consent")  # the default
    async with session_factory(engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None
        (theme,) = await themes.themes_of(db, cycle.id)
    assert theme.id is not None
    return World(fake, group, theme.id)


class Refusals:
    """Which interactions the bot refused (a known error, told to the user) and which
    failed unexpectedly: the one place failures become messages, observed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.refused: set[int] = set()
        self.unexpected: list[str] = []
        report = errors.report
        english = Tr(Catalog.load(), "en")

        async def observed(bot: Any, interaction: Any, error: BaseException) -> None:
            if errors.describe(errors.unwrap(error), english) is None:
                self.unexpected.append(f"{type(errors.unwrap(error)).__name__}: {error}")
            else:
                self.refused.add(interaction.id)
            await report(bot, interaction, error)

        monkeypatch.setattr(errors, "report", observed)


@dataclass
class Case:
    label: str
    options: dict[str, Any]
    must_refuse: bool = False


def _must_refuse(option: dict[str, Any], value: Any) -> bool:
    """Values no command may accept: a number outside the declared range, a date in
    year 9999 or on 31 February, or a required text made only of characters nobody sees."""
    if option["type"] in (INTEGER, NUMBER):
        return not option.get("min_value", -(2**53)) <= value <= option.get("max_value", 2**53)
    if option["type"] != STRING or not isinstance(value, str):
        return False
    if any(word in option["name"] for word in DATE_WORDS) and value in (
        HOSTILE_TEXTS["far future"],
        HOSTILE_TEXTS["impossible"],
    ):
        return True
    return bool(option.get("required")) and clean(value) == ""


def _cases(world: World, leaf: Leaf) -> list[Case]:
    required = {o["name"]: world.plausible(o) for o in leaf.options if o.get("required")}
    cases = [Case("plausible", dict(required))]
    for option in leaf.options:
        for label, value in world.hostile(option).items():
            cases.append(
                Case(
                    f"{option['name']}={label}",
                    {**required, option["name"]: value},
                    _must_refuse(option, value),
                )
            )
    return cases


async def _fuzz(root: str, fake: FakeDiscord, engine: AsyncEngine, refusals: Refusals,
                caplog: pytest.LogCaptureFixture, world: World) -> list[str]:  # fmt: skip
    (command,) = [c for c in fake.commands(fake.guild.id) if c["name"] == root]
    problems: list[str] = []
    for leaf in leaves(command):
        for case in _cases(world, leaf):
            options = case.options
            where = f"/{leaf.path} {case.label}"
            before = await snapshot(engine)
            caplog.clear()
            result = await fake.slash(
                leaf.path, options=options, channel=world.group.channel, raw=True, timeout=10
            )
            latency = result.latency
            if latency is None or latency > ANSWER_WITHIN:
                problems.append(f"{where}: answered after {latency} s")
            noisy = [r for r in caplog.records if r.levelno >= logging.ERROR or (
                r.name == "bot.kit.fit" and r.levelno >= logging.WARNING)]  # fmt: skip
            problems += [f"{where}: logged {r.name}: {r.getMessage()[:200]}" for r in noisy]
            shown = "\n".join([result.text, *(m.content or "" for m in result.followups)])
            for value in options.values():
                if isinstance(value, str) and longest_quote(value, shown) > EXCERPT:
                    problems.append(f"{where}: quoted {longest_quote(value, shown)} characters")
            if case.must_refuse and result.pending.id not in refusals.refused:
                problems.append(f"{where}: accepted ({result.text[:120]!r})")
            if result.pending.id in refusals.refused:
                changed = changed_tables(before, await snapshot(engine))
                if changed:
                    problems.append(f"{where}: refused, yet changed {changed}")
    problems += [f"/{root}: unexpected {u}" for u in refusals.unexpected]
    return problems


def test_every_number_option_declares_its_range(bot: SipBot, fake: FakeDiscord) -> None:
    unbounded = [
        f"/{leaf.path} {option['name']}"
        for command in fake.commands(fake.guild.id)
        for leaf in leaves(command)
        for option in leaf.options
        if option["type"] in (INTEGER, NUMBER)
        and ("min_value" not in option or "max_value" not in option)
    ]
    assert not unbounded


def test_every_synced_root_is_fuzzed(bot: SipBot, fake: FakeDiscord) -> None:
    synced = {c["name"] for c in fake.commands(fake.guild.id)} | {
        c["name"] for c in fake.commands(None)
    }
    assert synced == set(ROOTS)


@pytest.mark.parametrize("root", ROOTS)
async def test_hostile_values_are_refused_cleanly_or_handled(
    root: str,
    bot: SipBot,
    fake: FakeDiscord,
    sqlite_engine: AsyncEngine,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    world = await _world(fake, sqlite_engine, clock)
    refusals = Refusals(monkeypatch)
    problems = await _fuzz(root, fake, sqlite_engine, refusals, caplog, world)
    assert not problems, "\n".join(problems)
