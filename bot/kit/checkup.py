"""What `/setup check` asks of every feature: the problems it sees in a server, each
named with its fix.

A feature that creates Discord objects knows best what a deletion by hand breaks and
which command repairs it, so it registers a check when its cog loads
(`services.checkup.register("themes", check)`); `/setup check` runs its own checks, then
every registered one in the order they were registered (the cogs' load order), without
importing any feature. A check returns findings made of message keys and parameters:
the setup cog words them in the reader's language, so a check needs no reader.
Registering a name again replaces its check (a reloaded cog does not count twice).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import discord

from storage.models import GuildConfig


@dataclass(frozen=True)
class Finding:
    level: str  # "error", "warning" or "info"
    key: str
    params: dict[str, Any] = field(default_factory=dict)


Check = Callable[[discord.Guild, GuildConfig], Awaitable[list[Finding]]]


class Checkup:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def register(self, name: str, check: Check) -> None:
        self._checks[name] = check

    def unregister(self, name: str) -> None:
        self._checks.pop(name, None)

    async def run(self, guild: discord.Guild, config: GuildConfig) -> list[Finding]:
        found: list[Finding] = []
        for check in list(self._checks.values()):
            found += await check(guild, config)
        return found
