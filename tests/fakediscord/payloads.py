"""JSON shapes the fake sends, following discord.types TypedDicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .state import (
    CATEGORY,
    DM,
    FORUM,
    VOICE,
    Attachment,
    Channel,
    Guild,
    Member,
    Message,
    Reaction,
    Role,
    ScheduledEvent,
    User,
    World,
    iso,
)

if TYPE_CHECKING:
    from discord.types import channel as channel_types
    from discord.types import guild as guild_types
    from discord.types import member as member_types
    from discord.types import message as message_types
    from discord.types import role as role_types
    from discord.types import scheduled_event as event_types
    from discord.types import user as user_types


def user(u: User) -> user_types.User:
    data: dict[str, Any] = {
        "id": str(u.id),
        "username": u.name,
        "discriminator": "0",
        "global_name": u.global_name,
        "avatar": None,
        "public_flags": 0,
    }
    if u.bot:
        data["bot"] = True
    return data  # type: ignore[return-value]


def role(r: Role) -> role_types.Role:
    data: dict[str, Any] = {
        "id": str(r.id),
        "name": r.name,
        "color": r.color,
        "colors": {"primary_color": r.color, "secondary_color": None, "tertiary_color": None},
        "hoist": r.hoist,
        "position": r.position,
        "permissions": str(r.permissions),
        "managed": r.managed,
        "mentionable": r.mentionable,
        "flags": 0,
        "icon": None,
        "unicode_emoji": None,
    }
    if r.tags is not None:
        data["tags"] = r.tags
    return data  # type: ignore[return-value]


def member(
    m: Member, *, with_user: bool = True, permissions: int | None = None
) -> member_types.MemberWithUser:
    data: dict[str, Any] = {
        "roles": [str(r) for r in m.roles],
        "nick": m.nick,
        "avatar": None,
        "joined_at": iso(m.joined_at),
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user(m.user)
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data  # type: ignore[return-value]


def channel(c: Channel, world: World) -> channel_types.Channel:
    data: dict[str, Any] = {"id": str(c.id), "type": c.type, "flags": c.flags}
    if c.type == DM:
        data["recipients"] = [user(world.users[u]) for u in c.recipients if u in world.users]
        data["last_message_id"] = str(c.last_message_id) if c.last_message_id else None
        return data  # type: ignore[return-value]
    data.update(
        {
            "guild_id": str(c.guild_id),
            "name": c.name,
            "parent_id": str(c.parent_id) if c.parent_id else None,
            "rate_limit_per_user": c.rate_limit_per_user,
        }
    )
    if c.is_thread:
        data.update(
            {
                "owner_id": str(c.owner_id),
                "last_message_id": str(c.last_message_id) if c.last_message_id else None,
                "message_count": len(world.messages_in(c.id)),
                "total_message_sent": len(world.messages_in(c.id)),
                "member_count": 1,
                "applied_tags": [str(t) for t in c.applied_tags],
                "thread_metadata": {
                    "archived": c.archived,
                    "auto_archive_duration": c.auto_archive_duration,
                    "archive_timestamp": iso(c.created_at),
                    "locked": c.locked,
                    "create_timestamp": iso(c.created_at),
                },
            }
        )
        return data  # type: ignore[return-value]
    data.update(
        {
            "position": c.position,
            "nsfw": c.nsfw,
            "permission_overwrites": [
                {"id": str(o.id), "type": o.type, "allow": str(o.allow), "deny": str(o.deny)}
                for o in c.overwrites.values()
            ],
        }
    )
    if c.type == VOICE:
        data.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None})
    elif c.type != CATEGORY:
        data.update(
            {
                "topic": c.topic,
                "last_message_id": str(c.last_message_id) if c.last_message_id else None,
                "default_auto_archive_duration": 1440,
            }
        )
    if c.type == FORUM:
        data.update(
            {
                "available_tags": c.available_tags,
                "default_reaction_emoji": None,
                "default_sort_order": None,
                "default_forum_layout": 0,
                "default_thread_rate_limit_per_user": 0,
            }
        )
    data.update(c.extra)
    return data  # type: ignore[return-value]


def attachment(a: Attachment, base_url: str, channel_id: int) -> message_types.Attachment:
    url = f"{base_url}/attachments/{channel_id}/{a.id}/{a.filename}"
    data: dict[str, Any] = {
        "id": str(a.id),
        "filename": a.filename,
        "size": len(a.data),
        "url": url,
        "proxy_url": url,
    }
    if a.content_type:
        data["content_type"] = a.content_type
    if a.description:
        data["description"] = a.description
    return data  # type: ignore[return-value]


def reaction(r: Reaction, bot_id: int) -> message_types.Reaction:
    data: dict[str, Any] = {
        "count": len(r.users),
        "count_details": {"burst": 0, "normal": len(r.users)},
        "me": bot_id in r.users,
        "me_burst": False,
        "burst_colors": [],
        "emoji": r.emoji,
    }
    return data  # type: ignore[return-value]


def message(m: Message, world: World, base_url: str) -> message_types.Message:
    author = world.users.get(m.author_id) or User(id=m.author_id, name="unknown")
    data: dict[str, Any] = {
        "id": str(m.id),
        "channel_id": str(m.channel_id),
        "author": user(author),
        "content": m.content,
        "timestamp": iso(m.timestamp),
        "edited_timestamp": iso(m.edited_timestamp),
        "tts": m.tts,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [attachment(a, base_url, m.channel_id) for a in m.attachments],
        "embeds": m.embeds,
        "components": m.components,
        "pinned": m.pinned,
        "type": m.type,
        "flags": m.flags,
        "reactions": [reaction(r, world.bot_user.id) for r in m.reactions.values() if r.users],
    }
    if m.guild_id is not None:
        data["guild_id"] = str(m.guild_id)
        guild = world.guilds.get(m.guild_id)
        if guild is not None and m.author_id in guild.members:
            data["member"] = member(guild.members[m.author_id], with_user=False)
    if m.nonce is not None:
        data["nonce"] = m.nonce
    if m.webhook_id is not None:
        data["webhook_id"] = str(m.webhook_id)
    if m.application_id is not None:
        data["application_id"] = str(m.application_id)
    if m.interaction_metadata is not None:
        data["interaction_metadata"] = m.interaction_metadata
    if m.message_reference is not None:
        data["message_reference"] = m.message_reference
    return data  # type: ignore[return-value]


def scheduled_event(e: ScheduledEvent, world: World) -> event_types.GuildScheduledEvent:
    creator = world.users.get(e.creator_id)
    data: dict[str, Any] = {
        "id": str(e.id),
        "guild_id": str(e.guild_id),
        "channel_id": str(e.channel_id) if e.channel_id else None,
        "creator_id": str(e.creator_id),
        "name": e.name,
        "description": e.description,
        "scheduled_start_time": e.scheduled_start_time,
        "scheduled_end_time": e.scheduled_end_time,
        "privacy_level": e.privacy_level,
        "status": e.status,
        "entity_type": e.entity_type,
        "entity_id": None,
        "entity_metadata": {"location": e.location} if e.location is not None else None,
        "user_count": len(e.user_ids),
        "image": None,
        "recurrence_rule": None,
    }
    if creator is not None:
        data["creator"] = user(creator)
    return data  # type: ignore[return-value]


DEFAULT_LARGE_THRESHOLD = 50  # IDENTIFY's large_threshold when not given (discord.py: 250)


def guild(
    g: Guild, world: World, *, full: bool = True, large_threshold: int = DEFAULT_LARGE_THRESHOLD
) -> guild_types.Guild:
    """A guild object; `full` for GUILD_CREATE. A guild above the session's large_threshold
    is `large` and its member list holds only the bot (the gateway stops sending offline
    members, and without the presences intent no one is online): the members come by
    REQUEST_GUILD_MEMBERS. Smaller guilds carry every member, as tests expect."""
    data: dict[str, Any] = {
        "id": str(g.id),
        "name": g.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(g.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 1,
        "explicit_content_filter": 0,
        "roles": [role(r) for r in g.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": g.features,
        "mfa_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": g.preferred_locale,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "max_members": 500000,
    }
    if full:
        large = len(g.members) > large_threshold
        bot = g.members.get(world.bot_user.id)
        shown = ([bot] if bot is not None else []) if large else list(g.members.values())
        channels = [c for c in g.channels.values() if not c.is_thread]
        threads = [c for c in g.channels.values() if c.is_thread and not c.archived]
        data.update(
            {
                "joined_at": iso(g.members[world.bot_user.id].joined_at)
                if world.bot_user.id in g.members
                else None,
                "large": large,
                "unavailable": False,
                "member_count": len(g.members),
                "members": [member(m) for m in shown],
                "channels": [channel(c, world) for c in channels],
                "threads": [channel(c, world) for c in threads],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [scheduled_event(e, world) for e in g.events.values()],
                "soundboard_sounds": [],
            }
        )
    return data  # type: ignore[return-value]
