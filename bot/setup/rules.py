"""Validation of what organisers type into `/setup`."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.kit.user_error import UserError

LANGUAGES = ("fr", "en", "nl")
MIN_OFFSET = 1
MAX_OFFSET = 30 * 24 * 60
MAX_OFFSETS = 5
_UNITS = {"m": 1, "min": 1, "h": 60, "d": 1440, "j": 1440}
_OFFSET = re.compile(r"^(\d{1,6})\s*(m|min|h|d|j)$")


def parse_offsets(raw: str) -> list[int]:
    """ "7d, 24h, 1h" -> [10080, 1440, 60] (minutes, largest first).

    "j" (jour) is accepted beside "d" because French speakers type it.
    """
    parts = [p.strip().lower() for p in raw.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise UserError("error.offsets.empty")
    minutes: list[int] = []
    for part in parts:
        match = _OFFSET.match(part)
        if match is None:
            raise UserError("error.offsets.syntax", value=part)
        value = int(match.group(1)) * _UNITS[match.group(2)]
        if not MIN_OFFSET <= value <= MAX_OFFSET:
            raise UserError("error.offsets.range", value=part)
        if value in minutes:
            raise UserError("error.offsets.duplicate", value=part)
        minutes.append(value)
    if len(minutes) > MAX_OFFSETS:
        raise UserError("error.offsets.too_many", count=len(minutes), max=MAX_OFFSETS)
    return sorted(minutes, reverse=True)


def format_offset(minutes: int) -> str:
    if minutes % 1440 == 0 and minutes >= 2880:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


def format_offsets(minutes: list[int]) -> str:
    return ", ".join(format_offset(m) for m in minutes)


def parse_timezone(raw: str) -> str:
    """A canonical IANA name ("europe/brussels" -> "Europe/Brussels")."""
    name = raw.strip()
    canonical = zone_names().get(name.lower())
    if canonical is None:
        raise UserError("error.timezone.unknown", value=name)
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserError("error.timezone.unknown", value=name) from exc
    return canonical


@cache
def zone_names() -> dict[str, str]:
    return {tz.lower(): tz for tz in available_timezones()}


def parse_language(raw: str) -> str:
    code = raw.strip().lower()[:2]
    if code not in LANGUAGES:
        raise UserError("error.language.unknown", value=raw)
    return code
