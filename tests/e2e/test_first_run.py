"""The first run on a terminal: the token is asked for (hidden), checked, saved in `.env`
at mode 600, the invite link printed, and the bot goes on to connect."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import signal
import stat
import sys
import termios
from pathlib import Path

from bot.kit.permissions import required_permissions
from tests.e2e.process import REPO, bot_environment
from tests.fakediscord import FakeDiscord


def _controlling_terminal() -> None:  # runs in the child, before exec
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _mark_ready(readable: asyncio.Future[None]) -> None:
    if not readable.done():
        readable.set_result(None)


async def read_until(
    master: int, text: str, seen: bytearray, start: int = 0, timeout: float = 20
) -> str:
    """Read the terminal into `seen` until `text` appears after `start`.

    Reads only when the terminal has output (the event loop watches the descriptor): a
    blocking read in a thread, abandoned at a timeout, would go on and swallow what the
    program prints next."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while text.encode() not in seen[start:]:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(
                f"no {text!r} on the terminal; got {seen.decode(errors='replace')!r}"
            )
        readable: asyncio.Future[None] = loop.create_future()
        loop.add_reader(master, _mark_ready, readable)
        try:
            await asyncio.wait_for(readable, timeout=remaining)
        except TimeoutError:
            continue
        finally:
            loop.remove_reader(master)
        try:
            seen += os.read(master, 4096)
        except OSError:
            break
    return seen.decode(errors="replace")


async def test_first_run_asks_token_and_server_saves_them_private_and_invites_last(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        env = bot_environment(fake, tmp_path)
        for name in ("DISCORD_TOKEN", "SIPBOT_GUILD_IDS", "DATABASE_URL"):
            del env[name]  # asked for, and the default database under ./data
        master, slave = pty.openpty()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO)},
            stdin=slave, stdout=slave, stderr=slave, preexec_fn=_controlling_terminal,
        )  # fmt: skip
        os.close(slave)
        seen = bytearray()
        try:
            await read_until(master, "Bot token (hidden):", seen)
            os.write(master, b"not-a-token\n")
            await read_until(master, "That did not work: Discord refused this token", seen)
            await read_until(master, "Bot token (hidden):", seen, start=seen.rfind(b"refused"))
            os.write(master, fake.token.encode() + b"\n")
            await read_until(master, "Server id (Enter to skip):", seen)
            os.write(master, b"12345\n")  # too short for a server id
            await read_until(master, "17 to 20 digits", seen)
            await read_until(
                master, "Server id (Enter to skip):", seen, start=seen.rfind(b"digits")
            )
            os.write(master, str(fake.guild.id).encode() + b"\n")
            screen = await read_until(master, "scope=bot+applications.commands", seen)
            await fake.wait_for(
                lambda: fake.connected_clients == 1, timeout=20, what="the bot to connect"
            )
            synced = fake.commands(fake.guild.id)
        finally:
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), timeout=15)
            os.close(master)
    assert code == 0
    env_file = tmp_path / ".env"
    assert env_file.read_text() == (
        f"DISCORD_TOKEN={fake.token}\nSIPBOT_GUILD_IDS={fake.guild.id}\n"
    )
    assert "User Settings → Advanced" in screen and "Copy Server ID" in screen
    assert synced, "commands synced to the server named, at once"
    # the invite link comes last: after the start-up log lines, once connected
    assert screen.index("connected as") < screen.index("client_id=")
    assert f"permissions={required_permissions().value}" in screen
    assert fake.token not in screen and "not-a-token" not in screen  # hidden input, never echoed
    modes = {
        name: stat.S_IMODE((tmp_path / name).stat().st_mode)
        for name in (".env", "data", "data/sipbot.db", "data/sipbot.db.lock")
    }
    assert modes == {".env": 0o600, "data": 0o700, "data/sipbot.db": 0o600,
                     "data/sipbot.db.lock": 0o600}  # fmt: skip
