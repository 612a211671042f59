"""JSON as the fake writes and reads it: compact, as Discord sends it, with orjson (a
dependency of the bot, for discord.py): the fake shares the machine with the client it
serves, and the benchmarks time that client, not the fake's encoder."""

from __future__ import annotations

from typing import Any

import orjson

# Snowflake-keyed maps (a guild's members, a poll's counts) may hold int keys.
_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=_OPTIONS)


def text(value: Any) -> str:
    """For a websocket text frame."""
    return orjson.dumps(value, option=_OPTIONS).decode()


def loads(data: str | bytes | bytearray) -> Any:
    return orjson.loads(data)
