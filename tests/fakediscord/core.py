"""State mutations shared by REST routes and the test driver; every change is dispatched."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import payloads
from .rest import MISSING_PERMISSIONS, ApiError, invalid_form, not_found
from .state import Attachment, Channel, Guild, Member, Message, Reaction, utcnow

if TYPE_CHECKING:
    from .driver import FakeDiscord

CUSTOM_EMOJI = re.compile(r"^<?a?:?(?P<name>[\w~-]+):(?P<id>\d+)>?$")
FILES = list[tuple[str, bytes, "str | None"]]


def parse_emoji(raw: str) -> tuple[str, dict[str, Any]]:
    """'👍' or 'name:id' (or '<:name:id>') -> (storage key, partial emoji payload)."""
    match = CUSTOM_EMOJI.match(raw)
    if match:
        return f"{match['name']}:{match['id']}", {
            "id": match["id"],
            "name": match["name"],
            "animated": False,
        }
    return raw, {"id": None, "name": raw}


def _check_embeds(embeds: list[dict[str, Any]]) -> None:
    if len(embeds) > 10:
        raise invalid_form("embeds", "Must be 10 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    total = 0
    limits = {"title": 256, "description": 4096}
    for embed in embeds:
        for key, limit in limits.items():
            text = embed.get(key) or ""
            if len(text) > limit:
                raise invalid_form(
                    f"embeds.{key}", f"Must be {limit} or fewer in length.", "BASE_TYPE_MAX_LENGTH"
                )
            total += len(text)
        fields = embed.get("fields") or []
        if len(fields) > 25:
            raise invalid_form(
                "embeds.fields", "Must be 25 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
            )
        for f in fields:
            if len(f.get("name", "")) > 256 or len(f.get("value", "")) > 1024:
                raise invalid_form("embeds.fields", "Field too long.", "BASE_TYPE_MAX_LENGTH")
            total += len(f.get("name", "")) + len(f.get("value", ""))
        total += len((embed.get("footer") or {}).get("text", "")) + len(
            (embed.get("author") or {}).get("name", "")
        )
    if total > 6000:
        raise invalid_form(
            "embeds", "Embed size exceeds maximum size of 6000", "MAX_EMBED_SIZE_EXCEEDED"
        )


def _check_components(components: list[dict[str, Any]], flags: int) -> None:
    if flags & (1 << 15):  # components v2: no content/embeds limits checked here
        return
    if len(components) > 5:
        raise invalid_form("components", "Must be 5 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    for row in components:
        for comp in row.get("components", []):
            if len(comp.get("custom_id") or "") > 100 or len(comp.get("label") or "") > 80:
                raise invalid_form(
                    "components", "Must be 100 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
                )


def _check_attachments(meta: list[dict[str, Any]]) -> None:
    """Discord: an attachment's description (alt text) is at most 1,024 characters."""
    for index, item in enumerate(meta):
        if len(item.get("description") or "") > 1024:
            raise invalid_form(
                f"attachments.{index}.description",
                "Must be 1024 or fewer in length.",
                "BASE_TYPE_MAX_LENGTH",
            )


ATTACHMENTS = 10  # files in one message
UPLOAD_LIMIT = 10 * 1024 * 1024  # bytes of files in one request, in a server without boosts


def _check_files(meta: list[dict[str, Any]], files: FILES) -> None:
    """Discord: at most 10 attachments to a message, and the files of one request within
    the upload limit (10 MiB without boosts: 413, "Request entity too large")."""
    if max(len(meta), len(files)) > ATTACHMENTS:
        raise invalid_form("attachments", "Must be 10 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    if sum(len(data) for _name, data, _type in files) > UPLOAD_LIMIT:
        raise ApiError(413, 40005, "Request entity too large")


def validate_message_body(body: dict[str, Any], files: FILES, *, creating: bool) -> None:
    content = body.get("content")
    if content is not None and len(str(content)) > 2000:
        raise invalid_form("content", "Must be 2000 or fewer in length.", "BASE_TYPE_MAX_LENGTH")
    _check_attachments(body.get("attachments") or [])
    _check_files(body.get("attachments") or [], files)
    _check_embeds(body.get("embeds") or [])
    _check_components(body.get("components") or [], int(body.get("flags") or 0))
    if creating and not (
        content
        or body.get("embeds")
        or files
        or body.get("components")
        or body.get("sticker_ids")
        or body.get("poll")
    ):
        raise ApiError(400, 50006, "Cannot send an empty message")


class FakeCore:
    """Mixin over FakeDiscord: lookups, message/reaction/channel/member operations."""

    def _self(self) -> FakeDiscord:
        return self  # type: ignore[return-value]

    # lookups -----------------------------------------------------------
    def get_channel(self, channel_id: int) -> Channel:
        channel = self._self().world.channels.get(channel_id)
        if channel is None:
            raise not_found("channel")
        return channel

    def get_message(self, channel_id: int, message_id: int) -> Message:
        self.get_channel(channel_id)
        msg = self._self().world.messages.get(message_id)
        if msg is None or msg.channel_id != channel_id:
            raise not_found("message")
        return msg

    def get_guild(self, guild_id: int) -> Guild:
        guild = self._self().world.guilds.get(guild_id)
        if guild is None:
            raise not_found("guild")
        return guild

    def require_permission(
        self, guild: Guild | None, bit: int, channel: Channel | None = None
    ) -> None:
        fake = self._self()
        if guild is None or fake.world.bot_user.id not in guild.members:
            return
        perms = guild.permissions_in(guild.members[fake.world.bot_user.id], channel)
        if not perms & bit:
            raise ApiError(*MISSING_PERMISSIONS)

    # messages ----------------------------------------------------------
    def message_payload(self, msg: Message) -> dict[str, Any]:
        fake = self._self()
        return dict(payloads.message(msg, fake.world, fake.base_url))

    def find_nonce(self, channel_id: int, nonce: Any) -> Message | None:
        horizon = time.monotonic() - self._self().nonce_window
        for msg in self._self().world.messages.values():
            if (
                msg.channel_id == channel_id
                and msg.nonce is not None
                and str(msg.nonce) == str(nonce)
            ):
                if msg.created_monotonic >= horizon:
                    return msg
        return None

    def _attachments(
        self, body: dict[str, Any], files: FILES, keep: list[Attachment]
    ) -> list[Attachment]:
        fake = self._self()
        meta = body.get("attachments")
        result = list(keep)
        if meta is not None:
            kept_ids = {str(a.get("id")) for a in meta}
            result = [a for a in keep if str(a.id) in kept_ids]
        descriptions = {str(a.get("id")): a.get("description") for a in (meta or [])}
        for index, (filename, data, ctype) in enumerate(files):
            att = Attachment(
                fake.world.ids.next(), filename, data, ctype, descriptions.get(str(index))
            )
            result.append(att)
        return result

    def create_message(
        self,
        channel: Channel,
        author_id: int,
        body: dict[str, Any],
        files: FILES = (),  # type: ignore[assignment]
        *,
        type: int = 0,
        dispatch: bool = True,
        validate: bool = True,
        message_id: int | None = None,
        **extra: Any,
    ) -> Message:
        fake = self._self()
        if validate:
            validate_message_body(body, list(files), creating=True)
        ref = body.get("message_reference")
        msg = Message(
            id=message_id or fake.world.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author_id,
            content=str(body.get("content") or ""),
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            flags=int(body.get("flags") or 0),
            nonce=body.get("nonce"),
            tts=bool(body.get("tts")),
            type=19 if ref and type == 0 else type,
            message_reference=ref,
            allowed_mentions=body.get("allowed_mentions"),
            **extra,
        )
        msg.attachments = self._attachments(body, list(files), [])
        fake.world.messages[msg.id] = msg
        channel.last_message_id = msg.id
        if dispatch and not msg.ephemeral:
            fake.dispatch("MESSAGE_CREATE", self.message_payload(msg))
        return msg

    def edit_message(self, msg: Message, body: dict[str, Any], files: FILES = ()) -> Message:  # type: ignore[assignment]
        validate_message_body(body, list(files), creating=False)
        if "content" in body:
            msg.content = str(body["content"] or "")
        if "embeds" in body:
            msg.embeds = list(body["embeds"] or [])
        if "components" in body:
            msg.components = list(body["components"] or [])
        if "flags" in body and body["flags"] is not None:
            msg.flags = (msg.flags & 64) | int(body["flags"])
        if "attachments" in body or files:
            msg.attachments = self._attachments(body, list(files), msg.attachments)
        msg.flags &= ~128  # no longer "thinking"
        msg.edited_timestamp = utcnow()
        if not msg.ephemeral:
            self._self().dispatch("MESSAGE_UPDATE", self.message_payload(msg))
        return msg

    def delete_message(self, msg: Message) -> None:
        fake = self._self()
        fake.world.messages.pop(msg.id, None)
        data: dict[str, Any] = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
        if not msg.ephemeral:
            fake.dispatch("MESSAGE_DELETE", data)

    # reactions ---------------------------------------------------------
    def reaction_event(
        self, msg: Message, emoji: dict[str, Any], user_id: int, added: bool
    ) -> dict[str, Any]:
        fake = self._self()
        data: dict[str, Any] = {
            "user_id": str(user_id),
            "channel_id": str(msg.channel_id),
            "message_id": str(msg.id),
            "emoji": emoji,
            "burst": False,
            "type": 0,
        }
        if msg.guild_id is not None:
            data["guild_id"] = str(msg.guild_id)
            guild = fake.world.guilds.get(msg.guild_id)
            if added and guild is not None and user_id in guild.members:
                data["member"] = payloads.member(guild.members[user_id])
        if added:
            data["message_author_id"] = str(msg.author_id)
            data["burst_colors"] = []
        return data

    def add_reaction(self, msg: Message, raw_emoji: str, user_id: int) -> bool:
        key, emoji = parse_emoji(raw_emoji)
        reaction = msg.reactions.setdefault(key, Reaction(emoji=emoji))
        if user_id in reaction.users:
            return False
        if len(msg.reactions) > 20 and not reaction.users:
            del msg.reactions[key]
            raise ApiError(400, 30010, "Maximum number of reactions reached (20)")
        reaction.users.append(user_id)
        self._self().dispatch(
            "MESSAGE_REACTION_ADD", self.reaction_event(msg, emoji, user_id, True)
        )
        return True

    def add_reactions(
        self, msg: Message, reactions: Iterable[tuple[str, int]], *, dispatch: bool = True
    ) -> list[dict[str, Any]]:
        """Many (emoji, user id) reactions at once, as `add_reaction` for each but in time
        linear in their number (benchmarks add 10,000). Returns the MESSAGE_REACTION_ADD
        payloads of those added, in order; with ``dispatch=False`` nothing is sent, as if
        they had been added while no client was connected (``dispatch_many`` sends them)."""
        events: list[dict[str, Any]] = []
        present: dict[str, set[int]] = {}
        for raw_emoji, user_id in reactions:
            key, emoji = parse_emoji(raw_emoji)
            reaction = msg.reactions.get(key)
            if reaction is None:
                if len(msg.reactions) >= 20:
                    raise ApiError(400, 30010, "Maximum number of reactions reached (20)")
                reaction = msg.reactions[key] = Reaction(emoji=emoji)
            users = present.setdefault(key, set(reaction.users))
            if user_id in users:
                continue
            users.add(user_id)
            reaction.users.append(user_id)
            events.append(self.reaction_event(msg, reaction.emoji, user_id, True))
        if dispatch:
            self._self().dispatch_many("MESSAGE_REACTION_ADD", events)
        return events

    def remove_reaction(self, msg: Message, raw_emoji: str, user_id: int) -> bool:
        key, emoji = parse_emoji(raw_emoji)
        reaction = msg.reactions.get(key)
        if reaction is None or user_id not in reaction.users:
            return False
        reaction.users.remove(user_id)
        if not reaction.users:
            del msg.reactions[key]
        self._self().dispatch(
            "MESSAGE_REACTION_REMOVE", self.reaction_event(msg, emoji, user_id, False)
        )
        return True

    # channels and members ----------------------------------------------
    def channel_payload(self, channel: Channel) -> dict[str, Any]:
        return dict(payloads.channel(channel, self._self().world))

    def add_channel(self, channel: Channel) -> Channel:
        fake = self._self()
        fake.world.channels[channel.id] = channel
        guild = fake.world.guild_of(channel)
        if guild is not None:
            guild.channels[channel.id] = channel
        if channel.is_thread:
            fake.dispatch("THREAD_CREATE", {**self.channel_payload(channel), "newly_created": True})
        elif guild is not None:
            fake.dispatch("CHANNEL_CREATE", self.channel_payload(channel))
        return channel

    def channel_updated(self, channel: Channel) -> None:
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        self._self().dispatch(event, self.channel_payload(channel))

    def remove_channel(self, channel: Channel) -> None:
        fake = self._self()
        fake.world.channels.pop(channel.id, None)
        guild = fake.world.guild_of(channel)
        if guild is not None:
            guild.channels.pop(channel.id, None)
        if channel.is_thread:
            data = {
                "id": str(channel.id),
                "guild_id": str(channel.guild_id),
                "parent_id": str(channel.parent_id),
            }
            fake.dispatch("THREAD_DELETE", {**data, "type": channel.type})
        else:
            fake.dispatch("CHANNEL_DELETE", self.channel_payload(channel))

    def member_updated(self, guild: Guild, member: Member) -> None:
        data = {**payloads.member(member), "guild_id": str(guild.id)}
        self._self().dispatch("GUILD_MEMBER_UPDATE", data)
