"""The Bot subclass and its wiring. Nothing happens at import time."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.kit import eager, errors, fit, gateway, inputs, memory, reactions
from bot.kit.formwatch import FormWatch
from bot.kit.host import Host
from bot.kit.metrics import Metrics, Uncounted
from bot.kit.permissions import intents
from bot.kit.translator import CommandTranslator
from bot.services import Services

if TYPE_CHECKING:
    from bot.kit.watch import Watch

log = logging.getLogger(__name__)

EXTENSIONS = (
    "cogs.setup",
    "cogs.offices",
    "cogs.cycles",
    "cogs.themes",
    "cogs.interest",
    "cogs.groups",
    "cogs.sessions",
    "cogs.experiments",
    "cogs.assembly",
    "cogs.meetings",
    "cogs.privacy",
    "cogs.drafts",
    "cogs.proposals",
    "cogs.synthesis",
    "cogs.report",
    "cogs.followup",
    "cogs.help",
)


def point_at(api_base: str | None, gateway_url: str | None) -> None:
    """Use a Discord-compatible server instead of discord.com (self-hosted or tests)."""
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


# Listeners that end at once for nearly every event (bot/kit/eager.py): an interaction's,
# which only look for a form or a button of their own. (Reactions go to the features'
# sinks, bot/kit/reactions.py, without any listener.)
EAGER_EVENTS = frozenset({"on_interaction"})
OUTCOME = "sipbot.outcome"  # interaction.extras: how a failed command ended
# Commands and their autocompletion go to the command tree before discord.py dispatches
# the `interaction` event: this bot's `on_interaction` listeners (forms, the profile
# button) are for buttons, menus and forms, and a command does not run them (SipBot.dispatch).
TREE_INTERACTIONS = frozenset(
    {discord.InteractionType.application_command, discord.InteractionType.autocomplete}
)
# gc.set_threshold once set up: young objects collected every 5,000 allocations (not 700),
# the middle generation every 50 of those, the oldest every 100 of these (SipBot.setup_hook).
COLLECTOR_THRESHOLDS = (5000, 50, 100)


class SipTree(app_commands.CommandTree["SipBot"]):
    def _from_interaction(self, interaction: discord.Interaction[SipBot]) -> None:
        # The arrival, stamped as the gateway event is parsed (bot/kit/metrics.py).
        if interaction.type is discord.InteractionType.application_command:
            self.client.metrics.arrived(interaction.id)
        super()._from_interaction(interaction)

    async def _call(self, interaction: discord.Interaction[SipBot]) -> None:
        """Every command through to its end: counted once, by command and outcome."""
        if interaction.type is not discord.InteractionType.application_command:
            return await super()._call(interaction)
        outcome = "error"
        try:
            await super()._call(interaction)
            outcome = (
                interaction.extras.get(OUTCOME, "refused") if interaction.command_failed else "ok"
            )
        finally:
            command = interaction.command
            self.client.metrics.handled(command.qualified_name if command else "unknown", outcome)

    async def interaction_check(self, interaction: discord.Interaction[SipBot]) -> bool:
        """Every command's options pass through one rule first (bot/kit/inputs.py)."""
        if interaction.type not in (
            discord.InteractionType.application_command,
            discord.InteractionType.autocomplete,
        ):
            return True
        data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
        numbers = inputs.clean_options(data.get("options", []))
        if not numbers or interaction.type is discord.InteractionType.autocomplete:
            return True  # only numbers are checked against their ranges here
        if data.get("type", 1) != 1:
            return True
        try:
            command, options = self._get_app_command_options(data)  # type: ignore[arg-type]
        except app_commands.AppCommandError:
            return True  # discord.py reports an unknown command itself
        refusal = inputs.out_of_bounds(command.parameters, options)  # type: ignore[arg-type]
        if refusal is None:
            return True
        await errors.report(interaction.client, interaction, refusal)
        return False

    async def on_error(
        self, interaction: discord.Interaction[SipBot], error: app_commands.AppCommandError
    ) -> None:
        interaction.extras[OUTCOME] = errors.outcome(error)
        await errors.report(interaction.client, interaction, error)


class SipBot(Host):
    def __init__(
        self,
        services: Services,
        *,
        guild_ready_timeout: float = 2.0,
        freeze_after_setup: bool = False,
        **sharding: Any,
    ) -> None:
        # The bot never joins voice: silence the warnings about voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        # Whatever the bot sends fits Discord's limits (idempotent, process-wide).
        fit.install()
        # While a batch is written, the gateway reader lets it run every millisecond
        # (bot/kit/gateway.py).
        gateway.install()
        # Counted only for /metrics (bot/kit/metrics.py), served when a port is given.
        counted = services.settings.http_port is not None
        self.metrics: Uncounted = Metrics() if counted else Uncounted()
        services.work.on_settled = self.metrics.work_settled
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=SipTree,
            # No message cache: without the message intents Discord sends no guild's
            # MESSAGE_CREATE, so there is nothing to keep (and nothing reads it: reactions
            # come as raw events). Members are kept (bot/kit/permissions.py says why they
            # are asked for): MemberCacheFlags' default for these intents, `joined` only.
            max_messages=None,
            # A large guild's member list is asked for when first needed (a poll's
            # recount, bot/kit/reactions.py), not by every start: 30 chunks of 1,000.
            chunk_guilds_at_startup=False,
            guild_ready_timeout=guild_ready_timeout,
            **sharding,
        )
        self.services = services
        self.reaction_sinks = []
        self.synced = False
        self.forms = FormWatch(services)
        self.freeze_after_setup = freeze_after_setup  # the process's own bot, not tests'
        self.watch = self._watch()

    def _watch(self) -> Watch | None:
        """/healthz and /metrics, when asked for: aiohttp's web server (about 2 MB of
        modules discord.py does not import) is imported only then."""
        port = self.services.settings.http_port
        if port is None or not isinstance(self.metrics, Metrics):
            return None
        from bot.kit.watch import Watch

        return Watch(self, self.metrics, self.services.settings.http_host, port)

    async def setup_hook(self) -> None:
        if self.watch is not None:
            await self.watch.start()  # first: /healthz says "not connected" meanwhile
        await self.tree.set_translator(CommandTranslator(self.services.catalog))
        for name in EXTENSIONS:
            await self.load_extension(name)
        await self.sync_commands()
        if self.services.scheduler is not None:
            self.services.scheduler.start()
            await self.services.scheduler.wake_all()
        if self.freeze_after_setup:
            # What is loaded by now (modules, models, catalogues, commands) lives as long
            # as the process. Left in the collector's oldest generation, every full pass
            # walks all of it again (80-110 ms with this bot's ~165,000 objects), and a
            # burst of interactions leaves enough young objects behind to trigger one:
            # frozen, a full pass walks only what came after. Reference counting still
            # frees frozen objects; only their cycles are no longer looked for.
            gc.collect()
            gc.freeze()
            memory.trim()
            # The collector then runs less often than Python's default (700, 10, 10). Each
            # interaction leaves about a dozen objects in reference cycles (discord.py's
            # interaction and its response point at each other, among others), and a burst
            # keeps hundreds in flight: at the default, a burst of 500 `/setup show` spent
            # 57 µs per command collecting, a seventh of the bot's time; at these, 33 µs.
            gc.set_threshold(*COLLECTOR_THRESHOLDS)

    async def sync_commands(self) -> None:
        """Sync the command tree, once for the whole deployment: of several processes
        sharing the shards, only the one serving shard 0 syncs."""
        shards = self.services.work.shards
        if shards is not None and 0 not in shards.ids:
            log.info("commands are synced by the process serving shard 0")
            self.synced = True
            return
        guild_ids = self.services.settings.guild_ids
        if guild_ids:
            for guild_id in guild_ids:
                guild = discord.Object(id=guild_id)
                self.tree.copy_global_to(guild=guild)
                synced = await self.tree.sync(guild=guild)
                log.info("synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
        self.synced = True

    def _schedule_event(  # type: ignore[override]
        self,
        coro: Callable[..., Coroutine[Any, Any, Any]],
        event_name: str,
        *args: Any,
        **kwargs: Any,
    ) -> asyncio.Task[None] | None:
        """Interactions' listeners start at once (bot/kit/eager.py): they end without
        waiting, and a burst of commands then makes no task for them."""
        if event_name not in EAGER_EVENTS:
            return super()._schedule_event(coro, event_name, *args, **kwargs)
        wrapped = self._run_event(coro, event_name, *args, **kwargs)
        return eager.start(wrapped, f"discord.py: {event_name}")

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        if (
            event_name == "interaction"
            and args[0].type in TREE_INTERACTIONS
            and not self._listeners.get(event_name)
        ):
            return  # the tree's, handed to it already: the listeners watch buttons and forms
        if event_name in reactions.REACTION_EVENTS:
            reactions.hand_out(self, args[0])
            if not self._listeners.get(event_name) and not self.extra_events.get(
                "on_" + event_name
            ):
                return  # no `wait_for` nor listener: skip discord.py's search for them
        super().dispatch(event_name, *args, **kwargs)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.forms.on_interaction(interaction)

    async def on_connect(self) -> None:
        self.metrics.connected()

    async def on_resumed(self) -> None:
        self.metrics.connected()

    async def on_ready(self) -> None:
        # Runs again on every reconnect: only log here, set up in setup_hook.
        log.info("connected as %s to %d server(s)", self.user, len(self.guilds))
        self.services.work.connected()

    async def close(self) -> None:
        if self.watch is not None:
            await self.watch.close()
        if self.services.scheduler is not None:
            await self.services.scheduler.shutdown()
        await self.services.work.close()
        await super().close()


class ShardedSipBot(SipBot, discord.AutoShardedClient):
    """The same bot on several of Discord's gateway shards in one process
    (SIPBOT_SHARD_COUNT, SIPBOT_SHARD_IDS): discord.py's own sharded client."""


def build(services: Services, *, freeze_after_setup: bool = False) -> SipBot:
    """The bot these settings ask for: sharded when the process serves given shards."""
    shards = services.work.shards
    if shards is None:
        return SipBot(services, freeze_after_setup=freeze_after_setup)
    return ShardedSipBot(
        services,
        freeze_after_setup=freeze_after_setup,
        shard_count=shards.count,
        shard_ids=list(shards.ids),
    )
