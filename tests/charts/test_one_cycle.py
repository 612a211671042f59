"""One fake cycle's pictures, end to end: the interest poll answered and closed, the
calendar asked for, both pictures as the bot attached them put in a report, the report
opened by headless Chromium. With SIPBOT_CHART_OUT set, every file lands there to be
looked at (`cycle-*.png`, `cycle-report.*`)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit import documents
from bot.kit.charts import Chart
from bot.kit.charts.model import CARD
from bot.kit.documents import Document, Heading, Paragraph, Picture
from tests.charts.images import keep, png
from tests.charts.test_chromium import WINDOW, bands, run_chromium
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Attachment
from tests.interest.helpers import DEADLINE
from tests.interest.test_closing import results_in
from tests.interest.test_results_picture import answered


def as_chart(attachment: Attachment) -> Chart:
    image = png(attachment.data)
    return Chart(attachment.data, attachment.description or "", attachment.filename, *image.size)


async def test_one_cycles_pictures_from_discord_to_the_report(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    annonces = await answered(fake, bot, clock, sqlite_engine)
    clock.set(DEADLINE)
    assert bot.services.scheduler is not None
    await bot.services.scheduler.clock_moved()
    (closing,) = results_in(fake, annonces)
    (interest,) = closing.attachments
    clock.set(datetime(2021, 1, 25, 12, 0, tzinfo=UTC))
    (calendar,) = (await fake.slash("cycle calendar", user=fake.owner, locale="fr")).files
    keep("cycle-calendar.png", calendar.data)
    keep("cycle-interest.png", interest.data)
    pictures = as_chart(calendar), as_chart(interest)
    report = Document(
        title="Rapport du cycle 2020-2021",
        language="fr",
        sections=[
            Heading("Calendrier"),
            Paragraph(pictures[0].description),
            Picture(pictures[0], "Le calendrier au 25 janvier 2021."),
            Heading("Intérêt des sociétaires"),
            Paragraph(pictures[1].description),
            Picture(pictures[1], "À la clôture du sondage, le 15 novembre 2020."),
        ],
    )
    page = tmp_path / "cycle-report.html"
    page.write_text(documents.html(report), encoding="utf-8")
    keep("cycle-report.html", page.read_bytes())
    keep("cycle-report.pdf", documents.pdf(report))
    shot = tmp_path / "cycle-report.png"
    run_chromium(
        tmp_path, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}", page.as_uri()
    )
    keep("cycle-report-screenshot.png", shot.read_bytes())
    found = bands(Image.open(shot), CARD, least=40)
    assert len(found) == 2, found
    for (top, bottom), chart in zip(found, pictures, strict=True):
        assert abs((bottom - top) - chart.height * 0.96) <= 6
