"""The interest chart for 30,000 respondents and 20 themes, and what charts cost start-up.

Drawing, in the benchmark's own process: 30,000 synthetic members (smoke: 3,000), each
choosing one to four of 20 themes, nine in ten with a profile (one of the 22 default
offices, so ten regions, folded to the five largest and "other regions"; a mode). Timed
as the bot runs it: the tally (`bot.interest.rules.tally`), the spec and its alt text
(`bot.interest.posts.results_picture`), the PNG (`bot.kit.charts.render`, matplotlib
Agg). The first run includes importing matplotlib; then the best of 5. Target: under
1 s. The PNG is read back by Pillow (size, opaque) so a fast broken picture cannot pass.

Memory: `python -m bot` against the fake, RSS once connected with its commands synced
(and 1 s more, settled), as committed and with the picture libraries made unimportable
(a folder first on PYTHONPATH whose matplotlib, numpy, PIL, jinja2, markdown_it and fpdf
raise ImportError: the bot as it would be without them, which also proves none is
imported at start-up). Alternating, median of 3 each (smoke: 1). Target: the two within
2 MB. Then, in the last run as committed, `/cycle calendar` draws the first chart: the
RSS after it is what the lazy import keeps out of start-up.
"""

from __future__ import annotations

import asyncio
import io
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from benchmarks.common import BenchmarkError, Row, at_most
from benchmarks.processes import Program, launched, workspace
from bot.interest.posts import results_picture
from bot.interest.rules import tally
from bot.kit import charts
from bot.kit.i18n import Catalog
from config.data import default_offices
from storage.models import MemberProfile, Office, Theme

NAME = "charts"
SEED = 16
REPEATS = 5
TARGET_S = 1.0
RSS_TOLERANCE_MB = 2.0
THEMES = 20
START = datetime(2020, 11, 2, 10, 0, tzinfo=UTC)
BLOCKED = ("matplotlib", "numpy", "PIL", "jinja2", "markdown_it", "fpdf")


def synthetic(
    members: int,
) -> tuple[dict[int, set[int]], dict[int, MemberProfile], dict[str, Office], list[Theme]]:
    chance = random.Random(SEED)
    themes = [
        Theme(id=n, guild_id=1, cycle_id=1, title=f"Thématique {n} : égalité, économie, écologie",
              emoji=f"{n % 10}️⃣", position=n, created_at=START, updated_at=START)
        for n in range(1, THEMES + 1)
    ]  # fmt: skip
    offices = {o.name: Office(guild_id=1, name=o.name, country=o.country, region=o.region)
               for o in default_offices()}  # fmt: skip
    names = sorted(offices)
    votes: dict[int, set[int]] = {}
    profiles: dict[int, MemberProfile] = {}
    for member in range(1, members + 1):
        votes[member] = set(chance.sample(range(1, THEMES + 1), chance.randint(1, 4)))
        if chance.random() < 0.9:
            profiles[member] = MemberProfile(
                guild_id=1, member_id=member, office=chance.choice(names),
                mode=chance.choice(["in_person", "online", "either"]), updated_at=START,
            )  # fmt: skip
    return votes, profiles, offices, themes


def draw_once(members: int) -> tuple[float, float, float, charts.Chart]:
    votes, profiles, offices, themes = synthetic(members)
    tr = Catalog.load().bind("fr")
    started = time.perf_counter()
    counts = tally(votes, profiles, offices)
    counted = time.perf_counter()
    spec = results_picture(tr, themes, counts)
    if spec is None:
        raise BenchmarkError("no picture for the synthetic poll")
    specified = time.perf_counter()
    chart = charts.render(spec)
    drawn = time.perf_counter()
    image = Image.open(io.BytesIO(chart.png))
    if image.size != spec.size or image.getchannel("A").getextrema() != (255, 255):
        raise BenchmarkError(f"the chart is {image.size}, expected {spec.size}, opaque")
    return counted - started, specified - counted, drawn - specified, chart


@contextmanager
def blocked_libraries() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="sipbot-bench-blocked-") as folder:
        for name in BLOCKED:
            package = Path(folder) / name
            package.mkdir()
            (package / "__init__.py").write_text(
                f"raise ImportError('{name} is blocked by the charts benchmark')\n"
            )
        yield Path(folder)


async def settled_rss(program: Program, draw: bool) -> tuple[float, float | None]:
    async with workspace(program.name) as (fake, folder), launched(program, fake, folder) as run:
        await asyncio.sleep(1.0)
        at_start = run.rss_mb()
        if not draw:
            return at_start, None
        await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"}, timeout=30)
        res = await fake.slash("cycle calendar", user=fake.owner, timeout=30)
        if len(res.files) != 1:
            raise BenchmarkError(
                f"/cycle calendar attached {len(res.files)} files\n{run.log_tail()}"
            )
        await asyncio.sleep(0.5)
        return at_start, run.rss_mb()


async def memory(rounds: int) -> tuple[float, float, float]:
    as_is: list[float] = []
    without: list[float] = []
    after_chart = float("nan")
    with blocked_libraries() as shim:
        from benchmarks.processes import REPO

        blocked = Program("bot without picture libraries", "bot",
                          env={"PYTHONPATH": f"{shim}:{REPO}"})  # fmt: skip
        for n in range(rounds):
            last = n == rounds - 1
            start, drawn = await settled_rss(Program("bot", "bot"), draw=last)
            as_is.append(start)
            if drawn is not None:
                after_chart = drawn
            without.append((await settled_rss(blocked, draw=False))[0])
    return statistics.median(as_is), statistics.median(without), after_chart


async def run(smoke: bool) -> list[Row]:
    members = 3_000 if smoke else 30_000
    runs = [draw_once(members) for _ in range(REPEATS)]
    first = runs[0]
    best = min(runs, key=lambda r: sum(r[:3]))
    label = f"{members} respondents, {THEMES} themes"
    as_is, without, after_chart = await memory(1 if smoke else 3)
    return [
        Row(NAME, f"{label}: first run (matplotlib imported in it)", sum(first[:3]), "s"),
        at_most(
            NAME, f"{label}: best of {REPEATS} (tally + spec + PNG)", sum(best[:3]), "s", TARGET_S
        ),
        Row(NAME, f"{label}: the tally", best[0] * 1000, "ms"),
        Row(NAME, f"{label}: the spec and its alt text", best[1] * 1000, "ms"),
        Row(NAME, f"{label}: drawing the PNG", best[2] * 1000, "ms"),
        Row(NAME, f"{label}: PNG size", len(best[3].png) / 1024, "KB"),
        Row(NAME, "RSS after start-up, as committed", as_is, "MB"),
        Row(NAME, "RSS after start-up, picture libraries unimportable", without, "MB"),
        at_most(
            NAME, "RSS after start-up: difference", abs(as_is - without), "MB", RSS_TOLERANCE_MB
        ),
        Row(NAME, "RSS after the first chart (/cycle calendar)", after_chart, "MB"),
    ]
