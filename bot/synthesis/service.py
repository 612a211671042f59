"""The synthesis of a theme: one forum post gathering every draft open for comment or later.

The post's starter message is an overview; each draft follows in a message of its
own (title, group, link, endorsements, the last version's text, or its opening
lines with the whole text attached when it does not fit). Building again edits
the same messages in place, adds or deletes the ones needed, and records them.
Drafts it moves to "synthesised" get, in the same transaction, the drafts feature's
work item that makes their post's status tag follow (bot/drafts/rules.py `tag_work`;
the drafts feature handles it). The items are tried right after the synthesis is
posted, and retried by the engine while Discord makes them wait.
"""

from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from sqlalchemy.ext.asyncio import AsyncSession

from bot.drafts import rules as draft_rules
from bot.kit import work
from bot.kit.forums import forum_of, thread_of
from bot.kit.i18n import Tr
from bot.kit.text import MESSAGE_LIMIT, split_text
from bot.kit.user_error import UserError
from storage import drafts as draft_store
from storage import setup as setup_store
from storage import synthesis as store
from storage.models import Draft, Theme, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
GATHERED = ("open", "synthesised", "submitted", "adopted", "not_retained")
SUMMARY_LENGTH = 600


@dataclass
class Entry:
    content: str
    file: discord.File | None


@dataclass
class Built:
    thread_id: int
    drafts: int
    moved: int
    created: bool
    waiting: int = 0  # moved drafts whose tag Discord has not accepted yet
    refused: int = 0  # ... or refused for good (/setup check lists them)


def entry(
    tr: Tr, index: int, draft: Draft, group: WorkGroup, text: str, endorsements: int
) -> Entry:
    head = tr("synthesis.entry.head", index=index, title=draft.title, group=group.name)
    meta = tr("synthesis.entry.meta", status=tr(f"draft.status.{draft.status}"), version=draft.version,
              endorsements=endorsements, thread=f"<#{draft.thread_id}>" if draft.thread_id else "—")  # fmt: skip
    whole = f"{head}\n{meta}\n\n{text}"
    if len(whole) <= MESSAGE_LIMIT:
        return Entry(whole, None)
    opening = split_text(text, SUMMARY_LENGTH)[0].rstrip()
    summary = f"{head}\n{meta}\n\n{opening} …\n\n{tr('synthesis.entry.attached')}"
    document = f"# {draft.title}\n\n{group.name} — v{draft.version}\n\n{text}\n"
    name = f"draft-{draft.id}-v{draft.version}.md"
    return Entry(summary, discord.File(io.BytesIO(document.encode()), filename=name))


class SynthesisBuilder:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def gathered(self, theme: Theme) -> list[Draft]:
        async with self.services.db() as db:
            rows = await draft_store.drafts_of_cycle(db, theme.cycle_id, theme.id)
        found = [d for d in rows if d.status in GATHERED]
        if not found:
            raise UserError("error.synthesis.no_drafts", theme=theme.title)
        return found

    async def build(
        self, guild: discord.Guild, tr: Tr, theme: Theme, rows: list[Draft], user_id: int
    ) -> Built:
        """Drafts open for comment become synthesised; the post shows every gathered one."""
        forum = await forum_of(guild, theme.forum_id)
        if forum is None:
            raise UserError("error.draft.no_forum", theme=theme.title)
        now = self.services.clock.now()
        moved: list[Draft] = []
        async with self.services.db() as db, db.begin():
            for draft in rows:
                if draft.status == "open" and await draft_store.move(
                    db, draft.id, "open", "synthesised", now
                ):
                    draft.status = "synthesised"
                    moved.append(draft)
            tags = await self._follow_tags(db, moved)
            synthesis = await store.ensure(db, guild.id, theme.cycle_id, theme.id, user_id, now)
            texts = await draft_store.latest_texts(db, rows)
            counts = await draft_store.endorsement_counts(db, [d.id for d in rows])
            groups = {d.group_id: await db.get(WorkGroup, d.group_id) for d in rows}
        entries = [
            entry(tr, n, d, g, texts.get(d.id, ""), counts.get(d.id, 0))
            for n, d in enumerate(rows, start=1)
            if (g := groups.get(d.group_id)) is not None
        ]
        overview = tr("synthesis.overview", theme=theme.title, count=len(entries),
                      groups=len({d.group_id for d in rows}), endorsements=sum(counts.values()))  # fmt: skip
        thread = await thread_of(self.bot, synthesis.thread_id)
        created = thread is None
        if thread is None:
            made = await forum.create_thread(
                name=tr("synthesis.title", theme=theme.title)[:100], content=overview
            )
            thread = made.thread
            old: list[int] = []
        else:
            await thread.get_partial_message(thread.id).edit(content=overview)
            old = draft_store.message_ids(synthesis.extra_message_ids)
        kept = await self._show(thread, entries, old)
        async with self.services.db() as db, db.begin():
            await store.record(db, synthesis.id, thread.id, kept, user_id, now)
            await store.set_drafts(db, synthesis.id, [(d.id, d.version) for d in rows])
            await setup_store.audit(
                db, guild.id, user_id, "synthesis.build", now, theme=theme.id, drafts=len(rows)
            )
        waiting, refused = await self._run_tags(tags)
        for draft in moved:
            self.bot.dispatch("draft_status", draft)
        return Built(thread.id, len(entries), len(moved), created, waiting, refused)

    async def _follow_tags(self, db: AsyncSession, moved: list[Draft]) -> list[str]:
        """The moved drafts' tag items (the drafts feature owns the posts and handles
        them), in the transaction that moves them; older pending ones are cancelled."""
        works, now = self.services.work, self.services.clock.now()
        items = []
        for draft in moved:
            kind, key, payload = draft_rules.tag_work(draft.id, secrets.token_hex(6))
            row = works.row(kind=kind, key=key, guild_id=draft.guild_id,
                            due_at=now + draft_rules.TAG_TAKEOVER, payload=payload)  # fmt: skip
            items.append((draft_rules.tag_prefix(draft.id), row))
        return await works.supersede(db, items, note="status changed")

    async def _run_tags(self, keys: list[str]) -> tuple[int, int]:
        """Try the tag items now, in order (the engine takes over from the first Discord
        makes wait or refuses); how many wait, how many were refused."""
        states = list((await self.services.work.in_order().run(keys)).values())
        refused = states.count("failed")
        return sum(state not in work.SETTLED for state in states) - refused, refused

    async def _show(
        self, thread: discord.Thread, entries: list[Entry], old: list[int]
    ) -> list[int]:
        kept: list[int] = []
        for index, item in enumerate(entries):
            files = [item.file] if item.file is not None else []
            if index < len(old):
                try:
                    await thread.get_partial_message(old[index]).edit(
                        content=item.content, attachments=files
                    )
                    kept.append(old[index])
                    continue
                except discord.NotFound:
                    log.info("synthesis message %s was deleted by hand", old[index])
                    item = Entry(item.content, _reopened(item.file))
            message = (
                await thread.send(item.content, file=item.file)
                if item.file
                else await thread.send(item.content)
            )
            kept.append(message.id)
        for message_id in old[len(entries) :]:
            try:
                await thread.get_partial_message(message_id).delete()
            except discord.NotFound:
                log.info("synthesis message %s was already deleted", message_id)
        return kept


def _reopened(file: discord.File | None) -> discord.File | None:
    """A File is read once: a failed edit leaves it to be sent again from the start."""
    if file is None:
        return None
    file.reset()
    return file
