"""Settings read from the environment and a `.env` file.

Every problem is reported as one line naming the variable, so an organiser
who starts the bot for the first time knows exactly what to change.

Where: the bot's home holds `.env` and `data/`. It is `SIPBOT_HOME` when set (what the
systemd unit does), else the working directory (as it always was). `--env-file` names
another file to read instead of `<home>/.env`. A relative SQLite path in `DATABASE_URL`
(the default `data/sipbot.db` among them) is read from the home, so a service started
from anywhere finds its data. `Sources.looked_in` says all this in one line, for the
errors that would otherwise leave an operator guessing which file was read.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values
from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/sipbot.db"
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
HOME_VARIABLE = "SIPBOT_HOME"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message is one line naming it."""


@dataclass(frozen=True)
class Sources:
    """Where the settings were looked for."""

    home: Path
    home_from_variable: bool  # SIPBOT_HOME was set (else: the working directory)
    env_file: Path
    env_file_found: bool
    env_file_named: bool = False  # given with --env-file

    def looked_in(self) -> str:
        """One line for an error: which file, whether it was there, which home."""
        found = "" if self.env_file_found else " (not found)"
        home = (
            f"{HOME_VARIABLE}={self.home}"
            if self.home_from_variable
            else f"{HOME_VARIABLE} not set, so the working directory {self.home}"
        )
        return f"looked in {self.env_file}{found} and the environment; {home}"


@dataclass(frozen=True)
class Settings:
    discord_token: str | None = field(default=None, repr=False)
    database_url: str = DEFAULT_DATABASE_URL
    guild_ids: tuple[int, ...] = ()
    log_level: str = "INFO"
    api_base: str | None = None
    gateway_url: str | None = None
    # Discord's sharding: None = one shard, unless "auto" (Discord's recommended count);
    # shard_ids: the shards this process serves (all of them when not given).
    shard_count: int | None = None
    shard_auto: bool = False
    shard_ids: tuple[int, ...] = ()
    http_port: int | None = None  # /healthz and /metrics (bot/kit/watch.py); None: off
    http_host: str = "127.0.0.1"
    sources: Sources | None = field(default=None, compare=False)

    @property
    def log_level_number(self) -> int:
        return int(logging.getLevelName(self.log_level))


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver the bot needs."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    if url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        return url
    raise SettingsError(
        "DATABASE_URL must start with sqlite:/// or postgresql+asyncpg:// "
        f"(got a URL starting with {url.split(':', 1)[0]!r})"
    )


def _guild_ids(raw: str) -> tuple[int, ...]:
    ids: list[int] = []
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise SettingsError(
                f"SIPBOT_GUILD_IDS must be server ids separated by commas (not {part!r})"
            )
        ids.append(int(part))
    return tuple(ids)


def _shards(count_raw: str, ids_raw: str) -> tuple[int | None, bool, tuple[int, ...]]:
    count_raw, ids_raw = count_raw.strip().lower(), ids_raw.strip()
    if not count_raw:
        if ids_raw:
            raise SettingsError(
                "SIPBOT_SHARD_IDS needs SIPBOT_SHARD_COUNT (the total number of shards)"
            )
        return None, False, ()
    if count_raw == "auto":
        if ids_raw:
            raise SettingsError("SIPBOT_SHARD_IDS needs a number in SIPBOT_SHARD_COUNT, not auto")
        return None, True, ()
    if not count_raw.isdigit() or not 1 <= int(count_raw) <= 1024:
        raise SettingsError(
            f"SIPBOT_SHARD_COUNT must be auto or a number from 1 to 1024 (got {count_raw!r})"
        )
    count = int(count_raw)
    ids: list[int] = []
    for part in ids_raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) >= count:
            raise SettingsError(
                f"SIPBOT_SHARD_IDS must be shard numbers from 0 to {count - 1} separated by commas (not {part!r})"
            )
        ids.append(int(part))
    return count, False, tuple(sorted(set(ids))) or tuple(range(count))


def _http_url(name: str, raw: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise SettingsError(f"{name} must be a {' or '.join(schemes)} URL (got {raw!r})")
    return raw.rstrip("/") if name == "DISCORD_API_BASE" else raw


def _port(raw: str) -> int | None:
    if not raw.strip():
        return None
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 65535:
        raise SettingsError(f"SIPBOT_HTTP_PORT must be a port number from 1 to 65535 (got {raw!r})")
    return int(raw)


def _token(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    token = raw.strip()
    if any(ch.isspace() for ch in token):
        raise SettingsError("DISCORD_TOKEN must be the bot token alone, without spaces")
    return token


def resolve_sqlite(url: str, home: Path) -> str:
    """A relative SQLite path read from the home, not from wherever the process started."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return url
    if database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str(home / database)).render_as_string(hide_password=False)


def from_mapping(
    values: Mapping[str, str | None], home: Path | None = None, sources: Sources | None = None
) -> Settings:
    level = (values.get("LOG_LEVEL") or "INFO").strip().upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} (got {level!r})")
    api_base = values.get("DISCORD_API_BASE") or None
    gateway = values.get("DISCORD_GATEWAY_URL") or None
    shard_count, shard_auto, shard_ids = _shards(
        values.get("SIPBOT_SHARD_COUNT") or "", values.get("SIPBOT_SHARD_IDS") or ""
    )
    database_url = normalise_database_url(values.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    return Settings(
        discord_token=_token(values.get("DISCORD_TOKEN")),
        shard_count=shard_count,
        shard_auto=shard_auto,
        shard_ids=shard_ids,
        database_url=resolve_sqlite(database_url, home) if home is not None else database_url,
        guild_ids=_guild_ids(values.get("SIPBOT_GUILD_IDS") or ""),
        log_level=level,
        api_base=_http_url("DISCORD_API_BASE", api_base, ("http", "https")) if api_base else None,
        gateway_url=_http_url("DISCORD_GATEWAY_URL", gateway, ("ws", "wss")) if gateway else None,
        http_port=_port(values.get("SIPBOT_HTTP_PORT") or ""),
        http_host=(values.get("SIPBOT_HTTP_HOST") or "").strip() or "127.0.0.1",
        sources=sources,
    )


def _home(raw: str | None) -> Path | None:
    if raw is None or not raw.strip():
        return None
    return Path(raw.strip()).expanduser().absolute()


def locate(env_file: Path | None = None, environ: Mapping[str, str] | None = None) -> Sources:
    """The home and the `.env` to read. `SIPBOT_HOME` comes from the environment, or from
    a file named with --env-file (the only `.env` whose place does not depend on it)."""
    values = os.environ if environ is None else environ
    home = _home(values.get(HOME_VARIABLE))
    if env_file is not None:
        path = env_file.expanduser().absolute()
        if not path.is_file():
            raise SettingsError(f"--env-file {path} does not exist (or is not a file)")
        if home is None:
            home = _home(dotenv_values(path).get(HOME_VARIABLE))
        base = home if home is not None else Path.cwd()
        return Sources(base, home is not None, path, True, env_file_named=True)
    base = home if home is not None else Path.cwd()
    path = base / ".env"
    return Sources(base, home is not None, path, path.is_file())


def load(env_file: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read `.env` first, then let the real environment override it."""
    sources = locate(env_file, environ)
    merged: dict[str, str | None] = {}
    if sources.env_file_found:
        merged.update(dotenv_values(sources.env_file))
    merged.update(os.environ if environ is None else environ)
    return from_mapping(merged, sources.home, sources)
