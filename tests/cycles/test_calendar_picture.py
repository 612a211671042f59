"""`/cycle calendar` attaches the timeline beside its text, through the fake; the PNG is
read back by Pillow."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import pytest

from bot.app import SipBot
from bot.kit.charts import run
from bot.kit.charts.model import BLUE, MUTED, ORANGE, VERMILLION
from tests.charts.images import count_near, keep, png
from tests.clock import MovableClock
from tests.cycles.test_commands import configured
from tests.fakediscord import FakeDiscord

PHASES_NL = [
    "Voorbereiding", "De thema's eigen maken", "Ideeën laten opkomen", "Inbreng van experts",
    "Experimenten", "De volgende stap voorstellen",
]  # fmt: skip


async def test_the_calendar_comes_with_its_timeline_in_the_readers_language(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock
) -> None:
    await configured(fake, bot, clock)
    clock.set(datetime(2021, 1, 25, 12, 0, tzinfo=UTC))
    member = fake.add_member("noor", locale="nl")
    res = await fake.slash("cycle calendar", user=member)
    assert res.ephemeral
    # the text stays, for screen readers and search
    assert res.embeds[0]["description"].count("*nu bezig*") == 3
    (file,) = res.files
    assert file.filename == "cycle-calendar.png"
    image = png(file.data)
    assert image.size == (1000, 170 + 56 * 7)
    for colour in (MUTED, ORANGE, BLUE):  # one phase over, three under way, three to come
        assert count_near(image, colour) > 2_000, colour
    assert count_near(image, VERMILLION, 30) > 300  # today
    keep("calendar.png", file.data)
    alt = file.description or ""
    assert len(alt) <= 1024
    assert alt.startswith("Kalender van cyclus 2020-2021: één balk per fase over de maanden;")
    assert "vandaag is het 25 jan. 2021." in alt
    assert "Voorbereiding: van 1 nov. 2020 tot 31 dec. 2020 (afgelopen)." in alt
    assert "Experimenten: van 15 jan. 2021 tot 15 apr. 2021 (bezig)." in alt
    assert all(name in alt for name in PHASES_NL)
    assert (alt.count("(afgelopen)"), alt.count("(bezig)"), alt.count("(komt nog)")) == (1, 3, 3)


async def test_dates_and_today_are_those_of_the_guilds_time_zone(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock
) -> None:
    await configured(fake, bot, clock)
    await fake.slash("setup locale", user=fake.owner, options={"timezone": "Pacific/Kiritimati"})
    clock.set(datetime(2021, 1, 24, 11, 0, tzinfo=UTC))  # already 25 January at UTC+14
    res = await fake.slash("cycle calendar", user=fake.owner, locale="fr")
    (file,) = res.files
    alt = file.description or ""
    assert "aujourd'hui, 25 janv. 2021." in alt
    # planned for 23:59 in Paris, 31 December ends at 12:59 on 1 January at UTC+14
    assert "Préparation : du 1 nov. 2020 au 1 janv. 2021 (terminée)." in alt


async def test_a_calendar_drawn_too_slowly_is_sent_as_text_with_a_warning(
    fake: FakeDiscord,
    bot: SipBot,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await configured(fake, bot, clock)
    monkeypatch.setattr(run, "BUDGET", 0.2)
    gate = threading.Event()
    busy = run._worker().submit(gate.wait, 10)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.kit.charts.run"):
            res = await fake.slash("cycle calendar", user=fake.owner, locale="en-US")
    finally:
        gate.set()
    busy.result(timeout=10)
    assert res.files == []
    assert res.embeds[0]["title"] == "Cycle 2020-2021 (in preparation)"
    assert res.embeds[0]["description"].count("🗓️") == 7
    assert "chart cycle-calendar.png not drawn within 0.2 s: sent without it" in caplog.text
