"""Shared steps for the board's answers and the follow-up: a draft moved along to the
board, a board role with a member who lacks Manage Server, an answer typed in the form."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import DraftAnswer, FollowupUpdate
from tests.clock import MovableClock
from tests.drafts.helpers import drafts, write_draft
from tests.fakediscord import FakeDiscord
from tests.fakediscord.results import InteractionResult
from tests.fakediscord.state import Channel, Member, Role
from tests.sessions.helpers import Group, published_group

TEXT = "Chaque membre devrait pouvoir être accompagné par un·e pair·e."


@dataclass
class Submitted:
    group: Group
    thread: Channel
    draft_id: int
    board: Role
    member: Member  # on the board, without Manage Server


async def move(fake: FakeDiscord, group: Group, draft_id: int, status: str) -> None:
    res = await fake.slash(
        "draft status", user=group.facilitator, channel=group.channel,
        options={"draft": f"#{draft_id}", "status": f"status.{status}"}, locale="en-US",
    )  # fmt: skip
    assert res.ephemeral and " is now “" in (res.content or ""), res.content


async def submitted_draft(
    fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock, title: str = "Un pair pour chacun"
) -> Submitted:
    """A group's draft, open, synthesised, then submitted; a board role set, one member on it."""
    group = await published_group(fake, engine, clock)
    thread = await write_draft(fake, group, group.members[3], title, TEXT)
    (draft,) = [d for d in await drafts(engine) if d.title == title]
    for status in ("open", "synthesised", "submitted"):
        await move(fake, group, draft.id, status)
    board = fake.add_role("Conseil d'administration")
    member = fake.add_member("camille", roles=[board])
    res = await fake.slash("setup roles", user=fake.owner, options={"board": board})
    assert f"<@&{board.id}>" in (res.content or ""), res.content
    return Submitted(group, thread, draft.id, board, member)


async def answer(
    fake: FakeDiscord,
    draft_id: int,
    user: Member,
    decision: str,
    text: str,
    more: str = "",
    *,
    locale: str = "en-US",
    channel: Channel | None = None,
) -> InteractionResult:
    """`/draft answer`, then the form; the form's reply (or the refusal before it)."""
    opened = await fake.slash(
        "draft answer", user=user, channel=channel,
        options={"draft": f"#{draft_id}", "decision": f"decision.{decision}"}, locale=locale,
    )  # fmt: skip
    if opened.modal is None:
        return opened
    return await fake.submit_modal(
        f"sip:draft:answer:{draft_id}:{user.id}", {"answer": text, "more": more}, user=user,
        channel=channel, locale=locale,
    )  # fmt: skip


async def stored_answers(engine: AsyncEngine, draft_id: int) -> list[DraftAnswer]:
    async with session_factory(engine)() as db:
        result = await db.execute(
            select(DraftAnswer).where(DraftAnswer.draft_id == draft_id).order_by(DraftAnswer.id)
        )
        return list(result.scalars())


async def stored_updates(engine: AsyncEngine, draft_id: int) -> list[FollowupUpdate]:
    async with session_factory(engine)() as db:
        result = await db.execute(
            select(FollowupUpdate)
            .where(FollowupUpdate.draft_id == draft_id)
            .order_by(FollowupUpdate.id)
        )
        return list(result.scalars())


def posted_after(fake: FakeDiscord, channel: Channel, marker: str) -> str:
    """The text of the thread's messages from the first one starting with `marker` on."""
    messages = fake.messages_in(channel.id)
    start = next(i for i, m in enumerate(messages) if m.content.startswith(marker))
    return "".join(m.content for m in messages[start:])
