"""The report's wording, read back by a CommonMark reader: counts in the reader's
grammar (no "(s)", "Aucune séance" for a feminine noun), states in words, minutes with
their line breaks, and theme headings numbered once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from markdown_it import MarkdownIt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import cycles, themes
from storage import drafts as draft_store
from storage import experiments as experiment_store
from storage import synthesis as syntheses
from storage.database import session_factory
from storage.drafts import EndorsementChange
from storage.models import Draft, Experiment, ExperimentCheckin, GroupSession, SessionMinutes
from tests.clock import MovableClock
from tests.drafts.helpers import add_group
from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import NOW, Group, published_group

READER = MarkdownIt("commonmark").enable("table")
SUMMARY = "Ordre du jour :\nBudget 2027\nCalendrier des visites\n\n- un point ;\n- un autre."
GOAL = "Réduire les frais.\nSans perdre de membres."


async def seed(fake: FakeDiscord, bot: SipBot, clock: MovableClock, engine: AsyncEngine) -> Group:
    """Three themes: "Accompagnement" with one session held (its minutes typed in the form,
    line breaks and all) and two experiments; "Horizon" with two sessions held and one
    draft endorsed once; "Égalité" with none held (one cancelled, one to come)."""
    first = await published_group(fake, engine, clock)
    for title in ("Horizon", "Égalité"):
        res = await fake.slash("theme add", user=fake.owner,
                               options={"title": title, "description": f"La thématique {title}."})  # fmt: skip
        assert res.content and res.content.startswith("Thématique"), res.content
    await hold_session_with_typed_minutes(fake, clock, engine, first)
    async with session_factory(engine)() as db:
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None
        _first, horizon, egalite = await themes.themes_of(db, cycle.id)
    second = await add_group(fake, engine, horizon, "Sud – Lyon", region="Sud", at=NOW)
    third = await add_group(fake, engine, egalite, "100% visio", region=None, at=NOW)
    async with session_factory(engine)() as db, db.begin():
        start = datetime(2027, 1, 12, 17, 0, tzinfo=UTC)
        for group, statuses in ((second, ["done", "done"]), (third, ["cancelled", "scheduled"])):
            for number, status in enumerate(statuses, start=1):
                at = start + timedelta(days=7 * number if status != "scheduled" else 400)
                row = GroupSession(guild_id=fake.guild.id, group_id=group.id, number=number,
                                   status=status, starts_at=at, created_at=NOW, updated_at=NOW)  # fmt: skip
                db.add(row)
                await db.flush()
                if status == "done":
                    db.add(SessionMinutes(session_id=row.id, summary="Une ligne.", decisions="",
                                          attendees=1, author_id=group.secretary.id, created_at=at))  # fmt: skip
        draft = await draft_store.create(
            db,
            Draft(guild_id=fake.guild.id, cycle_id=cycle.id, theme_id=horizon.id, group_id=second.id,
                  title="Proposition de Lyon", status="open", created_at=NOW, updated_at=NOW),
            "Première ligne\nDeuxième ligne", second.members[2].id,
        )  # fmt: skip
        await draft_store.apply_endorsements(
            db, [EndorsementChange(draft.id, second.members[3].id, True)], NOW
        )
        await syntheses.ensure(db, fake.guild.id, cycle.id, horizon.id, fake.owner.id, NOW)
        for title, status, checkins in (("Mutualiser", "running", 1), ("Covoiturer", "ended", 0)):
            made = await experiment_store.add(db, Experiment(
                guild_id=fake.guild.id, cycle_id=cycle.id, group_id=first.id, title=title, goal=GOAL,
                starts_at=NOW, ends_at=NOW + timedelta(days=60), status=status, created_at=NOW,
                updated_at=NOW))  # fmt: skip
            for _ in range(checkins):
                await experiment_store.add_checkin(db, ExperimentCheckin(
                    experiment_id=made.id, text="Ça avance.", created_at=NOW))  # fmt: skip
    return first


async def hold_session_with_typed_minutes(
    fake: FakeDiscord, clock: MovableClock, engine: AsyncEngine, group: Group
) -> None:
    await fake.slash("session schedule", user=group.facilitator, channel=group.channel,
                     options={"start": "20/01/2027 18h00"})  # fmt: skip
    async with session_factory(engine)() as db:
        (session,) = (await db.execute(select(GroupSession))).scalars().all()
    clock.set(datetime(2027, 1, 20, 21, 0, tzinfo=UTC))
    opened = await fake.slash("session minutes", user=group.secretary, channel=group.channel,
                              options={"session": f"#{session.id}"})  # fmt: skip
    assert opened.modal is not None
    done = await fake.submit_modal(
        f"sip:minutes:{session.id}:{group.secretary.id}",
        {"summary": SUMMARY, "decisions": "Écrire.\nRelire.", "attendees": "1"},
        user=group.secretary, channel=group.channel,
    )  # fmt: skip
    assert done.content and done.content.startswith("Compte rendu de la séance 1 publié")


def sections(text: str) -> dict[str, str]:
    """Level-2 sections by heading, as a CommonMark reader sees them."""
    tokens = READER.parse(text)
    found = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h2"]
    titles = [tokens[i + 1].content for i in found]
    bodies = re.split(r"^## .*$", text, flags=re.M)[1:]
    return dict(zip(titles, bodies, strict=True))


async def export(fake: FakeDiscord, locale: str) -> tuple[str, str]:
    res = await fake.slash("report export", user=fake.owner, locale=locale)
    (markdown,) = [body for name, body in res.attachments if name.endswith(".md")]
    return res.content or "", markdown.decode("utf-8")


async def test_a_french_report_counts_in_french_and_names_states_in_french(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await seed(fake, bot, clock, sqlite_engine)
    clock.set(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    reply, text = await export(fake, "fr")
    assert reply.startswith("Rapport prêt : 3 thématiques, 3 groupes, 1 recommandation.")
    assert "(s)" not in text and "Aucun." not in text
    by_heading = sections(text)
    assert list(by_heading) == [
        "En chiffres", "1️⃣ Accompagnement", "2️⃣ Horizon", "3️⃣ Égalité",
        "Suites données aux recommandations", "Expérimentations",
    ]  # fmt: skip
    accompagnement = by_heading["1️⃣ Accompagnement"]
    assert "· 1 groupe · 1 séance tenue · aucune recommandation\n" in accompagnement
    assert "\nAucune recommandation.\n" in accompagnement
    assert "— séance 1 — 20/01/2027 18:00 — 1 présent·e\n" in accompagnement
    assert "\nPas encore construite.\n" in accompagnement
    horizon = by_heading["2️⃣ Horizon"]
    assert "· 1 groupe · 2 séances tenues · 1 recommandation\n" in horizon
    assert "Statut : ouverte aux avis · version 1 · 1 soutien · dernière modification" in horizon
    assert "elle ne rassemble encore aucune recommandation." in horizon
    assert by_heading["Suites données aux recommandations"].strip() == (
        "Aucune recommandation n'a encore été remise au conseil d'administration."
    )
    egalite = by_heading["3️⃣ Égalité"]
    assert "· 1 groupe · aucune séance tenue · aucune recommandation\n" in egalite
    assert "\nAucune séance tenue.\n" in egalite and "Aucune recommandation." in egalite
    tried = by_heading["Expérimentations"]
    assert " · en cours · 1 point d'étape\n" in tried
    assert " · en attente d'évaluation · aucun point d'étape\n" in tried
    assert not re.search(r"\b(running|ended|in_person|online|open)\b", text)


async def test_typed_line_breaks_survive_a_markdown_reader(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await seed(fake, bot, clock, sqlite_engine)
    _reply, text = await export(fake, "fr")
    html = READER.render(text)
    assert (
        "<blockquote>\n<p>Ordre du jour :<br />\nBudget 2027<br />\nCalendrier des visites</p>\n"
        "<ul>\n<li>un point ;</li>\n<li>un autre.</li>\n</ul>\n</blockquote>"
    ) in html
    assert "<p>Écrire.<br />\nRelire.</p>" in html
    assert "<p>Première ligne<br />\nDeuxième ligne</p>" in html
    assert html.count("<p>Réduire les frais.<br />\nSans perdre de membres.</p>") == 2


async def test_each_theme_heading_carries_one_number(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await seed(fake, bot, clock, sqlite_engine)
    _reply, text = await export(fake, "fr")
    headings = [t.content for t in READER.parse(text) if t.type == "inline" and t.map and
                text.splitlines()[t.map[0]].startswith("#")]  # fmt: skip
    assert not [h for h in headings if re.match(r"\d+[.)]", h)]
    numbered = [h for h in headings if re.match(r"\d\ufe0f\u20e3 ", h)]
    assert numbered == ["1️⃣ Accompagnement", "2️⃣ Horizon", "3️⃣ Égalité"]
    for n in (1, 2, 3):
        assert sum(h.count(str(n)) for h in numbered) == 1


async def test_english_and_dutch_reports_count_in_their_own_grammar(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    await seed(fake, bot, clock, sqlite_engine)
    reply, text = await export(fake, "en-US")
    assert reply.startswith("Report ready: 3 themes, 3 groups, 1 recommendation.")
    assert "· 1 group · 1 session held · no recommendations\n" in text
    assert "· 1 group · 2 sessions held · 1 recommendation\n" in text
    assert "\nNo sessions held.\n" in text and " · running · 1 check-in\n" in text
    assert " · awaiting evaluation · no check-ins\n" in text and "(s)" not in text
    reply, text = await export(fake, "nl")
    assert reply.startswith("Verslag klaar: 3 thema's, 3 groepen, 1 aanbeveling.")
    assert "· 1 groep · 2 gehouden sessies · 1 aanbeveling\n" in text
    assert "\nGeen gehouden sessies.\n" in text and " · lopend · 1 tussentijdse stand\n" in text
    assert "(en)" not in text and "('s)" not in text
