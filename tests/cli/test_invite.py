"""`sipbot invite` prints the link at any time; settings are found through --env-file or
SIPBOT_HOME wherever the command starts, and an error names the files looked at."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kit.permissions import required_permissions
from tests.cli.helpers import clean_environment, in_process, sipbot, use_environment
from tests.fakediscord import FakeDiscord

CLOSED = "http://127.0.0.1:9/api/v10"  # nothing listens on the discard port


def env_file(folder: Path, **values: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "sipbot.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


async def test_invite_reads_an_env_file_elsewhere_and_asks_discord_for_the_id(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        settings = env_file(
            tmp_path / "etc", DISCORD_TOKEN=fake.token, DISCORD_API_BASE=fake.api_base
        )
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        ran = await sipbot("--env-file", str(settings), "invite", env=clean_environment(),
                           cwd=elsewhere)  # fmt: skip
    assert ran.code == 0, ran.err
    assert ran.err == ""
    first, link = ran.out.strip().splitlines()
    assert (
        first == f"Invite the bot (application {fake.app_id}, read from Discord) to a server with:"
    )
    assert link == (
        f"https://discord.com/oauth2/authorize?client_id={fake.app_id}"
        f"&scope=bot+applications.commands&permissions={required_permissions().value}"
    )
    assert fake.token not in ran.out
    assert list(elsewhere.iterdir()) == []  # nothing written where it started


async def test_invite_without_discord_reads_the_id_from_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"
    home = tmp_path / "home"
    env_file(home, DISCORD_TOKEN=token).rename(home / ".env")
    use_environment(monkeypatch, tmp_path, SIPBOT_HOME=str(home), DISCORD_API_BASE=CLOSED)
    ran = await in_process(capsys, "invite", "--guild", "42")
    assert ran.code == 0, ran.err
    assert (
        "application 1234567890123456789, read from the token: could not reach Discord" in ran.out
    )
    assert "client_id=1234567890123456789" in ran.out
    assert "guild_id=42&disable_guild_select=true" in ran.out


async def test_a_refused_token_exits_2_without_printing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeDiscord() as fake:
        wrong = fake.token[:-6] + "AAAAAA"
        use_environment(monkeypatch, tmp_path, DISCORD_TOKEN=wrong, DISCORD_API_BASE=fake.api_base)
        ran = await in_process(capsys, "invite")
    assert ran.code == 2
    assert ran.out == ""
    assert ran.err.startswith("sipbot: Discord refused DISCORD_TOKEN: copy the token again")
    assert wrong not in ran.err


async def test_without_a_token_the_error_names_the_file_and_the_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "var" / "sipbot"
    home.mkdir(parents=True)
    use_environment(monkeypatch, tmp_path, SIPBOT_HOME=str(home))
    ran = await in_process(capsys, "invite")
    assert ran.code == 2
    assert ran.err.splitlines() == [
        f"sipbot: DISCORD_TOKEN is not set (looked in {home}/.env (not found) and the "
        f"environment; SIPBOT_HOME={home}): put the bot token in that file or in the "
        "environment (see .env.example), or run sipbot once on a terminal to be asked for it"
    ]
    missing = tmp_path / "nowhere.env"
    ran = await in_process(capsys, "--env-file", str(missing), "check")
    assert ran.code == 2
    assert ran.err == f"sipbot: --env-file {missing} does not exist (or is not a file)\n"
    use_environment(monkeypatch, tmp_path)
    ran = await in_process(capsys, "invite")
    assert ran.code == 2
    assert (
        f"(looked in {tmp_path}/.env (not found) and the environment; SIPBOT_HOME not set, "
        f"so the working directory {tmp_path})"
    ) in ran.err
