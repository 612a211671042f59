"""Interaction payloads built from the registered command tree and from what the bot sent."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import payloads
from .results import PendingInteraction
from .state import DM, Channel, Guild, Member, Role, World

if TYPE_CHECKING:
    from .driver import FakeDiscord

SUB_COMMAND, SUB_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = (
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
)


# ---------------------------------------------------------------- payloads
def find_command(
    fake: FakeDiscord, path: str, guild_id: int | None
) -> tuple[dict[str, Any], list[str]]:
    names = path.split()
    if not names:
        raise AssertionError("empty command name")
    registered = list(fake.world.guild_commands.get(guild_id or 0, [])) + list(
        fake.world.global_commands
    )
    for cmd in registered:
        if cmd["name"] == names[0] and cmd.get("type", 1) == 1:
            return cmd, names[1:]
    known = sorted({c["name"] for c in registered})
    raise AssertionError(f"command {names[0]!r} is not registered (known: {known})")


def _resolve_value(
    world: World, guild: Guild | None, opt: dict[str, Any], value: Any, resolved: dict[str, Any]
) -> Any:
    kind = opt["type"]
    if kind == MENTIONABLE:
        vid = int(getattr(value, "id", value))
        kind = (
            ROLE if isinstance(value, Role) or (guild is not None and vid in guild.roles) else USER
        )
    if kind == USER:
        uid = int(getattr(value, "id", value))
        user = world.users.get(uid)
        if user is None:
            raise AssertionError(f"unknown user {uid} for option {opt['name']!r}")
        resolved.setdefault("users", {})[str(uid)] = payloads.user(user)
        if guild is not None and uid in guild.members:
            m = guild.members[uid]
            resolved.setdefault("members", {})[str(uid)] = payloads.member(
                m, with_user=False, permissions=guild.base_permissions(m)
            )
        return str(uid)
    if kind == ROLE:
        rid = int(getattr(value, "id", value))
        if guild is None or rid not in guild.roles:
            raise AssertionError(f"unknown role {rid} for option {opt['name']!r}")
        resolved.setdefault("roles", {})[str(rid)] = payloads.role(guild.roles[rid])
        return str(rid)
    if kind == CHANNEL:
        cid = int(getattr(value, "id", value))
        ch = world.channels.get(cid)
        if ch is None:
            raise AssertionError(f"unknown channel {cid} for option {opt['name']!r}")
        resolved.setdefault("channels", {})[str(cid)] = {
            **payloads.channel(ch, world),
            "permissions": str((1 << 51) - 1),
        }
        return str(cid)
    if kind == ATTACHMENT:
        filename, data = value
        aid = world.ids.next()
        url = f"http://127.0.0.1/attachments/0/{aid}/{filename}"
        resolved.setdefault("attachments", {})[str(aid)] = {
            "id": str(aid), "filename": filename, "size": len(data), "url": url, "proxy_url": url,
        }  # fmt: skip
        return str(aid)
    if kind == INTEGER:
        return int(value)
    if kind == NUMBER:
        return float(value)
    if kind == BOOLEAN:
        return bool(value)
    return str(value)


def build_options(
    world: World,
    guild: Guild | None,
    spec: dict[str, Any],
    given: dict[str, Any],
    resolved: dict[str, Any],
    focused: str | None = None,
    raw: bool = False,
) -> list[dict[str, Any]]:
    """The options of an interaction as Discord's client builds them; `raw` sends values
    outside the declared choices, as a hand-made request can (the bot must still cope)."""
    declared = {
        o["name"]: o for o in spec.get("options", []) if o["type"] not in (SUB_COMMAND, SUB_GROUP)
    }
    unknown = set(given) - set(declared)
    if unknown:
        raise AssertionError(
            f"unknown option(s) {sorted(unknown)} for {spec['name']!r}; declared: {sorted(declared)}"
        )
    out: list[dict[str, Any]] = []
    for name, opt in declared.items():
        if name == focused:
            out.append(
                {
                    "name": name,
                    "type": opt["type"],
                    "value": str(given.get(name, "")),
                    "focused": True,
                }
            )
            continue
        if name not in given:
            if opt.get("required") and focused is None:
                raise AssertionError(f"required option {name!r} missing for {spec['name']!r}")
            continue
        value = _resolve_value(world, guild, opt, given[name], resolved)
        choices = opt.get("choices")
        if choices and not raw and value not in [c["value"] for c in choices]:
            raise AssertionError(
                f"{value!r} is not a choice of {name!r}: {[c['value'] for c in choices]}"
            )
        out.append({"name": name, "type": opt["type"], "value": value})
    if focused is not None and focused not in declared:
        raise AssertionError(f"focused option {focused!r} is not declared on {spec['name']!r}")
    return out


def command_data(
    fake: FakeDiscord,
    path: str,
    guild: Guild | None,
    given: dict[str, Any],
    focused: str | None = None,
    raw: bool = False,
) -> dict[str, Any]:
    cmd, rest = find_command(fake, path, guild.id if guild else None)
    resolved: dict[str, Any] = {}
    spec = cmd
    chain: list[dict[str, Any]] = []
    for name in rest:
        subs = {
            o["name"]: o for o in spec.get("options", []) if o["type"] in (SUB_COMMAND, SUB_GROUP)
        }
        if name not in subs:
            raise AssertionError(
                f"no subcommand {name!r} under {spec['name']!r}; known: {sorted(subs)}"
            )
        spec = subs[name]
        chain.append(spec)
    if any(o["type"] in (SUB_COMMAND, SUB_GROUP) for o in spec.get("options", [])):
        raise AssertionError(f"{path!r} is a group; name a subcommand")
    options = build_options(fake.world, guild, spec, given, resolved, focused, raw)
    for sub in reversed(chain):
        options = [{"name": sub["name"], "type": sub["type"], "options": options}]
    data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": 1, "options": options}
    if cmd.get("guild_id"):
        data["guild_id"] = cmd["guild_id"]
    if resolved:
        data["resolved"] = resolved
    return data


def base_interaction(
    fake: FakeDiscord,
    pending: PendingInteraction,
    member: Member,
    channel: Channel | None,
    locale: str,
) -> dict[str, Any]:
    world = fake.world
    guild = world.guild_of(channel) if channel is not None else fake.guild
    data: dict[str, Any] = {
        "id": str(pending.id),
        "application_id": str(world.app_id),
        "type": pending.type,
        "token": pending.token,
        "version": 1,
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "app_permissions": str(fake.bot_permissions),
    }
    if channel is not None and channel.type == DM:
        data.update({"context": 1, "authorizing_integration_owners": {"0": str(member.id)}})
        data["user"] = payloads.user(member.user)
    elif guild is not None:
        perms = guild.permissions_in(member, channel)
        data.update(
            {
                "context": 0,
                "authorizing_integration_owners": {"0": str(guild.id)},
                "guild_id": str(guild.id),
                "guild": {
                    "id": str(guild.id),
                    "locale": guild.preferred_locale,
                    "features": guild.features,
                },
                "guild_locale": guild.preferred_locale,
                "member": payloads.member(member, permissions=perms),
            }
        )
        bot = guild.members.get(world.bot_user.id)
        if bot is not None:
            data["app_permissions"] = str(guild.permissions_in(bot, channel))
    if channel is not None:
        ch = dict(payloads.channel(channel, world))
        if guild is not None:
            ch["permissions"] = str(guild.permissions_in(member, channel))
        data["channel"] = ch
        data["channel_id"] = str(channel.id)
    return data


def find_component(components: list[dict[str, Any]], custom_id: str) -> dict[str, Any] | None:
    for comp in components:
        if comp.get("custom_id") == custom_id:
            return comp
        for key in ("components", "accessory", "component"):
            inner = comp.get(key)
            if isinstance(inner, dict):
                inner = [inner]
            if isinstance(inner, list):
                found = find_component(inner, custom_id)
                if found is not None:
                    return found
    return None


def echo_modal(
    components: list[dict[str, Any]], fields: dict[str, Any], used: set[str]
) -> list[dict[str, Any]]:
    """Mirror the modal the bot sent, filling values, as the Discord client would submit it."""
    out: list[dict[str, Any]] = []
    for comp in components:
        kind = comp.get("type")
        if kind == 1:
            out.append(
                {"type": 1, "components": echo_modal(comp.get("components", []), fields, used)}
            )
        elif kind == 18:
            inner = echo_modal([comp["component"]], fields, used)
            out.append({"type": 18, "id": comp.get("id", 0), "component": inner[0]})
        elif kind == 10:
            out.append({"type": 10, "id": comp.get("id", 0), "content": comp.get("content", "")})
        else:
            out.append(_echo_input(comp, fields, used))
    return out


def _echo_input(comp: dict[str, Any], fields: dict[str, Any], used: set[str]) -> dict[str, Any]:
    kind, cid = comp.get("type"), comp.get("custom_id", "")
    given = cid in fields
    if given:
        used.add(cid)
    base: dict[str, Any] = {"type": kind, "id": comp.get("id", 0), "custom_id": cid}
    if kind == 4:
        value = str(fields[cid]) if given else (comp.get("value") or "")
        if comp.get("required", True) and not value:
            raise AssertionError(f"modal text input {cid!r} is required")
        max_length = comp.get("max_length") or 4000
        if len(value) > max_length or len(value) < (comp.get("min_length") or 0):
            raise AssertionError(f"modal value for {cid!r} violates length bounds")
        return {**base, "value": value}
    if kind == 23:
        return {**base, "value": bool(fields.get(cid, False))}
    if kind == 21:
        return {**base, "value": fields.get(cid)}
    values = fields.get(cid, [])
    return {
        **base,
        "values": [
            str(getattr(v, "id", v)) for v in (values if isinstance(values, list) else [values])
        ],
    }


def role_or_user_resolved(
    world: World, guild: Guild | None, kind: int, values: list[Any]
) -> dict[str, Any]:
    resolved: dict[str, Any] = {}
    opt_kind = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}.get(kind)
    if opt_kind is None:
        return resolved
    for v in values:
        _resolve_value(world, guild, {"type": opt_kind, "name": "values"}, v, resolved)
    return resolved
