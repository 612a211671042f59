"""The follow-up through the fake with the real client: a board member's updates are posted
in the recommendation's forum post, listed by /followup list for every member, and in the
report's accountability table (Markdown, and the workbook's sheet read with openpyxl);
bad input is refused, ephemeral, with nothing stored or posted."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.drafts.answering import Submitted, answer, stored_updates, submitted_draft
from tests.fakediscord import FakeDiscord
from tests.fakediscord.results import InteractionResult
from tests.fakediscord.state import Member

ANSWER = "Le CA adopte la recommandation, avec un budget pilote.\n\nÀ revoir en juin."
FIRST, SECOND = "Budget voté au CA d'avril.", "Deux pair·es formé·es à Rennes, | trois à Lyon."


def wall(year: int, month: int, day: int, hour: int) -> datetime:
    """A spreadsheet's date cell: the wall time in the server's zone, without a zone."""
    return datetime(year, month, day, hour, tzinfo=UTC).replace(tzinfo=None)


async def update(
    fake: FakeDiscord, s: Submitted, user: Member, state: str, note: str, *, raw: bool = False,
    draft: str | None = None,
) -> InteractionResult:  # fmt: skip
    return await fake.slash(
        "followup update", user=user, locale="en-US", raw=raw,
        options={"draft": draft or f"#{s.draft_id}", "state": f"followup.{state}", "note": note},
    )  # fmt: skip


async def test_updates_are_posted_listed_and_in_the_reports_table(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    s = await submitted_draft(fake, sqlite_engine, clock)
    await answer(fake, s.draft_id, s.member, "adopted", ANSWER)
    clock.advance(days=10)
    done = await update(fake, s, s.member, "planned", FIRST)
    assert done.ephemeral and done.content == (
        f"Follow-up recorded: **Un pair pour chacun** — planned. Posted in <#{s.thread.id}>."
    )
    planned_at = int(clock.now().timestamp())
    clock.advance(days=30)
    await update(fake, s, fake.owner, "in_progress", SECOND)
    updates = await stored_updates(sqlite_engine, s.draft_id)
    assert [(u.state, u.note, u.author_id) for u in updates] == [
        ("planned", FIRST, s.member.id), ("in_progress", SECOND, fake.owner.id)
    ]  # fmt: skip
    posted = [m.content for m in fake.messages_in(s.thread.id) if m.content.startswith("📌")]
    assert posted == [
        f"📌 **Suivi : prévue** — <@{s.member.id}>, <t:{planned_at}:F> (<t:{planned_at}:R>)\n{FIRST}",
        f"📌 **Suivi : en cours** — <@{fake.owner.id}>, <t:{int(clock.now().timestamp())}:F> "
        f"(<t:{int(clock.now().timestamp())}:R>)\n{SECOND}",
    ]
    listed = await fake.slash("followup list", user=s.group.members[4], locale="en-US")
    assert listed.ephemeral
    (embed,) = listed.embeds
    assert embed["title"] == "Follow-up — cycle 2026-2027: 1 adopted recommendation"
    assert embed["description"] == (
        "**1️⃣ Accompagnement**\n"
        f"• **Un pair pour chacun** — Ouest – Rennes — <#{s.thread.id}>\n"
        "  adopted · **in progress**\n"
        f"  <t:{int(clock.now().timestamp())}:D>: {SECOND} (2 updates)"
    )
    clock.set(datetime(2027, 6, 1, 9, 0, tzinfo=UTC))
    res = await fake.slash("report export", user=fake.owner, locale="fr")
    files = dict(res.attachments)
    text = files["sipbot-2026-2027.md"].decode()
    table = text.split("## Suites données aux recommandations\n\n")[1]
    assert table.startswith(
        "| Recommandation | Groupe | Décision | Réponse (extrait) | État | Dernière mise à jour |\n"
        "|---|---|---|---|---|---|\n"
        "| Un pair pour chacun | Ouest – Rennes | adoptée | Le CA adopte la recommandation, avec "
        "un budget pilote. À revoir en juin. | en cours | 19/02/2027 11:00 — Deux pair·es "
        "formé·es à Rennes, \\| trois à Lyon. |\n"
    )
    assert "#### Un pair pour chacun — Ouest – Rennes\n\n**20/01/2027 11:00 — prévue — camille**" in table  # fmt: skip
    assert f"> {FIRST}" in table and "> Deux pair·es formé·es à Rennes, | trois à Lyon." in table
    answered = text.split("#### Un pair pour chacun — Ouest – Rennes")[1]  # the draft's section
    assert "**Réponse du CA : adoptée — 10/01/2027 11:00, camille**\n\n> Le CA adopte la recommandation, avec un budget pilote.\n>\n> À revoir en juin." in answered  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(files["sipbot-2026-2027.xlsx"]))
    assert book.sheetnames == ["Participation", "Suivi"]
    sheet = book["Suivi"]
    assert [c.value for c in sheet[1]] == [
        "Thématique", "Groupe", "Recommandation", "Statut", "Décision du CA",
        "Réponse le (Europe/Paris)", "Réponse du CA", "État du suivi", "Mises à jour",
        "Dernière mise à jour le (Europe/Paris)", "Dernière note",
    ]  # fmt: skip
    (row,) = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert row == [
        "Accompagnement", "Ouest – Rennes", "Un pair pour chacun", "adoptée", "adoptée",
        wall(2027, 1, 10, 11), ANSWER, "en cours", 2, wall(2027, 2, 19, 11), SECOND,
    ]  # fmt: skip
    rows = list(csv.reader(io.StringIO(files["sipbot-2026-2027-accountability.csv"].decode("utf-8-sig")), delimiter=";"))  # fmt: skip
    assert rows[1][6] == ANSWER and rows[1][8] == "2"


async def test_bad_input_is_refused_ephemeral_and_changes_nothing(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    s = await submitted_draft(fake, sqlite_engine, clock)
    early = await update(fake, s, s.member, "planned", FIRST)
    assert early.ephemeral and early.content == (
        "Only adopted recommendations are followed up; this one is “submitted to board”. "
        "Nothing was saved."
    )
    await answer(fake, s.draft_id, s.member, "adopted", ANSWER)
    before = len(fake.messages_in(s.thread.id))
    refusals = {
        "member": await update(fake, s, s.group.facilitator, "planned", FIRST),
        "long": await update(fake, s, s.member, "planned", "é" * 1001, raw=True),
        "empty": await update(fake, s, s.member, "planned", " \u200b ", raw=True),
        "state": await fake.slash(
            "followup update", user=s.member, locale="en-US", raw=True,
            options={"draft": f"#{s.draft_id}", "state": "someday", "note": FIRST},
        ),
        "unknown": await update(fake, s, s.member, "planned", FIRST, draft="#999"),
        "cycle": await fake.slash(
            "followup list", user=s.member, locale="en-US", options={"cycle": "1999"}
        ),
    }  # fmt: skip
    assert {k: (r.ephemeral, r.content) for k, r in refusals.items()} == {
        "member": (True, f"This command is for the board: you need the <@&{s.board.id}> role, "
                         "or to be an organiser."),
        "long": (True, "The note is 1001 characters long: at most 1000. Nothing was saved."),
        "empty": (True, "The note is empty: say in a few words what happened. Nothing was saved."),
        "state": (True, "“someday” is not a follow-up state. Pick one from the list."),
        "unknown": (True, "There is no adopted recommendation “999”. Pick one from the list."),
        "cycle": (True, "There is no cycle “1999”. Pick one from the list."),
    }  # fmt: skip
    assert await stored_updates(sqlite_engine, s.draft_id) == []
    assert len(fake.messages_in(s.thread.id)) == before
    empty = await fake.slash("followup list", user=s.group.members[2], locale="en-US")
    assert "no follow-up yet" in empty.text


async def test_an_update_whose_post_was_deleted_is_kept_and_named_by_setup_check(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    s = await submitted_draft(fake, sqlite_engine, clock)
    await answer(fake, s.draft_id, s.member, "adopted", ANSWER)
    fake.remove_channel(s.thread)
    await fake.wait_for(lambda: bot.get_channel(s.thread.id) is None, what="the bot to see it")
    res = await update(fake, s, s.member, "done", "Réalisée : dix binômes.")
    assert res.content == (
        "Follow-up recorded: **Un pair pour chacun** — done.\n"
        "Discord refused the post (it may have been deleted): the follow-up stays recorded, in "
        "/followup list and the report. An organiser can run /setup check."
    )
    assert [u.state for u in await stored_updates(sqlite_engine, s.draft_id)] == ["done"]
    listed = await fake.slash("followup list", user=s.group.members[1], locale="en-US")
    assert "**done**" in listed.text and "Réalisée : dix binômes." in listed.text
    check = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert "Follow-up of an adopted recommendation, in its post, due <t:" in check.text
    assert "the recommendation's forum post was deleted by hand" in check.text
