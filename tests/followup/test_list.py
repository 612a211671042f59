"""`/followup list` of an earlier cycle (chosen by autocomplete), a long list split across
embeds within Discord's limits with nothing cut, and adopted recommendations of a closed
cycle still offered to `/followup update`."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage import cycles, followup, themes
from storage import drafts as draft_store
from storage.database import session_factory
from storage.models import Draft
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import NOW, published_group

COUNT = 30


async def adopted_drafts(fake: FakeDiscord, engine: AsyncEngine, group_id: int) -> list[str]:
    """COUNT adopted drafts with 100-character titles, each with two 1,000-character notes."""
    titles = [f"{n:02d} " + "Une recommandation adoptée par le conseil " * 3 for n in range(COUNT)]
    titles = [t[:100] for t in titles]
    async with session_factory(engine)() as db, db.begin():
        cycle = await cycles.open_cycle(db, fake.guild.id)
        assert cycle is not None
        (theme,) = await themes.themes_of(db, cycle.id)
        for n, title in enumerate(titles):
            draft = await draft_store.create(db, Draft(
                guild_id=fake.guild.id, cycle_id=cycle.id, theme_id=theme.id, group_id=group_id,
                title=title, status="adopted", created_at=NOW, updated_at=NOW,
            ), "Texte.", fake.owner.id)  # fmt: skip
            for step, state in enumerate(("planned", "in_progress")):
                note = (f"Note {n}.{step} " + "x" * 1000)[:1000]
                await followup.add_update(db, draft.id, state, note, fake.owner.id,
                                          NOW + timedelta(days=step))  # fmt: skip
        await cycles.close_cycle(db, cycle.id, NOW)
    return titles


async def test_an_earlier_cycles_long_list_is_split_and_nothing_is_cut(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    titles = await adopted_drafts(fake, sqlite_engine, group.id)
    res = await fake.slash("cycle create", user=fake.owner, options={"name": "2027-2028"})
    assert "2027-2028" in (res.content or ""), res.content
    now = await fake.slash("followup list", user=group.members[3], locale="en-US")
    (embed,) = now.embeds
    assert embed["title"] == "Follow-up — cycle 2027-2028: no adopted recommendations"
    assert embed["description"] == "The board has not adopted any recommendation of cycle 2027-2028 yet."  # fmt: skip
    offered = await fake.autocomplete("followup list", focused="cycle", user=group.members[3])
    assert [c["name"] for c in offered] == ["2027-2028", "2026-2027"]
    earlier = await fake.slash(
        "followup list", user=group.members[3], locale="en-US",
        options={"cycle": offered[1]["value"]},
    )  # fmt: skip
    await earlier.wait_followup(2)  # the reply, then at least two more embeds
    shown = [earlier.embeds[0], *(e for m in earlier.followups for e in m.embeds)]
    assert shown[0]["title"] == f"Follow-up — cycle 2026-2027: {COUNT} adopted recommendations"
    assert {e["title"] for e in shown[1:]} == {"Follow-up — cycle 2026-2027 (continued)"}
    assert all(len(e["description"]) <= 4096 for e in shown)
    text = "\n".join(e["description"] for e in shown)
    assert [t for t in titles if f"**{t}**" in text] == titles  # every one, in order
    assert text.count("(2 updates)") == COUNT and text.count("**in progress**") == COUNT
    assert "x" * 200 not in text  # a note is quoted as an excerpt
    choices = await fake.autocomplete("followup update", focused="draft", value="29", user=fake.owner)  # fmt: skip
    assert [c["name"] for c in choices] == [titles[29]]  # a closed cycle's, still followed
