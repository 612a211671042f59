"""`/report export` through the fake, with the real client: the seeded cycle (sessions
over four months, recommendations, proposals of next themes, meetings) as an HTML file
with its pictures embedded and a PDF, beside the Markdown and the sheets; the HTML
opened by headless Chromium, its pictures rendered; the PDF read by pypdf, a page per
chapter. With SIPBOT_CHART_OUT set, the pictures, both files and the screenshot land
there (`report-*.png`, `cycle-report-export.*`)."""

from __future__ import annotations

import base64
import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit import fit
from bot.kit.charts.model import CARD, INK, KEYCAP, PALETTE
from storage import cycles, themes
from storage import drafts as draft_store
from storage import meetings as meeting_store
from storage import proposals as proposal_store
from storage.database import session_factory
from storage.models import GroupSession, Meeting, MeetingRegistration, Proposal, SessionMinutes
from tests.charts.images import count_near, keep, png
from tests.charts.reports import read
from tests.charts.test_chromium import bands, run_chromium
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.report.test_commands import SEEDED, seed
from tests.sessions.helpers import Group

STEM = "sipbot-2020-2021"
EXPORTED = datetime(2021, 5, 3, 9, 0, tzinfo=UTC)
PROPOSALS = [("Coopérer entre bureaux", "shortlisted", 9), ("Le revenu des freelances", "open", 6),
             ("Habiter ensemble", "open", 2), ("Numérique sobre", "merged", 1),
             ("Fêtes de fin d'année", "not_retained", 0)]  # fmt: skip
DRAFT_STATUSES = {"Proposition de Ouest – Rennes": "submitted",
                  "Proposition de Sud – Lyon": "adopted",
                  "Proposition de 100% visio 1": "synthesised"}  # fmt: skip
PICTURES = ["report-sessions.png", "report-attendance.png", "report-drafts.png",
            "report-proposals.png", "report-meetings.png"]  # fmt: skip


async def seed_more(fake: FakeDiscord, engine: AsyncEngine, groups: dict[str, Group]) -> None:
    """On top of the report's seed: sessions in March and April (a group more each
    month), five proposals with their endorsements, two meetings with registrations and
    one cancelled."""
    people = [m for g in groups.values() for m in g.members]
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None
        first = (await themes.themes_of(db, cycle.id))[0]
        for n, group in enumerate(groups.values()):
            for extra in range(n % 3 + 1):
                start = datetime(2021, 3, 2, 17, 0, tzinfo=UTC) + timedelta(days=15 * extra + n)
                row = GroupSession(guild_id=fake.guild.id, group_id=group.id, number=5 + extra,
                                   status="done", starts_at=start, created_at=SEEDED, updated_at=SEEDED)  # fmt: skip
                db.add(row)
                await db.flush()
                db.add(SessionMinutes(session_id=row.id, summary="Suite.", attendees=3 + extra,
                                      author_id=group.secretary.id, created_at=start))  # fmt: skip
        for draft in await draft_store.drafts_of_cycle(db, cycle.id):  # a status of each kind
            draft.status = DRAFT_STATUSES.get(draft.title, draft.status)
        for title, status, endorsed in PROPOSALS:
            made = await proposal_store.create(db, Proposal(
                guild_id=fake.guild.id, cycle_id=cycle.id, title=title,
                title_key=proposal_store.title_key(title), description=f"{title}.", status=status,
                created_at=SEEDED, updated_at=SEEDED))  # fmt: skip
            changes = [
                proposal_store.EndorsementChange(made.id, m.id, True) for m in people[:endorsed]
            ]
            await proposal_store.apply_endorsements(db, changes, SEEDED)
        for title, theme_id, day, capacity, seated, waiting, online, status in [
            (
                "Atelier ouvert",
                first.id,
                datetime(2021, 3, 18, 17, 0, tzinfo=UTC),
                6,
                6,
                2,
                4,
                "done",
            ),
            (
                "Webinaire Égalité",
                None,
                datetime(2021, 2, 4, 12, 0, tzinfo=UTC),
                None,
                0,
                0,
                12,
                "done",
            ),
            (
                "Rencontre annulée",
                None,
                datetime(2021, 3, 25, 17, 0, tzinfo=UTC),
                10,
                3,
                0,
                0,
                "cancelled",
            ),
            (
                "Présentation à l'AG",
                None,
                datetime(2021, 5, 20, 16, 0, tzinfo=UTC),
                30,
                9,
                0,
                5,
                "scheduled",
            ),
        ]:
            meeting = await meeting_store.add_meeting(db, Meeting(
                guild_id=fake.guild.id, theme_id=theme_id, title=title, capacity=capacity,
                starts_at=day, status=status, kind="presentation" if "AG" in title else "open_meeting",
                created_at=SEEDED, updated_at=SEEDED))  # fmt: skip
            modes = ["in_person"] * (seated + waiting) + ["online"] * online
            for seq, (member, mode) in enumerate(zip(people, modes, strict=False), start=1):
                state = "waitlisted" if seated < seq <= seated + waiting else "registered"
                seat = seq if mode == "in_person" and seq <= seated else None
                db.add(MeetingRegistration(meeting_id=meeting.id, member_id=member.id, mode=mode,
                                           state=state, seq=seq, seat=seat, registered_at=SEEDED,
                                           updated_at=SEEDED))  # fmt: skip


async def exported(
    fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock, locale: str = "fr"
) -> tuple[str, dict[str, bytes]]:
    groups = await seed(fake, engine)
    await seed_more(fake, engine, groups)
    clock.set(EXPORTED)
    res = await fake.slash("report export", user=fake.owner, locale=locale, timeout=60)
    assert res.ephemeral
    return res.content or "", dict(res.attachments)


def pictures_of(html: str) -> list[tuple[bytes, dict[str, str]]]:
    page = read(html)
    return [(base64.b64decode(i.attrs["src"].split(",", 1)[1]), i.attrs) for i in page.all("img")]


async def test_the_report_comes_as_html_and_pdf_with_its_pictures(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine, tmp_path: Path
) -> None:
    content, files = await exported(fake, sqlite_engine, clock)
    assert list(files) == [f"{STEM}.md", f"{STEM}.xlsx", f"{STEM}-participation.csv",
                           f"{STEM}-accountability.csv", f"{STEM}.html", f"{STEM}.pdf"]  # fmt: skip
    assert f"Joints (6 fichiers) : `{STEM}.md`, `{STEM}.xlsx`" in content
    assert f"`{STEM}.html`, `{STEM}.pdf`." in content and "côté" not in content
    assert sum(map(len, files.values())) <= fit.UPLOAD
    html = files[f"{STEM}.html"].decode("utf-8")
    keep("cycle-report-export.html", files[f"{STEM}.html"])
    keep("cycle-report-export.pdf", files[f"{STEM}.pdf"])
    page = read(html)
    assert page.all("html")[0].attrs["lang"] == "fr"
    assert page.all("title")[0].text == "Cycle 2020-2021 — rapport"
    chapters = [h.text for h in page.all("h2")]
    assert chapters == ["En chiffres", "La participation en images", "1️⃣ Accompagnement",
                        "2️⃣ Horizon post-crise", "3️⃣ Égalité de genre", "4️⃣ Modèle économique",
                        "Suites données aux recommandations"]  # fmt: skip
    # the same content as the Markdown: every heading of it, in the same order
    markdown = files[f"{STEM}.md"].decode("utf-8")
    headings = re.findall(r"^#{3,4} (.+)$", markdown, re.M)
    assert [h.text for h in page.elements if h.tag in ("h3", "h4")] == headings
    # five pictures, each a PNG of its announced size, its figures as alt and caption
    found = pictures_of(html)
    assert len(found) == 5
    captions = [c.text for c in page.all("figcaption")]
    for (data, attrs), name, caption in zip(found, PICTURES, captions, strict=True):
        image = png(data)
        keep(name, data)
        assert image.size == (int(attrs["width"]), int(attrs["height"])) and image.size[0] == 1000
        assert attrs["alt"] == caption
    sessions, attendance, drafts, proposals, meetings = (attrs["alt"] for _d, attrs in found)
    assert sessions == (
        "Séances tenues par mois et par thématique : 27 séances en tout. janv. 2021 : 7 "
        "(Accompagnement 2, Horizon post-crise 2, Égalité de genre 2, Modèle économique 1). "
        "févr. : 7 (Accompagnement 2, Horizon post-crise 2, Égalité de genre 2, Modèle "
        "économique 1). mars : 11 (Accompagnement 3, Horizon post-crise 3, Égalité de genre 4, "
        "Modèle économique 1). avr. : 2 (Horizon post-crise 1, Égalité de genre 1)."
    )
    assert "124 présences en tout." in attendance
    assert "févr. : 42 présent·es (Accompagnement 12, Horizon post-crise 12," in attendance
    assert drafts.endswith(
        "7 recommandations. Accompagnement : 2 (remise au CA 1, adoptée 1), 3 soutiens. "
        "Horizon post-crise : 2 (ouverte aux avis 1, synthétisée 1), 7 soutiens. Égalité de "
        "genre : 2 (ouverte aux avis 2), 3 soutiens. Modèle économique : 1 (retirée 1), 3 soutiens."
    )
    assert proposals.endswith(
        "5 propositions. Coopérer entre bureaux (retenue pour le vote) : 9. Le revenu des "
        "freelances (proposée) : 6. Habiter ensemble (proposée) : 2. Numérique sobre "
        "(fusionnée) : 1. Fêtes de fin d'année (non retenue) : 0."
    )
    assert (
        "Atelier ouvert (Rendez-vous ouvert, 18 mars 2021) : 6 sur place, 2 en attente, 4 en ligne."
        in meetings
    )
    assert "Webinaire Égalité (Rendez-vous ouvert, 4 févr. 2021) : 0 sur place" in meetings
    assert "Rencontre annulée" not in meetings and meetings.startswith(
        "Rendez-vous et inscriptions : 3 rendez-vous."
    )

    # headless Chromium renders each picture where the page puts it
    shot = tmp_path / "report.png"
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    run_chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,4600", path.as_uri())
    keep("cycle-report-export-screenshot.png", shot.read_bytes())
    image = Image.open(shot).convert("RGB")
    regions = bands(image, CARD, least=40)
    assert len(regions) == 5, regions
    for (top, bottom), (data, _attrs) in zip(regions, found, strict=True):
        assert abs((bottom - top) - png(data).size[1] * 0.96) <= 6, (top, bottom)
        region = image.crop((0, top, 1200, bottom))
        painted = sum(count_near(region, colour) for colour in PALETTE[:4])  # bars, lines
        assert painted > 1_500 and count_near(region, INK, 40) > 1_000, (top, painted)

    # the PDF: each chapter starts a page (the title's page holds the figures); the
    # pictures take three pages (two, two, one: a picture is never cut), each theme two
    # (its minutes run over) but the last, with one group, one; the accountability one
    reader = PdfReader(io.BytesIO(files[f"{STEM}.pdf"]))
    texts = [p.extract_text() for p in reader.pages]
    starts = [next(n for n, text in enumerate(texts) if text.startswith(KEYCAP.sub(r"\1", c)))
              for c in chapters[1:]]  # fmt: skip
    assert texts[0].startswith("Cycle 2020-2021 — rapport\nGénéré le 03/05/2021 11:00\nEn chiffres")
    assert starts == [1, 4, 6, 8, 10, 11]
    assert [len(p.images) for p in reader.pages[1:4]] == [2, 2, 1]
    assert len(reader.pages) == 12


async def test_the_documents_are_in_the_guilds_language_whoever_asks(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    content, files = await exported(fake, sqlite_engine, clock, locale="en-US")
    assert "Attached (6 files): " in content
    assert files[f"{STEM}.md"].decode().startswith("# Cycle 2020-2021 — report")
    html = files[f"{STEM}.html"].decode()
    assert read(html).all("html")[0].attrs["lang"] == "fr"
    assert "La participation en images" in html


async def test_files_over_the_upload_limit_are_left_out_and_named(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(fit, "UPLOAD", 60_000)  # as if the report had grown past 10 MiB
    content, files = await exported(fake, sqlite_engine, clock)
    assert f"{STEM}.md" in files and f"{STEM}.html" not in files
    assert "Laissé" in content and f"`{STEM}.html`" in content.split("côté")[1]
    assert sum(map(len, files.values())) <= 60_000
