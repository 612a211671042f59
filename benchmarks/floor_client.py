"""The floor: a bare discord.py client answering `/setup show` with a constant message.

No sipbot code, no database: what discord.py alone costs to receive an interaction and
answer it, so the bot's figures can be read as a ratio to it. It reads the same
environment as `python -m bot` (DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL,
SIPBOT_GUILD_IDS) and is run the same way: `python -m benchmarks.floor_client`.

With SIPBOT_BENCH_COUNT=EVENT:EVERY (a discord.py event name, e.g. raw_reaction_add:10000)
it counts that event as discord.py dispatches it and prints `counted N EVENT` on stdout
each time N reaches a multiple of EVERY, so a benchmark knows they were received. The
count is taken inside `dispatch`, synchronously: no handler, no task per event (the bot
has one listener task per reaction), and the parse (`parse_message_reaction_add`: the raw
event and its Member) is done by the time discord.py dispatches the raw event.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import discord
import yarl
from discord import app_commands

ANSWER = "sipbot settings: constant answer from the floor client"
# With SIPBOT_BENCH_ANSWER=card the floor answers a card the size of the bot's settings
# card instead (a title and eleven inline fields, about 1 KB of JSON): what an answer of
# that size costs discord.py, aiohttp and the fake, without building it.
CARD_TITLE = "⚙️ Réglages de sipbot — serveur de la coopérative"
CARD_FIELDS = [
    ("Organisateurs", "<@&1000000000000000001>"),
    ("Sociétaires", "<@&1000000000000000002>"),
    ("Conseil d'administration", "Aucun rôle : les organisateurs répondent"),
    ("Annonces", "<#1000000000000000003>"),
    ("Langue", "Français"),
    ("Fuseau horaire", "Europe/Paris"),
    ("Rappels", "7 j, 1 j, 1 h avant"),
    ("Séances", "180 minutes"),
    ("Groupes", "de 5 à 12 membres"),
    ("Groupes par membre", "1 au plus"),
    ("Antennes", "12 antennes"),
]


def card() -> discord.Embed:
    answer = discord.Embed(title=CARD_TITLE, colour=0x5865F2)
    for name, value in CARD_FIELDS:
        answer.add_field(name=name, value=value, inline=True)
    return answer


class FloorClient(discord.Client):
    def __init__(self, guild_ids: list[int]) -> None:
        intents = discord.Intents.default()
        intents.members = True
        super().__init__(intents=intents, chunk_guilds_at_startup=False)
        self.guild_ids = guild_ids
        self.tree = app_commands.CommandTree(self)
        setup = app_commands.Group(name="setup", description="Configure sipbot for this server")

        answer_card = os.environ.get("SIPBOT_BENCH_ANSWER") == "card"

        @setup.command(name="show", description="Show the current settings")
        async def show(interaction: discord.Interaction) -> None:
            if answer_card:
                await interaction.response.send_message(embed=card(), ephemeral=True)
            else:
                await interaction.response.send_message(ANSWER, ephemeral=True)

        self.tree.add_command(setup)

    async def on_ready(self) -> None:
        sys.stdout.write(f"connected to {len(self.guilds)} server(s)\n")
        sys.stdout.flush()
        if read := os.environ.get("SIPBOT_BENCH_READ"):
            channel_id, _, message_id = read.partition(":")
            await self.read_poll(int(channel_id), int(message_id))

    async def read_poll(self, channel_id: int, message_id: int) -> None:
        channel = self.get_channel(channel_id)
        assert isinstance(channel, discord.TextChannel)  # the benchmark's poll
        message = await channel.fetch_message(message_id)
        members = await channel.guild.chunk() if not channel.guild.chunked else []
        reactions = 0
        for reaction in message.reactions:
            async for _user in reaction.users(limit=None):
                reactions += 1
        sys.stdout.write(f"read {reactions} reactions, {len(members)} members\n")
        sys.stdout.flush()

    async def setup_hook(self) -> None:
        for guild_id in self.guild_ids:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)


class CountingClient(FloorClient):
    """The floor for event benchmarks: no handler, a counter of one event type."""

    def __init__(self, guild_ids: list[int], event: str, every: int) -> None:
        super().__init__(guild_ids)
        self.counted_event = event
        self.every = every
        self.counted = 0

    def dispatch(self, event: str, /, *args: object, **kwargs: object) -> None:
        super().dispatch(event, *args, **kwargs)
        if event == self.counted_event:
            self.counted += 1
            if self.counted % self.every == 0:
                sys.stdout.write(f"counted {self.counted} {event}\n")
                sys.stdout.flush()


def build(guild_ids: list[int], count: str | None) -> FloorClient:
    if not count:
        return FloorClient(guild_ids)
    event, _, every = count.partition(":")
    return CountingClient(guild_ids, event, int(every or 1))


async def serve(token: str, guild_ids: list[int]) -> None:
    client = build(guild_ids, os.environ.get("SIPBOT_BENCH_COUNT"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with client:
        runner = asyncio.create_task(client.start(token))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        await client.close()
        stopper.cancel()
        await runner


def main() -> int:
    token = os.environ.get("DISCORD_TOKEN")
    if not token:
        print("floor_client: DISCORD_TOKEN is not set", file=sys.stderr)
        return 2
    if base := os.environ.get("DISCORD_API_BASE"):
        discord.http.Route.BASE = base.rstrip("/")
    if gateway := os.environ.get("DISCORD_GATEWAY_URL"):
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    raw = os.environ.get("SIPBOT_GUILD_IDS", "")
    guild_ids = [int(part) for part in raw.replace(";", ",").split(",") if part.strip()]
    asyncio.run(serve(token, guild_ids))
    return 0


if __name__ == "__main__":
    sys.exit(main())
