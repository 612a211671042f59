"""Shared steps for the draft, synthesis and report tests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.database import session_factory
from storage.models import Draft, DraftVersion, GroupMember, Theme, WorkGroup
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Member, Message
from tests.sessions.helpers import NOW, Group


async def theme_of(engine: AsyncEngine, title: str = "Accompagnement") -> Theme:
    async with session_factory(engine)() as db:
        found = (await db.execute(select(Theme).where(Theme.title == title))).scalars().one()
    return found


async def add_group(
    fake: FakeDiscord,
    engine: AsyncEngine,
    theme: Theme,
    name: str,
    size: int = 4,
    region: str | None = "Ouest",
    at: datetime = NOW,
) -> Group:
    """Another published group of `theme`, inserted directly."""
    channel = fake.add_text_channel(name.lower().replace(" ", "-"))
    role = fake.add_role(name)
    people = [fake.add_member(f"{name[:6]}-{i}", roles=[role]) for i in range(size)]
    async with session_factory(engine)() as db, db.begin():
        group = WorkGroup(
            guild_id=fake.guild.id, cycle_id=theme.cycle_id, theme_id=theme.id, name=name,
            mode="in_person" if region else "online", office=None, region=region, status="published",
            facilitator_id=people[0].id, secretary_id=people[1].id, channel_id=channel.id,
            role_id=role.id, created_at=at, updated_at=at,
        )  # fmt: skip
        db.add(group)
        await db.flush()
        for person in people:
            db.add(GroupMember(group_id=group.id, member_id=person.id, added_at=at))
    return Group(group.id, channel, role, people[0], people[1], people)


async def write_draft(
    fake: FakeDiscord, group: Group, author: Member, title: str, text: str, more: str = ""
) -> Channel:
    """`/draft new` then the form; returns the forum post (thread)."""
    before = {c.id for c in fake.world.channels.values() if c.is_thread}
    opened = await fake.slash(
        "draft new", user=author, channel=group.channel, options={"title": title}, locale="fr"
    )
    assert opened.modal is not None, opened.content
    done = await fake.submit_modal(
        f"sip:draft:new:{author.id}", {"text": text, "more": more}, user=author,
        channel=group.channel, locale="fr",
    )  # fmt: skip
    assert (done.content or "").startswith(f"Proposition **{title}** publiée"), done.content
    (thread,) = [c for c in fake.world.channels.values() if c.is_thread and c.id not in before]
    return thread


async def revise(
    fake: FakeDiscord, draft_id: int, author: Member, text: str, channel: Channel, more: str = ""
) -> str:
    opened = await fake.slash(
        "draft revise", user=author, channel=channel, options={"draft": f"#{draft_id}"}, locale="fr"
    )
    assert opened.modal is not None, opened.content
    done = await fake.submit_modal(
        f"sip:draft:revise:{draft_id}:{author.id}", {"text": text, "more": more}, user=author,
        channel=channel, locale="en-US",
    )  # fmt: skip
    return done.content or ""


async def drafts(engine: AsyncEngine) -> list[Draft]:
    async with session_factory(engine)() as db:
        return list((await db.execute(select(Draft).order_by(Draft.id))).scalars())


async def versions(engine: AsyncEngine, draft_id: int) -> list[DraftVersion]:
    async with session_factory(engine)() as db:
        result = await db.execute(
            select(DraftVersion)
            .where(DraftVersion.draft_id == draft_id)
            .order_by(DraftVersion.number)
        )
        return list(result.scalars())


def tag_names(fake: FakeDiscord, thread: Channel) -> list[str]:
    forum = fake.channel(thread.parent_id or 0)
    assert forum is not None
    names = {int(t["id"]): t["name"] for t in forum.available_tags}
    current = fake.channel(thread.id) or thread
    return [names[t] for t in current.applied_tags]


def thread_text(fake: FakeDiscord, thread: Channel, extra_ids: str) -> str:
    """The draft's text as the thread shows it: the starter, then its continuations."""
    ids = [thread.id, *(int(i) for i in extra_ids.split(",") if i)]
    shown: list[Message] = [m for i in ids if (m := fake.message(i)) is not None]
    assert len(shown) == len(ids)
    return "".join(m.content for m in shown)
