"""Finding a feature's forum and forum posts again from the ids it stored, and the tag
that shows a post's status.

A forum or a post deleted by hand is simply None: the caller decides whether to make
it again (a draft's post) or to refuse (no forum for a theme). Threads are looked up in
the cache first, then asked of Discord, since archived threads leave the cache. Status
tags are found by name in any of the bot's languages (the server's language may have
changed since the forum was made), else by position; one deleted by hand is not applied.
"""

from __future__ import annotations

import discord


async def forum_of(guild: discord.Guild, forum_id: int | None) -> discord.ForumChannel | None:
    forum = guild.get_channel(forum_id or 0)
    return forum if isinstance(forum, discord.ForumChannel) else None


async def thread_of(bot: discord.Client, thread_id: int | None) -> discord.Thread | None:
    """The post's thread from the cache, else from Discord; None when deleted by hand."""
    if thread_id is None:
        return None
    found = bot.get_channel(thread_id)
    if isinstance(found, discord.Thread):
        return found
    try:
        fetched = await bot.fetch_channel(thread_id)
    except discord.NotFound:
        return None
    return fetched if isinstance(fetched, discord.Thread) else None


def status_tag(
    forum: discord.ForumChannel, status: str, names: dict[str, set[str]]
) -> discord.ForumTag | None:
    """The forum's tag for `status`, found by name (`names`: status -> the tag's name in
    every language the forum may have been made in, casefolded), else by position when
    every tag was renamed by hand (the order they were made in is the statuses' order);
    None when the tag was deleted."""
    tags = list(forum.available_tags)
    for tag in tags:
        if tag.name.casefold() in names.get(status, set()):
            return tag
    known = set().union(*names.values()) if names else set()
    order = list(names)
    if (
        len(tags) == len(order)
        and status in order
        and not any(t.name.casefold() in known for t in tags)
    ):
        return tags[order.index(status)]
    return None


async def show_status(thread: discord.Thread, status: str, names: dict[str, set[str]]) -> bool:
    """The post's tags: the one of `status` instead of any other status's, tags organisers
    added by hand kept; False when the forum has no tag for it."""
    forum = thread.parent
    if not isinstance(forum, discord.ForumChannel):
        return False
    tag = status_tag(forum, status, names)
    own = {found.id for s in names if (found := status_tag(forum, s, names)) is not None}
    others = [t for t in thread.applied_tags if t.id not in own]
    wanted = ([tag] if tag is not None else []) + others
    await thread.edit(applied_tags=wanted[:5], archived=False)
    return tag is not None
