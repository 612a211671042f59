"""Start-up, first run and shutdown of the real process."""

from __future__ import annotations

import signal
import time
from pathlib import Path

from tests.e2e.process import bot_environment, finish, start_bot
from tests.fakediscord import FakeDiscord


async def test_without_token_and_terminal_exits_2_with_one_line(tmp_path: Path) -> None:
    env = bot_environment(None, tmp_path)
    code, out, err = await finish(await start_bot(env, tmp_path))
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "DISCORD_TOKEN" in lines[0]
    assert not (tmp_path / ".env").exists()


async def test_invalid_setting_exits_2_naming_the_variable(tmp_path: Path) -> None:
    env = bot_environment(None, tmp_path, DISCORD_TOKEN="x.y.z", SIPBOT_GUILD_IDS="12,abc")
    code, _out, err = await finish(await start_bot(env, tmp_path))
    assert code == 2
    assert err.strip().splitlines() == [
        "sipbot: SIPBOT_GUILD_IDS must be server ids separated by commas (not 'abc')"
    ]


async def test_refused_token_exits_2_without_printing_it(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        wrong = fake.token[:-6] + "AAAAAA"
        env = bot_environment(fake, tmp_path, DISCORD_TOKEN=wrong, LOG_LEVEL="DEBUG")
        code, out, err = await finish(await start_bot(env, tmp_path))
    assert code == 2
    assert "Discord refused DISCORD_TOKEN" in err
    assert wrong not in err + out


async def test_starts_syncs_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        env = bot_environment(fake, tmp_path, LOG_LEVEL="DEBUG")
        process = await start_bot(env, tmp_path)
        try:
            await fake.wait_for(
                lambda: fake.connected_clients == 1 and fake.commands(fake.guild.id),
                timeout=20,
                what="the bot process to connect and sync",
            )
            synced = {c["name"]: c for c in fake.commands(fake.guild.id)}
            assert synced["setup"]["name_localizations"] == {"fr": "configurer", "nl": "instellen"}
            assert (
                synced["office"]["description_localizations"]["nl"]
                == "De kantoren van de coöperatie"
            )
            res = await fake.slash("setup show", user=fake.owner, locale="fr", timeout=10)
            assert res.ephemeral
            assert res.embeds[0]["title"] == "Réglages de sipbot pour Smart in Progress"
            assert res.latency is not None and res.latency < 3
            started = time.monotonic()
            process.send_signal(signal.SIGTERM)
            code, _out, err = await finish(process, timeout=10)
            stopped_in = time.monotonic() - started
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        fake.assert_no_unhandled()
    assert code == 0, err
    assert stopped_in < 5
    assert "stopped cleanly" in err
    assert fake.token not in err  # not even at DEBUG
    assert (tmp_path / "sipbot.db").exists()


async def test_sigint_also_stops_cleanly(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        process = await start_bot(bot_environment(fake, tmp_path), tmp_path)
        await fake.wait_for(lambda: fake.connected_clients == 1, timeout=20, what="connection")
        process.send_signal(signal.SIGINT)
        code, _out, err = await finish(process, timeout=10)
    assert code == 0, err


async def test_a_server_id_the_bot_is_not_in_stops_it_with_exit_2_saying_what_to_do(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        elsewhere = fake.world.ids.next()
        env = bot_environment(fake, tmp_path, SIPBOT_GUILD_IDS=str(elsewhere))
        code, _out, err = await finish(await start_bot(env, tmp_path))
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        f"sipbot: Discord refused to sync the commands to server(s) {elsewhere} (Missing "
        "Access): the bot is not in one of them. Invite it there (sipbot invite --guild ID) "
        "or correct SIPBOT_GUILD_IDS"
    )
    assert "Traceback" not in err
