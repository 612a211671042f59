"""Finding a feature's forum and forum posts again from the ids it stored.

A forum or a post deleted by hand is simply None: the caller decides whether to make
it again (a draft's post) or to refuse (no forum for a theme). Threads are looked up in
the cache first, then asked of Discord, since archived threads leave the cache.
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
