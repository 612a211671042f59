"""Drawing with matplotlib, read back with Pillow: sizes, colours, both Discord themes,
the worker thread's time budget and a drawing that fails."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import threading

import pytest
from PIL import ImageChops

from bot.kit import charts
from bot.kit.charts import run
from bot.kit.charts.model import (
    BLUE,
    CARD,
    DISCORD_DARK,
    DISCORD_LIGHT,
    FRAME,
    INK,
    MUTED,
    ORANGE,
    VERMILLION,
    contrast,
)  # fmt: skip
from tests.charts import samples
from tests.charts.images import count_near, keep, over, png


def test_a_timeline_is_a_png_of_its_size_with_a_bar_per_state_and_today_marked() -> None:
    spec = samples.calendar()
    chart = charts.render(spec)
    image = png(chart.png)
    assert image.size == spec.size == (1000, 170 + 56 * 7) == (chart.width, chart.height)
    assert (chart.filename, chart.description) == (spec.filename, spec.description)
    for colour in (MUTED, ORANGE, BLUE):  # past, current, future phases
        assert count_near(image, colour) > 2_000, colour
    assert count_near(image, VERMILLION, 30) > 300  # today's dashed line
    keep("kit-calendar.png", chart.png)


def test_stacked_bars_grow_with_their_rows_and_draw_every_series() -> None:
    chart = charts.render(samples.interest(20))
    image = png(chart.png)
    assert image.size == (1000, 200 + 44 * 20)
    for colour in ("#0072B2", "#E69F00", "#009E73", MUTED):
        assert count_near(image, colour) > 5_000, colour


@pytest.mark.parametrize("background", [DISCORD_DARK, DISCORD_LIGHT])
def test_charts_read_the_same_on_discords_dark_and_light_themes(background: str) -> None:
    for spec in (samples.calendar(), samples.interest()):
        image = png(charts.render(spec).png)
        shown = over(image, background)
        # an opaque card: the theme behind it changes nothing
        assert image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255)
        assert ImageChops.difference(shown, image.convert("RGB")).getbbox() is None
        width, height = shown.size
        # the card stands out from the theme: a frame on the light one, the card on the dark
        edge = shown.getpixel((0, height // 2))
        assert isinstance(edge, tuple)
        assert contrast((edge[0], edge[1], edge[2]), background) >= 3
        assert count_near(shown, FRAME, 20) >= 2 * (width + height)
        # most of it is the card, and its text is near-black on it
        assert count_near(shown, CARD, 2) > width * height // 2
        assert count_near(shown, INK, 40) > 1_500
        assert contrast(INK, CARD) >= 7


async def test_a_chart_is_drawn_off_the_event_loop_and_sent_with_its_alt_text() -> None:
    spec = samples.interest()
    ticks = 0

    async def ticking() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(ticking())
    drawn = await charts.draw(spec)
    ticker.cancel()
    assert drawn is not None and png(drawn.png).size == spec.size
    assert ticks > 10  # the loop kept running while it was drawn
    (file,) = charts.attachments(drawn, None)
    assert (file.filename, file.description) == (
        "interest-results.png",
        "Répondants par thématique.",
    )
    assert file.fp.read() == drawn.png


async def test_past_its_budget_a_chart_is_left_out_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = threading.Event()
    busy = run._worker().submit(gate.wait, 10)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.kit.charts.run"):
            assert await charts.draw(samples.calendar(), budget=0.2) is None
        assert "chart cycle-calendar.png not drawn within 0.2 s: sent without it" in caplog.text
    finally:
        gate.set()
    busy.result(timeout=10)
    assert await charts.draw(samples.calendar()) is not None  # the next one is drawn


async def test_a_chart_that_cannot_be_drawn_is_logged_and_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = dataclasses.replace(samples.calendar(), spans=[])
    with caplog.at_level(logging.ERROR, logger="bot.kit.charts.run"):
        assert await charts.draw(broken) is None
    assert "chart cycle-calendar.png could not be drawn: sent without it" in caplog.text
    assert charts.attachments(None) == []
