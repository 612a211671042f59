"""`sipbot check` against the fake Discord: the same findings as /setup check, words of a
terminal, exit code 1 while something is to fix and 0 once fixed; nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from storage.database import head_revision, session_factory
from storage.models import WorkGroup
from tests.cli.helpers import in_process, use_environment
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import published_group

MANAGE_ROLES = 1 << 28


async def test_check_names_each_problem_with_its_fix_then_passes(
    fake: FakeDiscord,
    bot: SipBot,
    sqlite_engine: AsyncEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    group = await published_group(fake, sqlite_engine, MovableClock())
    fake.remove_channel(group.channel)
    fake.bot_permissions &= ~MANAGE_ROLES
    other = fake.world.ids.next()  # a server the bot was never invited to
    database = tmp_path / "sipbot.db"
    use_environment(
        monkeypatch, tmp_path, DISCORD_TOKEN=fake.token, DISCORD_API_BASE=fake.api_base,
        DATABASE_URL=f"sqlite:///{database}", SIPBOT_GUILD_IDS=f"{fake.guild.id},{other}",
    )  # fmt: skip
    requests = len(fake.requests)
    with fake.patched():  # the command points discord.py at the fake; put back after
        ran = await in_process(capsys, "check")
    assert ran.code == 1, ran.out + ran.err
    assert ran.err == ""
    lines = ran.out.splitlines()
    assert (
        lines[0]
        == f"✅ settings: looked in {tmp_path}/.env (not found) and the environment; SIPBOT_HOME not set, so the working directory {tmp_path}"
    )
    assert (
        f"✅ database: sqlite+aiosqlite:///{database}, schema at {head_revision()} (this version's latest)"
        in lines
    )
    assert "ℹ️ a bot is running on this database" not in lines  # in process: no lock held
    assert f"✅ token: the bot sipbot (application {fake.app_id})" in lines
    assert "✅ the Server Members Intent is on" in lines
    server = lines.index(f"Server “Smart in Progress” ({fake.guild.id}):")
    found = lines[server + 1 :]
    assert found[0] == "   3 problem(s) to fix:"
    assert (
        "   ❌ Missing permission Manage Roles: to create theme and group roles and give them "
        "to members. Fix: Server Settings → Roles → the bot's role → enable it, or invite the "
        "bot again with the link from the README."
    ) in found
    assert "   ❌ No announcements channel. Fix: /setup channel." in found
    assert (
        "   ❌ Group “Ouest – Rennes”: channel deleted by hand. Fix: /groups publish recreates it."
    ) in found  # a feature's check: the cogs' checks run too
    assert lines[-1].startswith(
        f"❌ SIPBOT_GUILD_IDS names server {other}, which the bot is not in"
    )
    writes = [r for r in fake.requests[requests:] if r.method != "GET"]
    assert writes == []  # REST reads only, no gateway session
    assert fake.connected_clients == 1  # the running bot's own

    fake.bot_permissions |= MANAGE_ROLES
    annonces = fake.add_text_channel("annonces")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    async with session_factory(sqlite_engine)() as db, db.begin():
        stored = await db.get(WorkGroup, group.id)
        assert stored is not None
        stored.channel_id = fake.add_text_channel("ouest-rennes").id  # as publish recreates it
    monkeypatch.setenv("SIPBOT_GUILD_IDS", str(fake.guild.id))
    with fake.patched():
        ran = await in_process(capsys, "check", "--language", "fr")
    assert ran.code == 0, ran.out
    assert "   ✅ Tout est prêt." in ran.out.splitlines()
    assert "❌" not in ran.out


async def test_check_with_a_refused_token_exits_1_saying_so(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    use_environment(monkeypatch, tmp_path, DISCORD_TOKEN=fake.token[:-4] + "AAAA",
                    DISCORD_API_BASE=fake.api_base)  # fmt: skip
    with fake.patched():
        ran = await in_process(capsys, "check")
    assert ran.code == 1
    assert (
        f"⚠️ database: {tmp_path}/data/sipbot.db does not exist yet; the first start "
        "(or sipbot migrate) creates it"
    ) in ran.out.splitlines()
    assert f"❌ Discord ({fake.api_base}) refused DISCORD_TOKEN: copy it again" in ran.out
    assert not (tmp_path / "data").exists()  # check writes nothing
