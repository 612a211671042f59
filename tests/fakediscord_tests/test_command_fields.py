"""What the fake keeps of a synced command: Discord reads default permissions (and
contexts, DM permission, NSFW) on the top-level command only."""

from __future__ import annotations

import discord
import pytest

from tests.fakediscord import FakeDiscord

from .conftest import BareClient

pytestmark = pytest.mark.asyncio


async def test_default_permissions_on_a_subcommand_are_dropped_and_reported(
    fake: FakeDiscord, client: BareClient
) -> None:
    body = [
        {
            "name": "admin", "description": "Admin things", "type": 1,
            "default_member_permissions": "8",
            "options": [
                {"name": "open", "description": "Open", "type": 1,
                 "default_member_permissions": "32", "options": []},
                {"name": "more", "description": "More", "type": 2, "options": [
                    {"name": "deep", "description": "Deep", "type": 1, "nsfw": True},
                ]},
            ],
        },
        {
            "name": "mixed", "description": "Visible to all", "type": 1,
            "options": [{"name": "close", "description": "Close", "type": 1,
                         "default_member_permissions": "32"}],
        },
    ]  # fmt: skip
    route = discord.http.Route(
        "PUT",
        "/applications/{application_id}/guilds/{guild_id}/commands",
        application_id=fake.app_id,
        guild_id=fake.guild.id,
    )
    stored = await client.http.request(route, json=body)
    by_name = {c["name"]: c for c in stored}
    assert by_name["admin"]["default_member_permissions"] == "8"
    assert by_name["mixed"]["default_member_permissions"] is None  # what Discord would show
    assert "default_member_permissions" not in by_name["mixed"]["options"][0]
    assert "nsfw" not in by_name["admin"]["options"][1]["options"][0]
    assert fake.ignored == [
        "0.options.0.default_member_permissions (open): ignored below the top level",
        "0.options.1.options.0.nsfw (deep): ignored below the top level",
        "1.options.0.default_member_permissions (close): ignored below the top level",
    ]
    assert fake.commands(fake.guild.id) == stored
    fake.assert_no_unhandled()


async def test_discord_py_sends_no_top_level_field_below_the_top(
    fake: FakeDiscord, client: BareClient
) -> None:
    """The bare client's group (/theme edit) synced through discord.py: nothing ignored."""
    assert fake.ignored == []
    theme = next(c for c in fake.commands(fake.guild.id) if c["name"] == "theme")
    assert [o["name"] for o in theme["options"]] == ["edit"]
