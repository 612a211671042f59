"""JSON as people's tools read it: ids written as strings, the way Discord writes them.

A browser, jq or a spreadsheet reads every JSON number as a double, so an integer
beyond 2**53 - 1 is rounded: two snowflakes that differ in their last digits read as
one number. Every JSON the bot hands to people goes through `dumps`, which applies
two rules, so that no id is ever written as a bare number:

- by name: an integer under a key that names an id (`id`, `*_id`, `*_ids`, `*_by` such
  as `created_by`, or a bare reference such as `member`, `group` or `facilitator`, as
  audit details write them) is a string, small row ids included, and so are the
  integers of a list under such a key;
- by size: any other integer that a double cannot hold exactly is a string too,
  wherever it is, so an id under a name nobody foresaw is still never rounded.

Other numbers (counts, positions, versions) stay numbers, booleans stay booleans;
datetimes and dates become ISO 8601 strings; tuples and sets become lists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

SAFE_INTEGER = 2**53 - 1  # the largest integer every double, hence every reader, keeps exact
ID_SUFFIXES = ("_id", "_ids", "_by")
REFERENCES = frozenset(
    {
        "id", "ids", "member", "user", "actor", "author", "guild", "channel", "role",
        "message", "thread", "event", "facilitator", "secretary", "group", "theme",
        "draft", "vote", "session", "cycle", "poll", "slot", "experiment", "origin",
        "target", "synthesis",
    }
)  # fmt: skip


def is_id_key(key: object) -> bool:
    """Whether a value under this key is an id (compared in lower case)."""
    if not isinstance(key, str):
        return False
    name = key.lower()
    return name in REFERENCES or name.endswith(ID_SUFFIXES)


def _integer(value: int, as_id: bool) -> int | str:
    return str(value) if as_id or abs(value) > SAFE_INTEGER else value


def prepare(value: Any, *, as_id: bool = False) -> Any:
    """`value` made of JSON types only, every id and every unsafe integer a string."""
    if isinstance(value, bool) or value is None or isinstance(value, str | float):
        return value
    if isinstance(value, int):
        return _integer(value, as_id)
    if isinstance(value, Enum):
        return prepare(value.value, as_id=as_id)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {_key(k): prepare(v, as_id=is_id_key(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [prepare(item, as_id=as_id) for item in items]
    raise TypeError(f"{type(value).__name__} has no JSON form here")


def _key(key: object) -> str:
    """Object keys are strings in JSON; an integer key (an id, often) is written whole."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None or isinstance(key, int | float):
        return json.dumps(key)
    raise TypeError(f"a {type(key).__name__} cannot be a JSON key")


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """The JSON text of `value` (UTF-8 characters kept), ids as strings."""
    return json.dumps(prepare(value), ensure_ascii=False, indent=indent, allow_nan=False)
