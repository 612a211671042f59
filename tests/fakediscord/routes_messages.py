"""Routes: messages, pins, reactions, DMs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .rest import ApiError, ApiRequest, invalid_form, not_found, route
from .state import CATEGORY, DM, FORUM, Channel, Message, utcnow

if TYPE_CHECKING:
    from .driver import FakeDiscord

SEND_MESSAGES, MANAGE_MESSAGES, ADD_REACTIONS, READ_HISTORY = 1 << 11, 1 << 13, 1 << 6, 1 << 16
SEND_IN_THREADS = 1 << 38


def _channel(fake: FakeDiscord, req: ApiRequest) -> Channel:
    return fake.get_channel(int(req.params["channel_id"]))


def _message(fake: FakeDiscord, req: ApiRequest) -> Message:
    return fake.get_message(int(req.params["channel_id"]), int(req.params["message_id"]))


@route("POST", "/channels/{channel_id}/messages")
async def create_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    channel = _channel(fake, req)
    body = req.body()
    if channel.type in (CATEGORY, FORUM):
        raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
    if channel.type == DM:
        recipient = channel.recipients[0]
        members = [
            g.members[recipient] for g in fake.world.guilds.values() if recipient in g.members
        ]
        if any(not m.dms_open for m in members):
            raise ApiError(403, 50007, "Cannot send messages to this user")
    guild = fake.world.guild_of(channel)
    fake.require_permission(guild, SEND_IN_THREADS if channel.is_thread else SEND_MESSAGES, channel)
    if channel.is_thread and channel.archived:
        if channel.locked:
            raise ApiError(403, 50083, "Thread is archived")
        channel.archived = False
        fake.channel_updated(channel)
    nonce = body.get("nonce")
    if nonce is not None and body.get("enforce_nonce"):
        previous = fake.find_nonce(channel.id, nonce)
        if previous is not None:
            return fake.message_payload(previous)
    ref = body.get("message_reference")
    if (
        ref
        and ref.get("fail_if_not_exists", True)
        and int(ref.get("message_id", 0)) not in fake.world.messages
    ):
        raise invalid_form(
            "message_reference", "Unknown message", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE"
        )
    msg = fake.create_message(channel, fake.world.bot_user.id, body, req.files)
    return fake.message_payload(msg)


@route("GET", "/channels/{channel_id}/messages")
async def list_messages(fake: FakeDiscord, req: ApiRequest) -> Any:
    channel = _channel(fake, req)
    limit = max(1, min(100, int(req.query.get("limit", 50))))
    msgs = [m for m in fake.world.messages_in(channel.id) if not m.ephemeral]
    if "after" in req.query:
        after = int(req.query["after"])
        chosen = [m for m in msgs if m.id > after][:limit]
    elif "around" in req.query:
        around = int(req.query["around"])
        older = [m for m in msgs if m.id <= around][-(limit // 2 + 1) :]
        chosen = older + [m for m in msgs if m.id > around][: limit - len(older)]
    else:
        before = int(req.query.get("before", 1 << 63))
        chosen = [m for m in msgs if m.id < before][-limit:]
    return [fake.message_payload(m) for m in reversed(chosen)]


@route("GET", "/channels/{channel_id}/messages/{message_id}")
async def get_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    msg = _message(fake, req)
    if msg.ephemeral:
        raise not_found("message")
    return fake.message_payload(msg)


@route("PATCH", "/channels/{channel_id}/messages/{message_id}")
async def edit_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    msg = _message(fake, req)
    if msg.author_id != fake.world.bot_user.id:
        raise ApiError(403, 50005, "Cannot edit a message authored by another user")
    return fake.message_payload(fake.edit_message(msg, req.body(), req.files))


@route("DELETE", "/channels/{channel_id}/messages/{message_id}")
async def delete_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    msg = _message(fake, req)
    channel = _channel(fake, req)
    if msg.author_id != fake.world.bot_user.id:
        fake.require_permission(fake.world.guild_of(channel), MANAGE_MESSAGES, channel)
    fake.delete_message(msg)
    return None


@route("POST", "/channels/{channel_id}/messages/bulk-delete")
async def bulk_delete(fake: FakeDiscord, req: ApiRequest) -> Any:
    channel = _channel(fake, req)
    fake.require_permission(fake.world.guild_of(channel), MANAGE_MESSAGES, channel)
    ids = [int(i) for i in req.body().get("messages", [])]
    if not 2 <= len(ids) <= 100:
        raise invalid_form(
            "messages", "Must be between 2 and 100 in length.", "BASE_TYPE_BAD_LENGTH"
        )
    for mid in ids:
        fake.world.messages.pop(mid, None)
    data = {
        "ids": [str(i) for i in ids],
        "channel_id": str(channel.id),
        "guild_id": str(channel.guild_id),
    }
    fake.dispatch("MESSAGE_DELETE_BULK", data)
    return None


@route("POST", "/channels/{channel_id}/typing")
async def typing(fake: FakeDiscord, req: ApiRequest) -> Any:
    _channel(fake, req)
    return None


# ---------------------------------------------------------------- pins
def _set_pinned(fake: FakeDiscord, req: ApiRequest, pinned: bool) -> None:
    msg = _message(fake, req)
    channel = _channel(fake, req)
    fake.require_permission(fake.world.guild_of(channel), MANAGE_MESSAGES, channel)
    if (
        pinned
        and not msg.pinned
        and sum(m.pinned for m in fake.world.messages_in(channel.id)) >= 50
    ):
        raise ApiError(400, 30003, "Maximum number of pins reached (50)")
    msg.pinned = pinned
    msg.pinned_at = utcnow() if pinned else None
    fake.dispatch("MESSAGE_UPDATE", fake.message_payload(msg))
    event: dict[str, Any] = {
        "channel_id": str(channel.id),
        "last_pin_timestamp": utcnow().isoformat(),
    }
    if channel.guild_id:
        event["guild_id"] = str(channel.guild_id)
    fake.dispatch("CHANNEL_PINS_UPDATE", event)


@route("PUT", "/channels/{channel_id}/pins/{message_id}")
@route("PUT", "/channels/{channel_id}/messages/pins/{message_id}")
async def pin(fake: FakeDiscord, req: ApiRequest) -> Any:
    _set_pinned(fake, req, True)


@route("DELETE", "/channels/{channel_id}/pins/{message_id}")
@route("DELETE", "/channels/{channel_id}/messages/pins/{message_id}")
async def unpin(fake: FakeDiscord, req: ApiRequest) -> Any:
    _set_pinned(fake, req, False)


def _pinned(fake: FakeDiscord, req: ApiRequest) -> list[Message]:
    msgs = [m for m in fake.world.messages_in(_channel(fake, req).id) if m.pinned]
    return sorted(msgs, key=lambda m: m.pinned_at or utcnow(), reverse=True)


@route("GET", "/channels/{channel_id}/pins")
async def legacy_pins(fake: FakeDiscord, req: ApiRequest) -> Any:
    return [fake.message_payload(m) for m in _pinned(fake, req)]


@route("GET", "/channels/{channel_id}/messages/pins")
async def pins(fake: FakeDiscord, req: ApiRequest) -> Any:
    msgs = _pinned(fake, req)
    if "before" in req.query:
        from datetime import datetime

        before = datetime.fromisoformat(req.query["before"])
        msgs = [m for m in msgs if m.pinned_at is not None and m.pinned_at < before]
    limit = max(1, min(50, int(req.query.get("limit", 50))))
    items = [
        {"pinned_at": (m.pinned_at or utcnow()).isoformat(), "message": fake.message_payload(m)}
        for m in msgs
    ]
    return {"items": items[:limit], "has_more": len(items) > limit}


# ----------------------------------------------------------- reactions
@route("PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def add_own_reaction(fake: FakeDiscord, req: ApiRequest) -> Any:
    msg = _message(fake, req)
    channel = _channel(fake, req)
    fake.require_permission(fake.world.guild_of(channel), ADD_REACTIONS | READ_HISTORY, channel)
    fake.add_reaction(msg, req.params["emoji"], fake.world.bot_user.id)


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me")
async def remove_own_reaction(fake: FakeDiscord, req: ApiRequest) -> Any:
    fake.remove_reaction(_message(fake, req), req.params["emoji"], fake.world.bot_user.id)


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/{user_id}")
async def remove_user_reaction(fake: FakeDiscord, req: ApiRequest) -> Any:
    msg = _message(fake, req)
    channel = _channel(fake, req)
    fake.require_permission(fake.world.guild_of(channel), MANAGE_MESSAGES, channel)
    fake.remove_reaction(msg, req.params["emoji"], int(req.params["user_id"]))


@route("GET", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
async def reaction_users(fake: FakeDiscord, req: ApiRequest) -> Any:
    from .core import parse_emoji
    from .payloads import user

    msg = _message(fake, req)
    key, _ = parse_emoji(req.params["emoji"])
    limit = max(1, min(100, int(req.query.get("limit", 25))))
    after = int(req.query.get("after", 0))
    ids = sorted(i for i in msg.reaction_users(key) if i > after)[:limit]
    return [user(fake.world.users[i]) for i in ids if i in fake.world.users]


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions")
async def clear_reactions(fake: FakeDiscord, req: ApiRequest) -> Any:
    msg = _message(fake, req)
    channel = _channel(fake, req)
    fake.require_permission(fake.world.guild_of(channel), MANAGE_MESSAGES, channel)
    msg.reactions.clear()
    data = {
        "channel_id": str(msg.channel_id),
        "message_id": str(msg.id),
        "guild_id": str(msg.guild_id),
    }
    fake.dispatch("MESSAGE_REACTION_REMOVE_ALL", data)


@route("DELETE", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}")
async def clear_emoji(fake: FakeDiscord, req: ApiRequest) -> Any:
    from .core import parse_emoji

    msg = _message(fake, req)
    channel = _channel(fake, req)
    fake.require_permission(fake.world.guild_of(channel), MANAGE_MESSAGES, channel)
    key, emoji = parse_emoji(req.params["emoji"])
    msg.reactions.pop(key, None)
    data = {
        "channel_id": str(msg.channel_id),
        "message_id": str(msg.id),
        "guild_id": str(msg.guild_id),
        "emoji": emoji,
    }
    fake.dispatch("MESSAGE_REACTION_REMOVE_EMOJI", data)


# ----------------------------------------------------------------- DMs
@route("POST", "/users/@me/channels")
async def open_dm(fake: FakeDiscord, req: ApiRequest) -> Any:
    recipient = int(req.body().get("recipient_id", 0))
    if recipient not in fake.world.users:
        raise not_found("user")
    channel_id = fake.world.dm_channels.get(recipient)
    if channel_id is None:
        channel = Channel(id=fake.world.ids.next(), type=DM, recipients=[recipient])
        fake.world.channels[channel.id] = channel
        fake.world.dm_channels[recipient] = channel.id
    else:
        channel = fake.world.channels[channel_id]
    return fake.channel_payload(channel)
