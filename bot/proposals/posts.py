"""The Discord side of proposals: the cycle's "next themes" forum, each proposal's post
(its description, split across messages when long, never cut; a card saying who
proposed it and how to endorse it), its status tag, the decisions told under it.

The forum has one tag per status, named in the server's language when it was made;
tags are found again by name in any of the bot's languages, else by position
(bot/kit/forums.py), so a language change or a tag renamed by hand breaks nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import discord

from bot.kit import ui
from bot.kit.forums import show_status, status_tag
from bot.kit.i18n import LANGUAGES, Tr
from bot.kit.limits import GUILD_CHANNELS
from bot.kit.permissions import TO_CREATE_OBJECTS
from bot.kit.text import split_text
from bot.kit.user_error import UserError
from bot.proposals.rules import STATUSES
from storage.models import Cycle, Proposal

log = logging.getLogger(__name__)


def tag_names(tr: Tr) -> dict[str, set[str]]:
    """status -> its tag's name in every language (as a forum tag holds: 20 characters)."""
    return {
        status: {tr.catalog.text(lang, f"proposal.status.{status}")[:20].casefold()
                 for lang in LANGUAGES}
        for status in STATUSES
    }  # fmt: skip


def forum_name(tr: Tr, cycle: Cycle) -> str:
    cycle_part = "-".join(cycle.name.lower().split())
    return f"{tr('proposal.forum.name')}-{cycle_part}"[:100]


def check_can_create_forum(guild: discord.Guild) -> None:
    granted = guild.me.guild_permissions
    missing = [name for name in TO_CREATE_OBJECTS if not getattr(granted, name)]
    if missing and not granted.administrator:
        raise UserError("error.proposal.bot_permissions", permissions=missing)
    if len(guild.channels) + 1 > GUILD_CHANNELS:
        raise UserError("error.proposal.no_room", limit=GUILD_CHANNELS, count=len(guild.channels))


async def create_forum(guild: discord.Guild, tr: Tr, cycle: Cycle) -> discord.ForumChannel:
    """The cycle's forum, with one tag per status (the caller records its id at once)."""
    check_can_create_forum(guild)
    return await guild.create_forum(
        forum_name(tr, cycle),
        topic=tr("proposal.forum.topic"),
        available_tags=[discord.ForumTag(name=tr(f"proposal.status.{s}")[:20]) for s in STATUSES],
        reason=f"sipbot next themes of cycle {cycle.id}",
    )


def card(tr: Tr, proposal: Proposal) -> discord.Embed:
    author = f"<@{proposal.created_by}>" if proposal.created_by else tr("proposal.post.former")
    return ui.embed(tr("proposal.post.title"), tr("proposal.post.meta", author=author))


@dataclass(frozen=True)
class Posted:
    thread_id: int


async def create(forum: discord.ForumChannel, tr: Tr, proposal: Proposal) -> Posted:
    chunks = split_text(proposal.description)
    tag = status_tag(forum, proposal.status, tag_names(tr))
    created = await forum.create_thread(
        name=proposal.title[:100],
        content=chunks[0],
        embed=card(tr, proposal),
        applied_tags=[tag] if tag is not None else [],
    )
    for chunk in chunks[1:]:
        await created.thread.send(chunk)
    return Posted(created.thread.id)


async def apply_status(thread: discord.Thread, tr: Tr, status: str) -> bool:
    """The post's tag follows the status; False when the forum has no tag for it."""
    return await show_status(thread, status, tag_names(tr))


def decision_text(tr: Tr, status: str, note: str, proposal: Proposal, into: Proposal | None) -> str:
    """What the post and the author are told of a decision (the note whole: at most
    1,000 characters, the message fits)."""
    into_title = into.title if into is not None else "—"
    into_post = ui.channel_mention(into.thread_id) if into is not None else None
    lines = [
        tr(f"proposal.decision.{status}", title=proposal.title, into=into_title,
           post=into_post or "—")
    ]  # fmt: skip
    if note:
        lines.append(tr("proposal.decision.note", note=note))
    return "\n".join(lines)
