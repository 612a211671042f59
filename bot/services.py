"""What every cog shares: settings, database, clock, catalogues, scheduler, work engine,
the checks of `/setup check`.

Cogs reach each other only through this object and `bot.dispatch`, never directly.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.kit.checkup import Checkup
from bot.kit.clock import Clock
from bot.kit.i18n import Catalog, Tr, language_of
from bot.kit.user_error import UserError
from bot.kit.work import WAKER, WorkEngine
from config.data import default_offices
from config.settings import Settings
from storage import cycles, privacy
from storage import offices as offices_store
from storage import setup as setup_store
from storage.models import Cycle, GuildConfig

if TYPE_CHECKING:
    from bot.kit.scheduler import Scheduler

T = TypeVar("T")


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    db: async_sessionmaker[AsyncSession]
    clock: Clock
    catalog: Catalog
    scheduler: Scheduler | None = None
    cache_ttl: float = 30.0
    work: WorkEngine = field(init=False)
    checkup: Checkup = field(default_factory=Checkup)  # what /setup check asks each feature
    _cache: dict[tuple[str, int], tuple[float, Any]] = field(default_factory=dict)
    _loading: dict[tuple[str, int], asyncio.Task[Any]] = field(default_factory=dict)
    _waiting: dict[asyncio.Task[Any], int] = field(default_factory=dict)  # waiters per load

    def __post_init__(self) -> None:
        self.work = WorkEngine(self.db, self.clock, self.scheduler)
        if self.scheduler is not None:
            self.scheduler.register(WAKER, self.work.run_due)

    async def cached(self, kind: str, guild_id: int, load: Callable[[], Awaitable[T]]) -> T:
        """A guild's value kept for `cache_ttl` seconds: commands and reaction events read
        settings far more often than organisers change them. This process forgets a value
        at once when it changes it (`forget`); other processes see it within the TTL.
        One load at a time per value: the hundreds of interactions or reactions that find
        it expired together wait for the same read, instead of each reading it again."""
        key = (kind, guild_id)
        hit = self._cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < self.cache_ttl:
            value: T = hit[1]
            return value
        loading = self._loading.get(key)
        if loading is None:
            loading = asyncio.ensure_future(self._load(key, load))
            loading.add_done_callback(_retrieved)
            self._loading[key] = loading
        self._waiting[loading] = self._waiting.get(loading, 0) + 1
        try:
            loaded: T = await asyncio.shield(loading)  # a waiter cancelled leaves the others theirs
        except asyncio.CancelledError:
            if self._waiting[loading] == 1:  # the last one waiting: the read stops too
                loading.cancel()  # (at shutdown, its session is closed before the engine)
                if self._loading.get(key) is loading:  # it may take a few turns to stop:
                    del self._loading[key]  # a reader coming meanwhile starts afresh
            raise
        finally:
            self._waiting[loading] -= 1
            if not self._waiting[loading]:
                del self._waiting[loading]
        return loaded

    async def _load(self, key: tuple[str, int], load: Callable[[], Awaitable[T]]) -> T:
        this = asyncio.current_task()
        try:
            loaded = await load()
            if self._loading.get(key) is this:  # not forgotten meanwhile
                self._cache[key] = (time.monotonic(), loaded)
            return loaded
        finally:
            if self._loading.get(key) is this:
                del self._loading[key]

    def forget(self, kind: str, guild_id: int) -> None:
        """The value changed: the next reader loads it again, even while a load that began
        before the change is still running (that one's result is not kept)."""
        self._cache.pop((kind, guild_id), None)
        self._loading.pop((kind, guild_id), None)

    async def config(self, guild_id: int) -> GuildConfig:
        """The guild's configuration, created with defaults (and offices) on first use."""

        async def load() -> GuildConfig:
            seeds = [(o.name, o.country, o.region) for o in default_offices()]
            async with self.db() as db, db.begin():
                return await setup_store.ensure_guild(db, guild_id, self.clock.now(), seeds)

        return await self.cached("config", guild_id, load)

    def forget_config(self, guild_id: int) -> None:
        self.forget("config", guild_id)

    async def office_count(self, guild_id: int) -> int:
        async def load() -> int:
            async with self.db() as db:
                return await offices_store.count_offices(db, guild_id)

        return await self.cached("offices", guild_id, load)

    async def opted_out(self, guild_id: int, member_id: int) -> bool:
        """True for a member who asked to be forgotten and has not opted in again."""
        return privacy.member_key(guild_id, member_id) in await self.forgotten(guild_id)

    async def forgotten(self, guild_id: int) -> set[str]:
        """The keys (`storage.privacy.member_key`) of the guild's members who asked to be
        forgotten: one read for a whole batch of reactions."""

        async def load() -> set[str]:
            async with self.db() as db:
                return await privacy.opted_out(db, guild_id)

        return await self.cached("opted_out", guild_id, load)

    async def open_cycle(self, guild_id: int) -> Cycle:
        """The guild's open cycle; without one, the user is told how to create it."""
        async with self.db() as db:
            cycle = await cycles.open_cycle(db, guild_id)
        if cycle is None or cycle.id is None:
            raise UserError("error.cycle.none")
        return cycle

    async def cycle_context(
        self, interaction: discord.Interaction
    ) -> tuple[discord.Guild, GuildConfig, Tr, Cycle]:
        """What an organiser command about the open cycle starts from."""
        if interaction.guild is None:
            raise UserError("error.guild_only")
        config = await self.config(interaction.guild.id)
        cycle = await self.open_cycle(interaction.guild.id)
        return interaction.guild, config, self.reader(interaction, config), cycle

    def reader(self, interaction: discord.Interaction, config: GuildConfig | None = None) -> Tr:
        """Texts for the person who acted: their Discord locale, else the guild's language."""
        fallback = config.language if config is not None else "fr"
        return self.catalog.bind(language_of(str(interaction.locale), fallback))

    def public(self, config: GuildConfig) -> Tr:
        """Texts for everyone in the guild: the guild's language."""
        return self.catalog.bind(config.language)


def _retrieved(task: asyncio.Task[Any]) -> None:
    """A shared load's failure is raised to each of its waiters; with none left (all
    cancelled), it is marked seen here rather than reported as never retrieved."""
    if not task.cancelled():
        task.exception()
