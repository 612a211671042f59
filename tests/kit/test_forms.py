"""A form opened before a restart and sent after it: told it expired, given its text back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import GroupSession, SessionMinutes
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot
from tests.sessions.helpers import published_group


async def test_a_form_sent_after_a_restart_gives_the_text_back(
    fake: FakeDiscord, sqlite_engine: AsyncEngine, clock: MovableClock
) -> None:
    async with running_bot(fake, sqlite_engine, clock):
        group = await published_group(fake, sqlite_engine, clock)
        await fake.slash(
            "session schedule",
            user=group.facilitator,
            channel=group.channel,
            options={"start": "20/01/2027 18h00"},
        )
        async with session_factory(sqlite_engine)() as db:
            (session,) = (await db.execute(select(GroupSession))).scalars().all()
        clock.set(datetime(2027, 1, 20, 21, 0, tzinfo=UTC))
        opened = await fake.slash(
            "session minutes",
            user=group.secretary,
            channel=group.channel,
            options={"session": f"#{session.id}"},
        )
        assert opened.modal is not None
    summary = "Deux heures de discussion sur l'accompagnement.\n" * 40
    async with running_bot(fake, sqlite_engine, clock):
        res = await fake.submit_modal(
            f"sip:minutes:{session.id}:{group.secretary.id}", {"summary": summary, "attendees": "6"},
            user=group.secretary, channel=group.channel, locale="fr",
        )  # fmt: skip
    assert res.ephemeral
    assert (res.content or "").startswith("Ce formulaire a été ouvert avant un redémarrage du bot")
    ((name, data),) = res.attachments
    assert name == "sipbot-form.txt"
    assert summary.strip() in data.decode("utf-8") and "6" in data.decode("utf-8")
    async with session_factory(sqlite_engine)() as db:
        assert (
            await db.execute(select(SessionMinutes))
        ).scalars().all() == []  # nothing saved half-way
