"""The Discord side of a draft: its forum post, the text across messages, its status tag,
the board's answer posted in it and the note that tells the group.

The starter message holds the first part of the text (its id is the thread's);
longer texts continue in messages right after it, so the thread always shows the
whole current text. Status tags are found by name (in any of the bot's languages:
the guild's language may have changed since the forum was made), else by position;
a tag deleted or renamed by hand is simply not applied.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.drafts.rules import STATUSES
from bot.kit import ui
from bot.kit.i18n import LANGUAGES, Tr
from bot.kit.text import split_text
from storage.models import Draft, DraftAnswer, WorkGroup

log = logging.getLogger(__name__)


@dataclass
class Posted:
    thread_id: int
    extra_ids: list[int]


def status_tag(forum: discord.ForumChannel, tr: Tr, status: str) -> discord.ForumTag | None:
    names = {tr.catalog.text(lang, f"draft.status.{status}")[:20].casefold() for lang in LANGUAGES}
    tags = list(forum.available_tags)
    for tag in tags:
        if tag.name.casefold() in names:
            return tag
    known = {tr.catalog.text(lang, f"draft.status.{s}")[:20].casefold() for lang in LANGUAGES for s in STATUSES}  # fmt: skip
    if len(tags) == len(STATUSES) and not any(t.name.casefold() in known for t in tags):
        return tags[STATUSES.index(status)]  # every tag renamed: trust the order made
    return None


def card(tr: Tr, draft: Draft, group: WorkGroup) -> discord.Embed:
    return ui.embed(
        tr("draft.post.group", group=group.name),
        tr("draft.post.meta", version=draft.version),
    )


async def create(
    forum: discord.ForumChannel, tr: Tr, draft: Draft, group: WorkGroup, text: str
) -> Posted:
    chunks = split_text(text)
    tag = status_tag(forum, tr, draft.status)
    created = await forum.create_thread(
        name=draft.title[:100],
        content=chunks[0],
        embed=card(tr, draft, group),
        applied_tags=[tag] if tag is not None else [],
    )
    thread = created.thread
    extra = [(await thread.send(chunk)).id for chunk in chunks[1:]]
    return Posted(thread.id, extra)


async def rewrite(
    thread: discord.Thread,
    tr: Tr,
    draft: Draft,
    group: WorkGroup,
    text: str,
    extra_ids: Sequence[int],
) -> list[int]:
    """Starter and continuations show `text`; returns the continuation ids now in use.

    When the text needs more messages than before, the continuations are posted again
    after the thread's comments, so the text reads in order."""
    chunks = split_text(text)
    await thread.get_partial_message(thread.id).edit(
        content=chunks[0], embed=card(tr, draft, group)
    )
    rest = chunks[1:]
    if len(rest) > len(extra_ids) and extra_ids and thread.last_message_id not in extra_ids:
        await _delete(thread, extra_ids)
        extra_ids = []
    kept: list[int] = []
    for index, chunk in enumerate(rest):
        if index < len(extra_ids):
            await thread.get_partial_message(extra_ids[index]).edit(content=chunk)
            kept.append(extra_ids[index])
        else:
            kept.append((await thread.send(chunk)).id)
    await _delete(thread, extra_ids[len(rest) :])
    return kept


async def _delete(thread: discord.Thread, ids: Sequence[int]) -> None:
    for message_id in ids:
        try:
            await thread.get_partial_message(message_id).delete()
        except discord.NotFound:
            log.info("draft message %s was already deleted", message_id)


async def apply_status(thread: discord.Thread, tr: Tr, status: str) -> bool:
    """The post's tag follows the status; False when the forum has no tag for it."""
    forum = thread.parent
    if not isinstance(forum, discord.ForumChannel):
        return False
    tag = status_tag(forum, tr, status)
    own = {found.id for s in STATUSES if (found := status_tag(forum, tr, s)) is not None}
    others = [t for t in thread.applied_tags if t.id not in own]
    wanted = ([tag] if tag is not None else []) + others
    await thread.edit(applied_tags=wanted[:5], archived=False)
    return tag is not None


def answer_chunks(tr: Tr, answer: DraftAnswer) -> list[str]:
    """The answer as posted: a heading (decision, author, date), then the whole text,
    across messages of at most 2,000 characters; nothing cut."""
    head = tr(
        "draft.answer.post", decision=tr(f"draft.decision.{answer.decision}"),
        author=f"<@{answer.author_id}>" if answer.author_id else "—",
        when=ui.timestamp(answer.created_at),
    )  # fmt: skip
    return split_text(f"{head}\n\n{answer.text}")


def answer_note(tr: Tr, draft: Draft, answer: DraftAnswer, message_id: int | None) -> str:
    """The group's short note: the decision and where to read the answer."""
    if message_id is not None and draft.thread_id is not None:
        link = f"https://discord.com/channels/{draft.guild_id}/{draft.thread_id}/{message_id}"
    else:
        link = f"<#{draft.thread_id}>" if draft.thread_id else "—"
    return tr("draft.answer.note", title=draft.title,
              decision=tr(f"draft.decision.{answer.decision}"), link=link)  # fmt: skip
