"""The HTML report opened by headless Chromium (the distribution's package): a screenshot
shows both charts rendered where the page puts them, and printing it gives a page per
chapter. Skipped without Chromium unless SIPBOT_REQUIRE_CHROMIUM=1 (CI installs it)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.kit import documents
from bot.kit.charts.model import BLUE, CARD, INK, MUTED, ORANGE
from tests.charts.images import count_near, keep, mask
from tests.charts.reports import sample_charts, sample_report

WINDOW = (1200, 2000)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("SIPBOT_REQUIRE_CHROMIUM") == "1":
        pytest.fail("SIPBOT_REQUIRE_CHROMIUM=1 but chromium is not installed")
    pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")


def run_chromium(folder: Path, *arguments: str) -> None:
    command = [
        chromium(), "--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars",
        "--no-first-run", f"--user-data-dir={folder / 'profile'}", *arguments,
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=90)  # noqa: S603


def bands(image: Image.Image, colour: str, least: int) -> list[tuple[int, int]]:
    """The runs of rows holding at least `least` pixels of `colour`: where the charts'
    cards are on the page (the page itself is white)."""
    found = mask(image, colour, 1)
    width, height = found.size
    runs: list[tuple[int, int]] = []
    start = None
    for y in range(height):
        inside = found.crop((0, y, width, y + 1)).histogram()[255] >= least
        if inside and start is None:
            start = y
        elif not inside and start is not None:
            runs.append((start, y))
            start = None
    return [(a, b) for a, b in runs if b - a > 40]


def test_chromium_renders_the_reports_two_charts(tmp_path: Path) -> None:
    calendar, interest = sample_charts()
    page = tmp_path / "rapport.html"
    page.write_text(documents.html(sample_report(calendar, interest)), encoding="utf-8")
    shot = tmp_path / "rapport.png"
    run_chromium(
        tmp_path, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri()
    )
    keep("report-screenshot.png", shot.read_bytes())
    image = Image.open(shot)
    assert image.size == WINDOW
    found = bands(image, CARD, least=40)
    assert len(found) == 2, found
    # each at the width the page gives it (60rem: 960 of its 1,000 px), in its proportions
    scale = 960 / 1000
    for (top, bottom), chart in zip(found, (calendar, interest), strict=True):
        assert abs((bottom - top) - chart.height * scale) <= 6, (top, bottom, chart.height)
        region = image.crop((0, top, WINDOW[0], bottom))
        # not blank: its bars in the palette's colours, its text in ink
        for colour in (BLUE, ORANGE, MUTED):
            assert count_near(region, colour) > 1_000, (colour, top)
        assert count_near(region, INK, 40) > 1_000
    # the page around them is the report's text, not a broken image's icon
    assert found[0][0] > 150 and found[1][0] > found[0][1] + 100


def test_printed_from_chromium_each_chapter_starts_a_page(tmp_path: Path) -> None:
    page = tmp_path / "rapport.html"
    page.write_text(documents.html(sample_report(*sample_charts())), encoding="utf-8")
    printed = tmp_path / "rapport.pdf"
    run_chromium(tmp_path, f"--print-to-pdf={printed}", "--no-pdf-header-footer", page.as_uri())
    reader = PdfReader(io.BytesIO(printed.read_bytes()))
    assert len(reader.pages) == 2
    first, second = (p.extract_text() for p in reader.pages)
    assert "Calendrier" in first and "Intérêt des sociétaires" not in first
    assert "Intérêt des sociétaires" in second
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
