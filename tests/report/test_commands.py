"""`/report export`: a seeded 2020-21 cycle as a Markdown file and a participation CSV."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.app import SipBot
from storage import cycles, themes
from storage import drafts as draft_store
from storage import synthesis as syntheses
from storage.database import session_factory
from storage.drafts import EndorsementChange
from storage.models import Draft, GroupSession, SessionMinutes, Theme
from tests.clock import MovableClock
from tests.drafts.helpers import add_group
from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import Group

SEEDED = datetime(2020, 11, 2, 10, 0, tzinfo=UTC)
THEMES: dict[str, list[tuple[str, str | None]]] = {
    "Accompagnement": [("Ouest – Rennes", "Ouest"), ("Sud – Lyon", "Sud")],
    "Horizon post-crise": [("Bruxelles", "Bruxelles"), ("100% visio 1", None)],
    "Égalité de genre": [("Île-de-France – Paris", "Île-de-France"), ("Nord – Lille", "Nord")],
    "Modèle économique": [("100% visio 2", None)],
}


async def seed(fake: FakeDiscord, engine: AsyncEngine) -> dict[str, Group]:
    """The cycle, four themes, seven groups; per group two sessions held with minutes,
    one cancelled and one to come; one draft per group, endorsed; one synthesis."""
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.create_cycle(db, fake.guild.id, "2020-2021", 2020, [], SEEDED, None)
        made = [
            await themes.add(db, Theme(guild_id=fake.guild.id, cycle_id=cycle.id, title=title,
                                       description=f"La thématique {title}.", emoji=f"{n + 1}️⃣",
                                       created_at=SEEDED, updated_at=SEEDED))
            for n, title in enumerate(THEMES)
        ]  # fmt: skip
    groups: dict[str, Group] = {}
    for theme in made:
        for name, region in THEMES[theme.title]:
            groups[name] = await add_group(
                fake, engine, theme, name, size=5, region=region, at=SEEDED
            )
    async with session_factory(engine)() as db, db.begin():
        for n, (name, group) in enumerate(groups.items()):
            await seed_group(db, group, name, n, made)
        accompagnement = made[0]
        synthesis = await syntheses.ensure(
            db, fake.guild.id, cycle.id, accompagnement.id, fake.owner.id, SEEDED
        )
        await syntheses.set_drafts(db, synthesis.id, [(1, 1), (2, 2)])
    return groups


async def seed_group(db: AsyncSession, group: Group, name: str, n: int, made: list[Theme]) -> None:
    theme = next(t for t in made if name in [g for g, _r in THEMES[t.title]])
    start = datetime(2021, 1, 12, 17, 0, tzinfo=UTC) + timedelta(days=n)
    for number, (status, offset) in enumerate(
        [("done", 0), ("scheduled", 21), ("cancelled", 42), ("scheduled", 400)], start=1
    ):
        row = GroupSession(guild_id=theme.guild_id, group_id=group.id, number=number, status=status,
                           starts_at=start + timedelta(days=offset), created_at=SEEDED, updated_at=SEEDED)  # fmt: skip
        db.add(row)
        await db.flush()
        if number <= 2:
            db.add(SessionMinutes(session_id=row.id, summary=f"Séance {number} de {name}.",
                                  decisions="- Continuer." if number == 2 else "", attendees=4 + number,
                                  author_id=group.secretary.id, created_at=row.starts_at))  # fmt: skip
    draft = await draft_store.create(
        db,
        Draft(guild_id=theme.guild_id, cycle_id=theme.cycle_id, theme_id=theme.id, group_id=group.id,
              title=f"Proposition de {name}", status="withdrawn" if n == 6 else "open",
              created_at=SEEDED, updated_at=SEEDED),
        f"Nous proposons, pour {name} :\n\n- une chose ;\n- une autre.", group.members[2].id,
    )  # fmt: skip
    if n == 1:
        await draft_store.add_version(
            db, draft.id, 1, "Texte revu | avec une barre.", group.members[3].id, SEEDED
        )
    changes = [EndorsementChange(draft.id, m.id, True) for m in group.members[: n % 4 + 1]]
    await draft_store.apply_endorsements(db, changes, SEEDED)


async def test_the_cycle_report_reads_without_discord(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    groups = await seed(fake, sqlite_engine)
    clock.set(datetime(2021, 5, 3, 9, 0, tzinfo=UTC))
    res = await fake.slash("report export", user=fake.owner, locale="fr")
    assert res.ephemeral
    assert (res.content or "").startswith(
        "Rapport prêt : 4 thématiques, 7 groupes, 7 recommandations."
    )
    files = dict(res.attachments)
    assert set(files) == {"sipbot-2020-2021.md", "sipbot-2020-2021.xlsx",
                          "sipbot-2020-2021-participation.csv",
                          "sipbot-2020-2021-accountability.csv",
                          "sipbot-2020-2021.html", "sipbot-2020-2021.pdf"}  # fmt: skip
    text = files["sipbot-2020-2021.md"].decode("utf-8")
    assert text.startswith("# Cycle 2020-2021 — rapport\n\n_Généré le 03/05/2021 11:00_")
    total_endorsements = sum(n % 4 + 1 for n in range(7))
    assert f"| 4 | 7 | 35 | 14 | 7 | {total_endorsements} | 1 | 0 |" in text
    assert re.findall(r"^## \d\ufe0f\u20e3 .+$", text, re.M) == [
        "## 1️⃣ Accompagnement", "## 2️⃣ Horizon post-crise",
        "## 3️⃣ Égalité de genre", "## 4️⃣ Modèle économique",
    ]  # fmt: skip
    assert text.count("### Groupes de travail") == 4 and text.count("### Synthèse") == 4
    sessions = re.findall(r"^#### .+ — séance (\d) — .+ — (\d) présent·es$", text, re.M)
    assert sorted(sessions) == [("1", "5")] * 7 + [("2", "6")] * 7  # cancelled and future: not held
    assert text.count("**Décisions et suites**") == 7
    lyon = groups["Sud – Lyon"]
    assert (
        f"| Sud – Lyon | Sud | présentiel | {lyon.facilitator.name} | {lyon.secretary.name} |"
        in text
    )
    assert "| 100% visio 1 | en ligne | à distance |" in text
    assert "#### Proposition de Sud – Lyon — Sud – Lyon" in text
    assert "Statut : ouverte aux avis · version 2 · 2 soutiens" in text
    assert "> Texte revu | avec une barre." in text
    assert "Statut : retirée · version 1" in text
    assert "> Nous proposons, pour Ouest – Rennes :\n>\n> - une chose ;" in text
    assert "rassemble 2 recommandations :\n\n- Proposition de Ouest – Rennes (v1)" in text
    assert "Expérimentations" not in text.split("## En chiffres")[1].split("\n## 1️⃣")[1]
    one = await fake.slash(
        "report export", user=fake.owner, locale="en-US", options={"theme": "Modèle économique"}
    )
    only = dict(one.attachments)
    (name,) = [n for n in only if n.endswith(".md")]
    assert only[name].decode().startswith("# Cycle 2020-2021 — report on “Modèle économique”")
    refused = await fake.slash("report export", user=lyon.facilitator, locale="en-US")
    assert refused.ephemeral and "organiser" in (refused.content or "").lower()


async def test_a_closed_cycle_is_exported_when_named_and_an_unknown_one_is_refused(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    await fake.slash("cycle create", user=fake.owner, options={"name": "2026-2027"})
    async with session_factory(sqlite_engine)() as db, db.begin():
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None and cycle.id is not None
        await cycles.close_cycle(db, cycle.id, clock.now())
    offered = await fake.autocomplete(
        "report export", focused="cycle", value="2026", user=fake.owner
    )
    assert [c["name"] for c in offered] == ["2026-2027"]
    unnamed = await fake.slash("report export", user=fake.owner, locale="en-US")
    assert unnamed.content == "There is no open cycle. An organiser creates one with /cycle create."
    unknown = await fake.slash("report export", user=fake.owner, locale="en-US",
                               options={"cycle": "1999-2000"})  # fmt: skip
    assert unknown.ephemeral and "1999-2000" in (unknown.content or "")
    exported = await fake.slash("report export", user=fake.owner, locale="en-US",
                                options={"cycle": offered[0]["value"]}, timeout=20)  # fmt: skip
    names = [name for name, _data in exported.attachments]
    assert "sipbot-2026-2027.md" in names, exported.content
