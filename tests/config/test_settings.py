from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import DEFAULT_DATABASE_URL, SettingsError, from_mapping, load


def test_defaults() -> None:
    settings = from_mapping({})
    assert settings.discord_token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.guild_ids == ()
    assert settings.log_level == "INFO"


def test_values_are_normalised() -> None:
    settings = from_mapping(
        {
            "DISCORD_TOKEN": " abc.def.ghi ",
            "DATABASE_URL": "postgresql://u@h/db",
            "SIPBOT_GUILD_IDS": "1, 2;3",
            "LOG_LEVEL": "debug",
            "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/",
            "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/",
        }
    )
    assert settings.discord_token == "abc.def.ghi"
    assert settings.database_url == "postgresql+asyncpg://u@h/db"
    assert settings.guild_ids == (1, 2, 3)
    assert settings.log_level == "DEBUG"
    assert settings.api_base == "http://127.0.0.1:9/api/v10"
    assert "abc.def.ghi" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("SIPBOT_GUILD_IDS", "12,abc"),
        ("LOG_LEVEL", "LOUD"),
        ("DISCORD_API_BASE", "ftp://x"),
        ("DISCORD_GATEWAY_URL", "http://x"),
        ("DISCORD_TOKEN", "two words"),
    ],
)
def test_invalid_values_name_the_variable_in_one_line(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        from_mapping({name: value})
    message = str(caught.value)
    assert name in message
    assert "\n" not in message


def test_environment_overrides_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\nLOG_LEVEL=WARNING\n")
    settings = load(env_file, {"LOG_LEVEL": "ERROR"})
    assert settings.discord_token == "from-file"
    assert settings.log_level == "ERROR"


def test_the_home_is_the_working_directory_unless_sipbot_home_names_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("DISCORD_TOKEN=here\n")
    settings = load(None, {})
    assert settings.discord_token == "here"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/data/sipbot.db"
    home = tmp_path / "home"
    home.mkdir()
    (home / ".env").write_text("DISCORD_TOKEN=there\nDATABASE_URL=sqlite:///db/bot.db\n")
    settings = load(None, {"SIPBOT_HOME": str(home)})
    assert settings.discord_token == "there"
    assert settings.database_url == f"sqlite+aiosqlite:///{home}/db/bot.db"
    assert settings.sources is not None
    assert settings.sources.looked_in() == (
        f"looked in {home}/.env and the environment; SIPBOT_HOME={home}"
    )


def test_an_env_file_elsewhere_may_name_the_home(tmp_path: Path) -> None:
    named = tmp_path / "etc" / "sipbot.env"
    named.parent.mkdir()
    named.write_text(f"SIPBOT_HOME={tmp_path / 'var'}\nDATABASE_URL=sqlite:////abs/x.db\n")
    settings = load(named, {})
    assert settings.sources is not None
    assert settings.sources.home == tmp_path / "var"
    assert settings.sources.env_file == named
    assert settings.database_url == "sqlite+aiosqlite:////abs/x.db"  # absolute: kept
    with pytest.raises(SettingsError, match=r"--env-file .*missing\.env does not exist"):
        load(tmp_path / "missing.env", {})


def test_postgresql_and_memory_urls_are_not_moved_to_the_home(tmp_path: Path) -> None:
    for url in ("postgresql+asyncpg://u@h/db", "sqlite+aiosqlite:///:memory:"):
        assert load(None, {"SIPBOT_HOME": str(tmp_path), "DATABASE_URL": url}).database_url == url
