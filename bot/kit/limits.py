"""Discord's limits on a server's objects, checked before creating anything, so a
feature refuses with a message instead of failing half-way (documented by Discord:
channels per server and per category, roles per server, tags per forum)."""

from __future__ import annotations

GUILD_CHANNELS = 500  # channels of every kind, categories included
CATEGORY_CHANNELS = 50
GUILD_ROLES = 250
FORUM_TAGS = 20
