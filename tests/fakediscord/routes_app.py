"""Routes: identity, gateway discovery, application commands, interaction callbacks, webhooks."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from . import payloads
from .rest import MISSING_ACCESS, ApiError, ApiRequest, invalid_form, not_found, route
from .results import PendingInteraction
from .state import Message

if TYPE_CHECKING:
    from .driver import FakeDiscord

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
# Fields of the application command object that the option object (a subcommand or a
# subcommand group) does not have: Discord reads permissions, contexts and the like on
# top-level commands only and ignores them below (an unknown field of an option is not
# an error). The fake drops them as Discord does, and lists each in `fake.ignored`, so
# a test can see a permission that was set where it has no effect.
TOP_LEVEL_ONLY = ("default_member_permissions", "dm_permission", "nsfw", "contexts",
                  "integration_types")  # fmt: skip


@route("GET", "/users/@me")
async def get_me(fake: FakeDiscord, req: ApiRequest) -> Any:
    return {
        **payloads.user(fake.world.bot_user),
        "verified": True,
        "mfa_enabled": False,
        "flags": 0,
    }


@route("GET", "/users/@me/guilds")
async def get_my_guilds(fake: FakeDiscord, req: ApiRequest) -> Any:
    """Partial guilds the bot is in, by id, paged with before/after and limit (1-200)."""
    me = fake.world.bot_user.id
    limit = int(req.query.get("limit", 200))
    if not 1 <= limit <= 200:
        raise invalid_form("limit", "int value should be less than or equal to 200.")
    after, before = int(req.query.get("after", 0)), int(req.query.get("before", 0))
    found = sorted(
        (g for g in fake.world.guilds.values() if me in g.members and g.id > after),
        key=lambda g: g.id,
    )
    if before:
        found = [g for g in found if g.id < before][-limit:]
    return [
        {"id": str(g.id), "name": g.name, "icon": None, "banner": None,
         "owner": g.owner_id == me, "features": g.features,
         "permissions": str(g.base_permissions(g.members[me]))}
        for g in found[:limit]
    ]  # fmt: skip


@route("GET", "/users/{user_id}")
async def get_user(fake: FakeDiscord, req: ApiRequest) -> Any:
    user = fake.world.users.get(int(req.params["user_id"]))
    if user is None:
        raise not_found("user")
    return payloads.user(user)


@route("GET", "/oauth2/applications/@me")
async def get_application(fake: FakeDiscord, req: ApiRequest) -> Any:
    owner = fake.owner.user
    return {
        "id": str(fake.world.app_id),
        "name": fake.world.bot_user.name,
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": payloads.user(owner),
        "summary": "",
        "verify_key": "0" * 64,
        "team": None,
        "flags": fake.application_flags,
        "bot": payloads.user(fake.world.bot_user),
    }


@route("GET", "/gateway")
async def get_gateway(fake: FakeDiscord, req: ApiRequest) -> Any:
    return {"url": fake.gateway_url}


@route("GET", "/gateway/bot")
async def get_gateway_bot(fake: FakeDiscord, req: ApiRequest) -> Any:
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    return {
        "url": fake.gateway_url,
        "shards": fake.recommended_shards,
        "session_start_limit": limit,
    }


# ------------------------------------------------------------------ commands
def _validate_command(cmd: dict[str, Any], where: str) -> None:
    if not NAME_RE.match(cmd.get("name", "")) or cmd["name"] != cmd["name"].lower():
        raise invalid_form(
            f"{where}.name", "Invalid command name", "APPLICATION_COMMAND_INVALID_NAME"
        )
    if cmd.get("type", 1) == 1 and not 1 <= len(cmd.get("description") or "") <= 100:
        raise invalid_form(
            f"{where}.description", "Must be between 1 and 100 in length.", "BASE_TYPE_BAD_LENGTH"
        )
    options = cmd.get("options") or []
    if len(options) > 25:
        raise invalid_form(
            f"{where}.options", "Must be 25 or fewer in length.", "BASE_TYPE_MAX_LENGTH"
        )
    seen_optional = False
    names: set[str] = set()
    for i, opt in enumerate(options):
        if opt["name"] in names:
            raise invalid_form(
                f"{where}.options",
                "Duplicate option name",
                "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
            )
        names.add(opt["name"])
        if opt["type"] in (1, 2):
            _validate_command(opt, f"{where}.options.{i}")
            continue
        if len(opt.get("choices") or []) > 25:
            raise invalid_form(
                f"{where}.options.{i}.choices",
                "Must be 25 or fewer in length.",
                "BASE_TYPE_MAX_LENGTH",
            )
        if opt.get("required"):
            if seen_optional:
                raise invalid_form(f"{where}.options", "Required options must be placed before non-required options",
                                   "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID")  # fmt: skip
        else:
            seen_optional = True


def _drop_top_level_fields(fake: FakeDiscord, cmd: dict[str, Any], where: str) -> dict[str, Any]:
    """The command with its subcommands' top-level-only fields dropped (and reported)."""
    options = []
    for i, opt in enumerate(cmd.get("options") or []):
        if opt.get("type") in (1, 2):
            inner = f"{where}.options.{i}"
            opt = dict(_drop_top_level_fields(fake, opt, inner))
            for name in TOP_LEVEL_ONLY:
                if name in opt:
                    fake.ignored.append(
                        f"{inner}.{name} ({opt['name']}): ignored below the top level"
                    )
                    del opt[name]
        options.append(opt)
    return {**cmd, "options": options} if "options" in cmd else cmd


def _store_commands(fake: FakeDiscord, body: Any, guild_id: int | None) -> list[dict[str, Any]]:
    if not isinstance(body, list):
        raise invalid_form("_root", "Expected an array")
    if len(body) > 100:
        raise ApiError(400, 30032, "Maximum number of application commands reached (100)")
    existing = (
        fake.world.guild_commands.get(guild_id, []) if guild_id else fake.world.global_commands
    )
    by_key = {(c["name"], c.get("type", 1)): c for c in existing}
    seen: set[tuple[str, int]] = set()
    stored = []
    for i, cmd in enumerate(body):
        _validate_command(cmd, str(i))
        cmd = _drop_top_level_fields(fake, cmd, str(i))
        key = (cmd["name"], cmd.get("type", 1))
        if key in seen:
            raise invalid_form(
                str(i),
                "Application command names must be unique",
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
            )
        seen.add(key)
        old = by_key.get(key)
        data = {
            "type": 1, "default_member_permissions": None, "nsfw": False, "dm_permission": True, **cmd,
            "id": old["id"] if old else str(fake.world.ids.next()),
            "application_id": str(fake.world.app_id),
            "version": str(fake.world.ids.next()),
        }  # fmt: skip
        if data["default_member_permissions"] is not None:  # a bitfield: Discord answers a string
            data["default_member_permissions"] = str(int(data["default_member_permissions"]))
        if guild_id:
            data["guild_id"] = str(guild_id)
        stored.append(data)
    if guild_id:
        fake.world.guild_commands[guild_id] = stored
    else:
        fake.world.global_commands = stored
    return stored


@route("PUT", "/applications/{application_id}/commands")
async def put_global_commands(fake: FakeDiscord, req: ApiRequest) -> Any:
    return _store_commands(fake, req.json, None)


@route("GET", "/applications/{application_id}/commands")
async def get_global_commands(fake: FakeDiscord, req: ApiRequest) -> Any:
    return fake.world.global_commands


@route("PUT", "/applications/{application_id}/guilds/{guild_id}/commands")
async def put_guild_commands(fake: FakeDiscord, req: ApiRequest) -> Any:
    # A server the application is not in (or no such server): Discord says Missing Access.
    guild = fake.world.guilds.get(int(req.params["guild_id"]))
    if guild is None or fake.world.bot_user.id not in guild.members:
        raise ApiError(*MISSING_ACCESS)
    return _store_commands(fake, req.json, guild.id)


@route("GET", "/applications/{application_id}/guilds/{guild_id}/commands")
async def get_guild_commands(fake: FakeDiscord, req: ApiRequest) -> Any:
    return fake.world.guild_commands.get(int(req.params["guild_id"]), [])


# -------------------------------------------------------------- interactions
def _pending_by_token(fake: FakeDiscord, req: ApiRequest) -> PendingInteraction:
    pending = fake.pending_by_token.get(req.params["token"])
    if pending is None or int(req.params["application_id"]) != fake.world.app_id:
        raise ApiError(404, 10015, "Unknown Webhook")
    return pending


def _interaction_message(fake: FakeDiscord, p: PendingInteraction, data: dict[str, Any], files: Any,
                         flags: int) -> Message:  # fmt: skip
    channel = fake.get_channel(p.channel_id) if p.channel_id else None
    if channel is None:
        raise ApiError(400, 0, "interaction has no channel")
    user = fake.world.users[p.user_id]
    meta = {"id": str(p.id), "type": p.type, "user": payloads.user(user),
            "authorizing_integration_owners": {"0": str(p.guild_id or p.user_id)}}  # fmt: skip
    body = {**data, "flags": flags}
    return fake.create_message(
        channel, fake.world.bot_user.id, body, files, type=20 if p.type == 2 else 0,
        validate=not flags & 128, webhook_id=fake.world.app_id, application_id=fake.world.app_id,
        interaction_metadata=meta,
    )  # fmt: skip


@route("POST", "/interactions/{interaction_id}/{token}/callback")
async def interaction_callback(fake: FakeDiscord, req: ApiRequest) -> Any:
    p = fake.pending.get(int(req.params["interaction_id"]))
    if p is None or p.token != req.params["token"]:
        raise ApiError(404, 10062, "Unknown interaction")
    if p.callback_type is not None:
        raise ApiError(400, 40060, "Interaction has already been acknowledged.")
    if time.monotonic() - p.created > fake.interaction_deadline:
        raise ApiError(404, 10062, "Unknown interaction")
    body = req.body()
    kind = int(body.get("type", 0))
    data = body.get("data") or {}
    resource: dict[str, Any] = {"type": kind}
    flags = int(data.get("flags") or 0)
    if kind == 4:
        msg = _interaction_message(fake, p, data, req.files, flags)
        p.original_message_id = msg.id
    elif kind == 5:
        msg = _interaction_message(fake, p, {"content": ""}, [], 128 | (flags & 64))
        p.original_message_id = msg.id
    elif kind in (6, 7):
        if p.source_message_id is None:
            raise ApiError(400, 40004, "Interaction has no message to update")
        p.original_message_id = p.source_message_id
        if kind == 7:
            fake.edit_message(fake.world.messages[p.source_message_id], data, req.files)
    elif kind == 9:
        fake.modals_sent.append((p.user_id, data))
    elif kind not in (1, 8, 10, 12):
        raise invalid_form("type", f"Unsupported callback type {kind}")
    p.callback_type, p.callback_data, p.callback_at = kind, data, time.monotonic()
    p.touch()
    if not req.flag("with_response"):
        return None  # Discord: 204 No Content unless the callback object is asked for
    original = fake.world.messages.get(p.original_message_id) if p.original_message_id else None
    if original is not None and kind in (4, 5, 7):
        resource["message"] = fake.message_payload(original)
    info: dict[str, Any] = {"id": str(p.id), "type": p.type}
    if original is not None:
        info.update(response_message_id=str(original.id), response_message_loading=kind == 5,
                    response_message_ephemeral=original.ephemeral)  # fmt: skip
    return {"interaction": info, "resource": resource}


def _webhook_message(fake: FakeDiscord, p: PendingInteraction, message_ref: str) -> Message:
    if message_ref == "@original":
        mid = p.original_message_id
    else:
        mid = int(message_ref) if message_ref.isdigit() else None
    msg = fake.world.messages.get(mid) if mid is not None else None
    if msg is None:
        raise not_found("message")
    return msg


@route("GET", "/webhooks/{application_id}/{token}/messages/{message_ref}")
async def get_webhook_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    p = _pending_by_token(fake, req)
    return fake.message_payload(_webhook_message(fake, p, req.params["message_ref"]))


@route("PATCH", "/webhooks/{application_id}/{token}/messages/{message_ref}")
async def edit_webhook_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    p = _pending_by_token(fake, req)
    msg = fake.edit_message(
        _webhook_message(fake, p, req.params["message_ref"]), req.body(), req.files
    )
    if msg.id == p.original_message_id:
        p.original_edits += 1
    p.touch()
    return fake.message_payload(msg)


@route("DELETE", "/webhooks/{application_id}/{token}/messages/{message_ref}")
async def delete_webhook_message(fake: FakeDiscord, req: ApiRequest) -> Any:
    p = _pending_by_token(fake, req)
    fake.delete_message(_webhook_message(fake, p, req.params["message_ref"]))
    p.touch()
    return None


@route("POST", "/webhooks/{application_id}/{token}")
async def create_followup(fake: FakeDiscord, req: ApiRequest) -> Any:
    p = _pending_by_token(fake, req)
    if p.callback_type is None:
        raise ApiError(404, 10015, "Unknown Webhook")
    body = req.body()
    original = fake.world.messages.get(p.original_message_id) if p.original_message_id else None
    if p.callback_type == 5 and original is not None and original.flags & 128:
        # Discord: the first follow-up after a "thinking" deferral replaces that message.
        msg = fake.edit_message(original, {**body, "flags": original.flags & 64}, req.files)
        p.original_edits += 1
    else:
        msg = _interaction_message(fake, p, body, req.files, int(body.get("flags") or 0))
    p.followup_ids.append(msg.id)
    p.touch()
    if req.flag("wait"):
        return fake.message_payload(msg)
    return None
