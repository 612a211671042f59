"""A bare discord.py client (no sipbot code) driven through the fake."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest_asyncio
from discord import app_commands

from tests.fakediscord import FakeDiscord


class Feedback(discord.ui.Modal, title="Feedback"):
    text: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Text", custom_id="fb_text", max_length=200
    )
    mood: discord.ui.Label[Any] = discord.ui.Label(
        text="Mood",
        component=discord.ui.Select(
            custom_id="fb_mood",
            options=[discord.SelectOption(label="ok"), discord.SelectOption(label="ko")],
        ),
    )

    def __init__(self) -> None:
        super().__init__(custom_id="feedback")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        select = self.mood.component
        assert isinstance(select, discord.ui.Select)
        await interaction.response.send_message(
            f"thanks: {self.text.value} / {select.values}", ephemeral=True
        )


class Persistent(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Yes", custom_id="rsvp:yes")
    async def yes(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message(f"yes from {interaction.user.id}", ephemeral=True)

    @discord.ui.select(
        custom_id="rsvp:pick",
        options=[discord.SelectOption(label="a"), discord.SelectOption(label="b")],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.edit_message(content=f"picked {select.values[0]}")


class BareClient(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.default()
        intents.members = True
        intents.message_content = True
        super().__init__(intents=intents, guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.events: list[tuple[str, Any]] = []
        self.ready = asyncio.Event()
        self.quiet_answers: list[tuple[int, bytes]] = []  # /quiet's callbacks: status, body
        _commands(self)

    async def setup_hook(self) -> None:
        self.add_view(Persistent())

    async def on_ready(self) -> None:
        self.ready.set()

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        self.events.append(("add", payload))

    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        self.events.append(("remove", payload))

    async def on_message(self, message: discord.Message) -> None:
        self.events.append(("message", message))


def _commands(client: BareClient) -> None:
    tree = client.tree

    @tree.command(name="ping", description="Replies pong")
    async def ping(interaction: discord.Interaction, word: str = "pong") -> None:
        await interaction.response.send_message(word, view=Persistent())

    @tree.command(name="slow", description="Defers then follows up")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("done slowly")

    @tree.command(name="feedback", description="Opens a modal")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Feedback())

    async def theme_complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        themes = ["access", "accounting", "housing"]
        return [app_commands.Choice(name=t, value=t) for t in themes if t.startswith(current)]

    theme = app_commands.Group(name="theme", description="Themes")

    @theme.command(name="edit", description="Edit a theme")
    @app_commands.autocomplete(name=theme_complete)
    async def edit(
        interaction: discord.Interaction, name: str, member: discord.Member | None = None
    ) -> None:
        who = member.display_name if member else "nobody"
        await interaction.response.send_message(f"editing {name} for {who}")

    tree.add_command(theme)

    @tree.command(name="quiet", description="Answers without asking for the message back")
    async def quiet(interaction: discord.Interaction) -> None:
        route = discord.http.Route(
            "POST",
            "/interactions/{webhook_id}/{webhook_token}/callback",
            webhook_id=interaction.id,
            webhook_token=interaction.token,
        )
        body = {"type": 4, "data": {"content": "quietly", "flags": 64}}
        async with interaction._session.post(route.url, json=body) as answered:
            client.quiet_answers.append((answered.status, await answered.read()))

    @tree.command(name="export", description="Sends a file")
    async def export(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "here", file=discord.File(__import__("io").BytesIO(b"a,b\n1,2\n"), "x.csv")
        )


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    with server.patched():
        yield server
    await server.stop()


@pytest_asyncio.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[BareClient]:
    bot = BareClient()
    task = asyncio.create_task(bot.start(fake.token))
    try:
        await asyncio.wait_for(bot.ready.wait(), 10)
        guild = discord.Object(fake.guild.id)
        bot.tree.copy_global_to(guild=guild)
        await bot.tree.sync(guild=guild)
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)
