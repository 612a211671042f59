"""`/setup roles board:`: the board role stored, audited and shown (none: the organisers),
refused when Discord manages it, cleared with @everyone, and its deletion by hand named
by `/setup check`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.fakediscord import FakeDiscord
from tests.setup.test_commands import audit_actions, stored


async def test_the_board_role_is_stored_shown_and_cleared(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    before = await fake.slash("setup show", user=fake.owner, locale="fr")
    assert "Conseil d'administration L'organisation (aucun rôle défini)" in before.text
    board = fake.add_role("Conseil d'administration")
    res = await fake.slash("setup roles", user=fake.owner, options={"board": board}, locale="en-US")
    assert res.ephemeral and res.content == (
        "Saved. Organisers: Manage Server permission only (no role set). Members: Everyone on "
        f"the server except bots. Board: <@&{board.id}>."
    )
    config = await stored(sqlite_engine, fake.guild.id)
    assert (config.board_role_id, config.organiser_role_id) == (board.id, None)
    assert await audit_actions(sqlite_engine, fake.guild.id) == ["setup.roles"]
    shown = await fake.slash("setup show", user=fake.owner, locale="en-US")
    assert f"Board <@&{board.id}>" in shown.text
    bot_role = next(role for role in fake.guild.roles.values() if role.managed)
    managed = await fake.slash("setup roles", user=fake.owner, options={"board": bot_role}, locale="en-US")  # fmt: skip
    assert managed.ephemeral and "integration" in (managed.content or "")
    assert (await stored(sqlite_engine, fake.guild.id)).board_role_id == board.id
    everyone = fake.guild.roles[fake.guild.id]
    await fake.slash("setup roles", user=fake.owner, options={"board": everyone})
    assert (await stored(sqlite_engine, fake.guild.id)).board_role_id is None


async def test_a_board_role_deleted_by_hand_is_named_by_setup_check(
    fake: FakeDiscord, bot: SipBot, sqlite_engine: AsyncEngine
) -> None:
    board = fake.add_role("Conseil d'administration")
    await fake.slash("setup roles", user=fake.owner, options={"board": board})
    fine = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert "The board role was deleted" not in fine.text
    del fake.guild.roles[board.id]
    fake.dispatch("GUILD_ROLE_DELETE", {"guild_id": str(fake.guild.id), "role_id": str(board.id)})

    def gone() -> bool:
        guild = bot.get_guild(fake.guild.id)
        return guild is not None and guild.get_role(board.id) is None

    await fake.wait_for(gone, what="the bot to see the role deleted")
    check = await fake.slash("setup check", user=fake.owner, locale="en-US")
    assert (
        "❌ The board role was deleted: only the organisers can answer recommendations. Fix: "
        "/setup roles (or @everyone to leave the answers to the organisers)."
    ) in check.text
