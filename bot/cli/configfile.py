"""`sipbot export-config` / `import-config`: a server's settings (configuration and
offices) as a JSON file, to keep, to edit, or to move to another server.

The file is written through bot/kit/jsonout.py (every id a string) and says which
format it is. Reading it checks each value as `/setup` would (language, time zone,
reminder delays, sizes) and names the one that is wrong. A file exported from one
server and imported into another (`--guild`) leaves out the old server's role and
channel ids, which mean nothing there, and says which to set again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.kit.user_error import UserError
from bot.setup import rules
from storage.guild_settings import TRANSFERRED
from storage.models import GuildConfig
from storage.upsert import table_of

FORMAT = "sipbot server settings"
VERSION = 1
COUNTRIES = ("FR", "BE")


class BadFile(ValueError):
    """What is wrong in the file, naming the place ("servers[0].settings.language")."""


@dataclass
class Server:
    guild_id: int
    values: dict[str, Any]
    offices: list[tuple[str, str, str]]
    ignored: list[str] = field(default_factory=list)  # keys this version does not know
    cleared: list[str] = field(default_factory=list)  # ids left out when moving


def document(
    servers: list[tuple[int, dict[str, Any], list[tuple[str, str, str]]]],
    revision: str | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now,
        "schema": revision,
        "servers": [
            {
                "guild_id": guild_id,
                "settings": _shown(values),
                "offices": [{"name": n, "country": c, "region": r} for n, c, r in offices],
            }
            for guild_id, values, offices in servers
        ],
    }


def _shown(values: dict[str, Any]) -> dict[str, Any]:
    shown = dict(values)
    if "reminder_offsets" in shown:  # "7d, 24h, 1h", as /setup reminders takes them
        minutes = [int(part) for part in str(shown["reminder_offsets"]).split(",") if part]
        shown["reminder_offsets"] = rules.format_offsets(minutes)
    return shown


def parse(text: str, into: int | None = None) -> list[Server]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BadFile(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BadFile(f'not a settings file: "format" must be "{FORMAT}"')
    if data.get("version") != VERSION:
        raise BadFile(f"version {data.get('version')!r}: this sipbot reads version {VERSION}")
    servers = data.get("servers")
    if not isinstance(servers, list) or not servers:
        raise BadFile('"servers" must be a list of at least one server')
    if into is not None and len(servers) != 1:
        raise BadFile(
            f"the file holds {len(servers)} servers; --guild takes a file of one "
            "(export it with export-config --guild ID)"
        )
    return [_server(entry, f"servers[{i}]", into) for i, entry in enumerate(servers)]


def _server(entry: Any, where: str, into: int | None) -> Server:
    if not isinstance(entry, dict):
        raise BadFile(f"{where} must be an object")
    source = _id(entry.get("guild_id"), f"{where}.guild_id")
    if source is None:
        raise BadFile(f"{where}.guild_id is missing")
    settings = entry.get("settings", {})
    if not isinstance(settings, dict):
        raise BadFile(f"{where}.settings must be an object")
    server = Server(into or source, {}, _offices(entry.get("offices", []), f"{where}.offices"))
    for key, value in settings.items():
        if key not in TRANSFERRED:
            server.ignored.append(key)
        elif key.endswith("_id") and server.guild_id != source:
            server.values[key] = None
            if value is not None:
                server.cleared.append(key)
        else:
            server.values[key] = _value(key, value, f"{where}.settings.{key}")
    low = server.values.get("group_min_size")
    high = server.values.get("group_max_size")
    if low is not None and high is not None and low > high:
        raise BadFile(f"{where}.settings: group_min_size {low} is above group_max_size {high}")
    return server


def _id(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return int(value)
    raise BadFile(f"{where} must be an id (digits), not {value!r}")


def _value(key: str, value: Any, where: str) -> Any:
    try:
        if key.endswith("_id"):
            return _id(value, where)
        if key == "language":
            if value not in rules.LANGUAGES:
                raise BadFile(f"{where} must be one of {', '.join(rules.LANGUAGES)}")
            return value
        if key == "timezone":
            return rules.parse_timezone(_text(value, where))
        if key == "reminder_offsets":
            return ",".join(str(m) for m in rules.parse_offsets(_text(value, where)))
    except UserError:
        raise BadFile(f"{where}: {value!r} is not accepted by /setup") from None
    kind = table_of(GuildConfig).columns[key].type.python_type
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise BadFile(f"{where} must be a whole number of at least 1, not {value!r}")
        return value
    if kind is bool and not isinstance(value, bool):
        raise BadFile(f"{where} must be true or false, not {value!r}")
    if kind is str:
        return _text(value, where)
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise BadFile(f"{where} must be text, not {value!r}")
    return value


def _offices(raw: Any, where: str) -> list[tuple[str, str, str]]:
    if not isinstance(raw, list):
        raise BadFile(f"{where} must be a list")
    found: dict[str, tuple[str, str, str]] = {}
    for i, office in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(office, dict):
            raise BadFile(f"{here} must be an object with name, country and region")
        name = _text(office.get("name"), f"{here}.name").strip()
        region = _text(office.get("region"), f"{here}.region").strip()
        country = _text(office.get("country"), f"{here}.country").strip().upper()
        if not name or len(name) > 80 or len(region) > 80:
            raise BadFile(f"{here}: name and region must be 1 to 80 characters")
        if country not in COUNTRIES:
            raise BadFile(f"{here}.country must be FR or BE, not {country!r}")
        if name.lower() in found:
            raise BadFile(f"{here}: a second office named {name!r}")
        found[name.lower()] = (name, country, region)
    return list(found.values())
