"""A cycle in its "proposing the next step" phase, with members to propose and endorse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import Proposal, ProposalEndorsement
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Member, Role

CREATED = datetime(2020, 10, 15, 10, 0, tzinfo=UTC)
PROPOSING = datetime(2021, 3, 10, 10, 0, tzinfo=UTC)  # inside 1 March - 30 May 2021
THEMES = [
    ("Accompagnement", "Comment la coopérative accompagne ses membres dans leurs activités."),
    ("Égalité de genre", "Lutter contre les inégalités de genre dans nos métiers."),
]


@dataclass
class Cooperative:
    annonces: Channel
    societaires: Role
    members: list[Member]


async def proposing_cycle(fake: FakeDiscord, clock: MovableClock, size: int = 6) -> Cooperative:
    """The 2020-2021 cycle with two themes, the clock in its next-step phase."""
    clock.set(CREATED)
    annonces = fake.add_text_channel("annonces")
    societaires = fake.add_role("Sociétaires")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    await fake.slash("setup roles", user=fake.owner, options={"member": societaires})
    res = await fake.slash("cycle create", user=fake.owner, options={"name": "2020-2021"})
    assert res.content and "2020-2021" in res.content, res.content
    for title, description in THEMES:
        res = await fake.slash(
            "theme add", user=fake.owner, options={"title": title, "description": description}
        )
        assert (res.content or "").startswith("Thématique"), res.content
    clock.set(PROPOSING)
    people = [fake.add_member(f"sociétaire-{i}", roles=[societaires]) for i in range(size)]
    return Cooperative(annonces, societaires, people)


async def propose(fake: FakeDiscord, author: Member, title: str, text: str) -> Channel:
    """`/proposal new`, then the form; returns the forum post (thread)."""
    before = {c.id for c in fake.world.channels.values() if c.is_thread}
    opened = await fake.slash("proposal new", user=author, locale="fr")
    assert opened.modal is not None, opened.content
    done = await fake.submit_modal(
        f"sip:proposal:new:{author.id}", {"title": title, "text": text}, user=author, locale="fr"
    )
    assert (done.content or "").startswith(f"Votre proposition **{title}** est publiée"), (
        done.content
    )
    (thread,) = [c for c in fake.world.channels.values() if c.is_thread and c.id not in before]
    return thread


async def proposals(engine: AsyncEngine) -> list[Proposal]:
    async with session_factory(engine)() as db:
        return list((await db.execute(select(Proposal).order_by(Proposal.id))).scalars())


async def endorsers(engine: AsyncEngine, proposal_id: int) -> set[int]:
    async with session_factory(engine)() as db:
        result = await db.execute(
            select(ProposalEndorsement.member_id).where(
                ProposalEndorsement.proposal_id == proposal_id
            )
        )
        return set(result.scalars())


async def decide(
    fake: FakeDiscord, proposal_id: int, state: str, note: str = "", into: int | None = None,
    locale: str = "en-US", user: Member | None = None,
) -> str:  # fmt: skip
    options: dict[str, object] = {"proposal": f"#{proposal_id}", "state": f"proposal.{state}"}
    if note:
        options["note"] = note
    if into is not None:
        options["into"] = f"#{into}"
    res = await fake.slash("proposal status", user=user or fake.owner, options=options,
                           locale=locale)  # fmt: skip
    assert res.ephemeral
    return res.text
