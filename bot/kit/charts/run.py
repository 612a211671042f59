"""Drawing off the event loop, within a time budget, and sending the result.

Charts are drawn one at a time in one worker thread of their own: matplotlib is not
thread-safe, and a long drawing never takes a thread that the database or the exports
need. `draw` waits at most `budget` seconds (the wait in the queue included, since the
person who asked waits for both); past it, it logs a warning and returns None, and the
feature sends its text without the picture (the text always carries the numbers). A
drawing that failed is logged with its traceback and likewise leaves the text alone.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import discord

from bot.kit.charts.model import DESCRIPTION_LIMIT, Chart, Columns, GroupedBars, Spec

log = logging.getLogger(__name__)

BUDGET = 5.0  # seconds: well within an interaction's 15 minutes, short for a person
_pool: ThreadPoolExecutor | None = None


def _worker() -> ThreadPoolExecutor:
    global _pool  # one worker for the process, made on first use
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sipbot-charts")
    return _pool


def render(spec: Spec) -> Chart:
    """Draw now, in this thread (the worker, a benchmark, a script)."""
    from bot.kit.charts import bars, drawing  # matplotlib: loaded on the first chart

    if isinstance(spec, GroupedBars | Columns):
        return bars.draw(spec)
    return drawing.draw(spec)


async def draw(spec: Spec, *, budget: float | None = None) -> Chart | None:
    """The chart, or None when it took longer than `budget` seconds (default `BUDGET`)
    or failed."""
    budget = BUDGET if budget is None else budget
    started = time.perf_counter()
    future = asyncio.get_running_loop().run_in_executor(_worker(), render, spec)
    try:
        chart = await asyncio.wait_for(future, budget)
    except TimeoutError:
        log.warning("chart %s not drawn within %.1f s: sent without it", spec.filename, budget)
        return None
    except Exception:  # a chart never costs the reply its text
        log.exception("chart %s could not be drawn: sent without it", spec.filename)
        return None
    log.debug("chart %s drawn in %.3f s", spec.filename, time.perf_counter() - started)
    return chart


def attachment(chart: Chart) -> discord.File:
    """The chart as a Discord attachment, its description the alt text."""
    return discord.File(
        io.BytesIO(chart.png),
        filename=chart.filename,
        description=chart.description[:DESCRIPTION_LIMIT],
    )


def attachments(*charts: Chart | None) -> list[discord.File]:
    """The charts that were drawn, as attachments (none when none was)."""
    return [attachment(c) for c in charts if c is not None]
