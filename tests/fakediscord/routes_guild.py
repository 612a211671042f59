"""Routes: guild, channels (incl. forums and threads), roles, members, scheduled events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import payloads
from .rest import ApiError, ApiRequest, Status, invalid_form, not_found, route
from .state import (
    CATEGORY,
    FORUM,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    Channel,
    Guild,
    Overwrite,
    Role,
)

if TYPE_CHECKING:
    from .driver import FakeDiscord

MANAGE_CHANNELS, MANAGE_ROLES, MANAGE_EVENTS = 1 << 4, 1 << 28, 1 << 33
CREATE_PUBLIC_THREADS, MANAGE_THREADS = 1 << 35, 1 << 34
CHANNEL_FIELDS = ("name", "topic", "position", "nsfw", "rate_limit_per_user", "flags")


def _guild(fake: FakeDiscord, req: ApiRequest) -> Guild:
    return fake.get_guild(int(req.params["guild_id"]))


@route("GET", "/guilds/{guild_id}")
async def get_guild(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    data = dict(payloads.guild(guild, fake.world, full=False))
    if req.flag("with_counts"):
        data.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return data


# ----------------------------------------------------------------- channels
def _apply_overwrites(channel: Channel, raw: list[dict[str, Any]]) -> None:
    channel.overwrites = {
        int(o["id"]): Overwrite(
            int(o["id"]), int(o.get("type", 0)), int(o.get("allow") or 0), int(o.get("deny") or 0)
        )
        for o in raw
    }


def _check_tags(tags: list[dict[str, Any]], fake: FakeDiscord) -> list[dict[str, Any]]:
    if len(tags) > 20:
        raise invalid_form(
            "available_tags", "Must be 20 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
        )
    return [
        {"id": str(t.get("id") or fake.world.ids.next()), "name": t["name"], "moderated": bool(t.get("moderated")),
         "emoji_id": t.get("emoji_id"), "emoji_name": t.get("emoji_name")}
        for t in tags
    ]  # fmt: skip


@route("GET", "/guilds/{guild_id}/channels")
async def list_channels(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    return [fake.channel_payload(c) for c in guild.channels.values() if not c.is_thread]


@route("POST", "/guilds/{guild_id}/channels")
async def create_channel(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    fake.require_permission(guild, MANAGE_CHANNELS)
    body = req.body()
    kind = int(body.get("type") or 0)
    parent_id = int(body["parent_id"]) if body.get("parent_id") else None
    if sum(not c.is_thread for c in guild.channels.values()) >= 500:
        raise ApiError(400, 30013, "Maximum number of guild channels reached (500)")
    if parent_id is not None:
        parent = guild.channels.get(parent_id)
        if parent is None or parent.type != CATEGORY:
            raise invalid_form("parent_id", "Category does not exist", "CHANNEL_PARENT_INVALID")
        if sum(c.parent_id == parent_id for c in guild.channels.values() if not c.is_thread) >= 50:
            raise invalid_form(
                "parent_id",
                "Maximum number of channels in category reached (50)",
                "CHANNEL_PARENT_MAX_CHANNELS",
            )
    name = str(body.get("name") or "")
    if not 1 <= len(name) <= 100:
        raise invalid_form("name", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    if kind not in (CATEGORY, 2, 13, FORUM):
        name = name.lower().replace(" ", "-")
    channel = Channel(id=fake.world.ids.next(), type=kind, name=name, guild_id=guild.id, parent_id=parent_id,
                      topic=body.get("topic"), nsfw=bool(body.get("nsfw")), position=int(body.get("position") or 0))  # fmt: skip
    _apply_overwrites(channel, body.get("permission_overwrites") or [])
    if kind == FORUM:
        channel.available_tags = _check_tags(body.get("available_tags") or [], fake)
    return Status(201, fake.channel_payload(fake.add_channel(channel)))


@route("GET", "/channels/{channel_id}")
async def get_channel(fake: FakeDiscord, req: ApiRequest) -> Any:
    return fake.channel_payload(fake.get_channel(int(req.params["channel_id"])))


@route("PATCH", "/channels/{channel_id}")
async def edit_channel(fake: FakeDiscord, req: ApiRequest) -> Any:
    channel = fake.get_channel(int(req.params["channel_id"]))
    guild = fake.world.guild_of(channel)
    body = req.body()
    is_own_thread = channel.is_thread and channel.owner_id == fake.world.bot_user.id
    if not is_own_thread:
        fake.require_permission(
            guild, MANAGE_THREADS if channel.is_thread else MANAGE_CHANNELS, channel
        )
    for key in CHANNEL_FIELDS:
        if key in body:
            setattr(channel, key, body[key])
    if "parent_id" in body and not channel.is_thread:
        channel.parent_id = int(body["parent_id"]) if body["parent_id"] else None
    if "permission_overwrites" in body:
        _apply_overwrites(channel, body["permission_overwrites"] or [])
    if "available_tags" in body:
        channel.available_tags = _check_tags(body["available_tags"] or [], fake)
    if "applied_tags" in body:
        channel.applied_tags = _checked_applied_tags(fake, channel, body["applied_tags"] or [])
    for key in ("archived", "locked", "auto_archive_duration"):
        if key in body and body[key] is not None:
            setattr(channel, key, body[key])
    fake.channel_updated(channel)
    return fake.channel_payload(channel)


@route("DELETE", "/channels/{channel_id}")
async def delete_channel(fake: FakeDiscord, req: ApiRequest) -> Any:
    channel = fake.get_channel(int(req.params["channel_id"]))
    fake.require_permission(
        fake.world.guild_of(channel),
        MANAGE_THREADS if channel.is_thread else MANAGE_CHANNELS,
        channel,
    )
    payload = fake.channel_payload(channel)
    fake.remove_channel(channel)
    return payload


@route("PUT", "/channels/{channel_id}/permissions/{overwrite_id}")
async def put_overwrite(fake: FakeDiscord, req: ApiRequest) -> Any:
    channel = fake.get_channel(int(req.params["channel_id"]))
    fake.require_permission(fake.world.guild_of(channel), MANAGE_ROLES, channel)
    body = req.body()
    oid = int(req.params["overwrite_id"])
    channel.overwrites[oid] = Overwrite(
        oid, int(body.get("type", 0)), int(body.get("allow") or 0), int(body.get("deny") or 0)
    )
    fake.channel_updated(channel)


@route("DELETE", "/channels/{channel_id}/permissions/{overwrite_id}")
async def delete_overwrite(fake: FakeDiscord, req: ApiRequest) -> Any:
    channel = fake.get_channel(int(req.params["channel_id"]))
    fake.require_permission(fake.world.guild_of(channel), MANAGE_ROLES, channel)
    channel.overwrites.pop(int(req.params["overwrite_id"]), None)
    fake.channel_updated(channel)


# ------------------------------------------------------------------ threads
def _checked_applied_tags(fake: FakeDiscord, thread: Channel, tags: list[Any]) -> list[int]:
    parent = fake.world.channels.get(thread.parent_id or 0)
    if parent is None or parent.type != FORUM:
        return [int(t) for t in tags]
    known = {int(t["id"]) for t in parent.available_tags}
    if len(tags) > 5 or any(int(t) not in known for t in tags):
        raise invalid_form("applied_tags", "Unknown or too many tags", "BASE_TYPE_CHOICES")
    if parent.flags & (1 << 4) and not tags:
        raise ApiError(400, 40067, "A tag is required to create a forum post in this channel")
    return [int(t) for t in tags]


@route("POST", "/channels/{channel_id}/threads")
async def create_thread(fake: FakeDiscord, req: ApiRequest) -> Any:
    parent = fake.get_channel(int(req.params["channel_id"]))
    guild = fake.world.guild_of(parent)
    fake.require_permission(guild, CREATE_PUBLIC_THREADS, parent)
    body = req.body()
    name = str(body.get("name") or "")
    if not 1 <= len(name) <= 100:
        raise invalid_form("name", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH")
    kind = PUBLIC_THREAD if parent.type == FORUM else int(body.get("type") or PRIVATE_THREAD)
    thread = Channel(id=fake.world.ids.next(), type=kind, name=name, guild_id=parent.guild_id, parent_id=parent.id,
                     owner_id=fake.world.bot_user.id, auto_archive_duration=int(body.get("auto_archive_duration") or 1440))  # fmt: skip
    if parent.type != FORUM:
        return Status(201, fake.channel_payload(fake.add_channel(thread)))
    thread.applied_tags = _checked_applied_tags(fake, thread, body.get("applied_tags") or [])
    message_body = body.get("message") or {}
    from .core import validate_message_body

    validate_message_body(message_body, req.files, creating=True)
    fake.add_channel(thread)
    msg = fake.create_message(
        thread, fake.world.bot_user.id, message_body, req.files, message_id=thread.id
    )
    return Status(201, {**fake.channel_payload(thread), "message": fake.message_payload(msg)})


@route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
async def thread_from_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    msg = fake.get_message(int(req.params["channel_id"]), int(req.params["message_id"]))
    parent = fake.get_channel(msg.channel_id)
    fake.require_permission(fake.world.guild_of(parent), CREATE_PUBLIC_THREADS, parent)
    thread = Channel(id=msg.id, type=PUBLIC_THREAD, name=str(req.body().get("name") or "thread"),
                     guild_id=parent.guild_id, parent_id=parent.id, owner_id=fake.world.bot_user.id)  # fmt: skip
    return Status(201, fake.channel_payload(fake.add_channel(thread)))


@route("PUT", "/channels/{channel_id}/thread-members/{who}")
@route("DELETE", "/channels/{channel_id}/thread-members/{who}")
async def thread_member(fake: FakeDiscord, req: ApiRequest) -> Any:
    fake.get_channel(int(req.params["channel_id"]))


@route("GET", "/guilds/{guild_id}/threads/active")
async def active_threads(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    threads = [
        fake.channel_payload(c) for c in guild.channels.values() if c.is_thread and not c.archived
    ]
    return {"threads": threads, "members": []}


@route("GET", "/channels/{channel_id}/threads/archived/public")
async def archived_threads(fake: FakeDiscord, req: ApiRequest) -> Any:
    parent_id = int(req.params["channel_id"])
    threads = [
        fake.channel_payload(c)
        for c in fake.world.channels.values()
        if c.parent_id == parent_id and c.is_thread and c.archived
    ]
    return {"threads": threads, "members": [], "has_more": False}


# -------------------------------------------------------------------- roles
@route("GET", "/guilds/{guild_id}/roles")
async def list_roles(fake: FakeDiscord, req: ApiRequest) -> Any:
    return [payloads.role(r) for r in _guild(fake, req).roles.values()]


@route("POST", "/guilds/{guild_id}/roles")
async def create_role(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    fake.require_permission(guild, MANAGE_ROLES)
    if len(guild.roles) >= 250:
        raise ApiError(400, 30005, "Maximum number of guild roles reached (250)")
    body = req.body()
    role = Role(id=fake.world.ids.next(), name=str(body.get("name") or "new role"), permissions=int(body.get("permissions") or 0),
                color=int(body.get("color") or 0), hoist=bool(body.get("hoist")), mentionable=bool(body.get("mentionable")),
                position=1)  # fmt: skip
    guild.roles[role.id] = role
    fake.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": payloads.role(role)})
    return payloads.role(role)


def _role(fake: FakeDiscord, req: ApiRequest) -> tuple[Guild, Role]:
    guild = _guild(fake, req)
    role = guild.roles.get(int(req.params["role_id"]))
    if role is None:
        raise not_found("role")
    return guild, role


@route("GET", "/guilds/{guild_id}/roles/{role_id}")
async def get_role(fake: FakeDiscord, req: ApiRequest) -> Any:
    return payloads.role(_role(fake, req)[1])


@route("PATCH", "/guilds/{guild_id}/roles/{role_id}")
async def edit_role(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild, role = _role(fake, req)
    fake.require_permission(guild, MANAGE_ROLES)
    body = req.body()
    for key in ("name", "color", "hoist", "mentionable"):
        if key in body and body[key] is not None:
            setattr(role, key, body[key])
    if body.get("permissions") is not None:
        role.permissions = int(body["permissions"])
    fake.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": payloads.role(role)})
    return payloads.role(role)


@route("DELETE", "/guilds/{guild_id}/roles/{role_id}")
async def delete_role(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild, role = _role(fake, req)
    fake.require_permission(guild, MANAGE_ROLES)
    if role.id == guild.id or role.managed:
        raise invalid_form("role_id", "Cannot delete this role")
    del guild.roles[role.id]
    for member in guild.members.values():
        if role.id in member.roles:
            member.roles.remove(role.id)
    fake.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)})


# ------------------------------------------------------------------ members
@route("GET", "/guilds/{guild_id}/members/{user_id}")
async def get_member(fake: FakeDiscord, req: ApiRequest) -> Any:
    member = _guild(fake, req).members.get(int(req.params["user_id"]))
    if member is None:
        raise not_found("member")
    return payloads.member(member)


@route("GET", "/guilds/{guild_id}/members")
async def list_members(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild = _guild(fake, req)
    limit = max(1, min(1000, int(req.query.get("limit", 1))))
    after = int(req.query.get("after", 0))
    members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)[
        :limit
    ]
    return [payloads.member(m) for m in members]


@route("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
@route("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}")
async def member_role(fake: FakeDiscord, req: ApiRequest) -> Any:
    guild, role = _role(fake, req)
    fake.require_permission(guild, MANAGE_ROLES)
    member = guild.members.get(int(req.params["user_id"]))
    if member is None:
        raise not_found("member")
    if req.method == "PUT" and role.id not in member.roles:
        member.roles.append(role.id)
    elif req.method == "DELETE" and role.id in member.roles:
        member.roles.remove(role.id)
    fake.member_updated(guild, member)
