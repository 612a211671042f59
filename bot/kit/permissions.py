"""The permissions the bot needs, each with the reason an organiser is shown."""

from __future__ import annotations

import discord

# permission flag name -> message key explaining what it is for
REQUIRED: dict[str, str] = {
    "view_channel": "perm.view_channel",
    "send_messages": "perm.send_messages",
    "send_messages_in_threads": "perm.send_messages_in_threads",
    "create_public_threads": "perm.create_public_threads",
    "manage_threads": "perm.manage_threads",
    "embed_links": "perm.embed_links",
    "attach_files": "perm.attach_files",
    "read_message_history": "perm.read_message_history",
    "add_reactions": "perm.add_reactions",
    "manage_messages": "perm.manage_messages",
    "pin_messages": "perm.pin_messages",
    "manage_channels": "perm.manage_channels",
    "manage_roles": "perm.manage_roles",
    "create_events": "perm.create_events",
    "connect": "perm.connect",
}

# What creating a feature's channels, roles and pinned cards takes (a theme's, a group's);
# administrator grants them all.
TO_CREATE_OBJECTS = (
    "manage_channels",
    "manage_roles",
    "send_messages",
    "embed_links",
    "pin_messages",
)

SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    return discord.Permissions(**dict.fromkeys(REQUIRED, True))


def missing(granted: discord.Permissions) -> list[str]:
    """Names of required permissions not granted (administrator grants them all)."""
    if granted.administrator:
        return []
    return [name for name in REQUIRED if not getattr(granted, name)]


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(
        client_id, permissions=required_permissions(), scopes=list(SCOPES)
    )


def intents() -> discord.Intents:
    """The least the product needs: guilds (channels, roles, threads), members (role
    grants and members leaving), reactions (polls and endorsements)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.members = True
    wanted.guild_reactions = True
    return wanted
