"""The token never reaches a log line; the first run writes `.env` at mode 600."""

from __future__ import annotations

import io
import logging
import stat
from pathlib import Path

from bot.kit import firstrun, logs
from bot.kit.permissions import required_permissions

FAKE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_redacting_formatter_hides_the_token_and_token_shapes() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.RedactingFormatter("%(message)s", ("s3cret-value",)))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("token is %s and %s", "s3cret-value", FAKE_TOKEN)
        try:
            raise RuntimeError(f"failed with Authorization: Bot {FAKE_TOKEN}")
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    assert "s3cret-value" not in output
    assert FAKE_TOKEN not in output
    assert output.count(logs.REDACTED) == 3


def test_write_env_keeps_other_lines_and_sets_mode_600(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("LOG_LEVEL=DEBUG\nDISCORD_TOKEN=old\n")
    env_file.chmod(0o644)
    firstrun.write_env(env_file, "new-token")
    assert env_file.read_text() == "LOG_LEVEL=DEBUG\nDISCORD_TOKEN=new-token\n"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_ask_for_token_retries_then_saves_and_leaves_the_invite_for_later(
    tmp_path: Path,
) -> None:
    answers = iter(["", "bad", "tok-7f3a"])
    checked: list[str] = []

    def check(token: str, api_base: str | None) -> firstrun.TokenCheck:
        checked.append(token)
        if token == "tok-7f3a":
            return firstrun.TokenCheck(True, application_id=1234, bot_name="sipbot")
        return firstrun.TokenCheck(False, problem="Discord refused this token")

    out = io.StringIO()
    env_file = tmp_path / ".env"
    token = firstrun.ask_for_token(None, env_file, check, ask=lambda _p: next(answers), out=out)
    assert token == "tok-7f3a"
    assert checked == ["bad", "tok-7f3a"]
    text = out.getvalue()
    assert "tok-7f3a" not in text  # the token is never echoed
    assert "client_id=" not in text  # printed once connected, after the log lines
    assert env_file.read_text() == "DISCORD_TOKEN=tok-7f3a\n"
    block = firstrun.invite_block(1234)
    assert f"permissions={required_permissions().value}" in block
    assert "scope=bot+applications.commands" in block
    assert "client_id=1234" in block
    assert "sipbot invite" in block


def test_ask_for_token_gives_up_after_three_refusals(tmp_path: Path) -> None:
    out = io.StringIO()
    token = firstrun.ask_for_token(
        None,
        tmp_path / ".env",
        lambda _t, _b: firstrun.TokenCheck(False, problem="refused"),
        ask=lambda _p: "nope",
        out=out,
    )
    assert token is None
    assert not (tmp_path / ".env").exists()
    assert "nope" not in out.getvalue()


def test_ask_for_server_explains_where_to_find_the_id_and_saves_it(tmp_path: Path) -> None:
    env_file = tmp_path / "home" / ".env"  # a home not made yet: made private
    answers = iter(["my server", "123", "  812345678901234567 "])
    out = io.StringIO()
    ids = firstrun.ask_for_server(env_file, ask=lambda _p: next(answers), out=out)
    assert ids == (812345678901234567,)
    assert env_file.read_text() == "SIPBOT_GUILD_IDS=812345678901234567\n"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(env_file.parent.stat().st_mode) == 0o700
    text = out.getvalue()
    assert "User Settings → Advanced → turn on Developer Mode" in text
    assert "Copy Server ID" in text
    assert text.count("17 to 20 digits") == 2


def test_ask_for_server_may_be_skipped(tmp_path: Path) -> None:
    out = io.StringIO()
    assert firstrun.ask_for_server(tmp_path / ".env", ask=lambda _p: "", out=out) == ()
    assert not (tmp_path / ".env").exists()
    assert "synced globally" in out.getvalue()


def test_the_application_id_is_read_from_the_token() -> None:
    assert firstrun.application_id_from_token(FAKE_TOKEN) == 1234567890123456789
    assert firstrun.application_id_from_token("not a token") is None
    assert firstrun.application_id_from_token("!!!.x.y") is None
