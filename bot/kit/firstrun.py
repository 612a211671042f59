"""First run, for a person on a terminal: ask for the token (hidden), check it with
Discord, offer to name one server (whose id this explains how to find) so commands
appear there at once, write both in `.env` at mode 600. The invite link is printed by
the run once the bot is connected (`invite_block`), after the start-up log lines, so
that it is the last thing on the screen."""

from __future__ import annotations

import base64
import getpass
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import aiohttp

from bot.kit.permissions import invite_url

API = "https://discord.com/api/v10"
SERVER_ID = re.compile(r"^\d{17,20}$")  # a snowflake, as "Copy Server ID" gives it
HOW_TO_FIND_SERVER_ID = (
    "To find it: in Discord, User Settings → Advanced → turn on Developer Mode; then "
    "right-click the server's icon → Copy Server ID."
)


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    application_id: int | None = None
    bot_name: str | None = None
    problem: str | None = None
    refused: bool = False  # Discord answered 401; else, when not ok, it was not reached


async def check_token(token: str, api_base: str | None, seconds: float = 15) -> TokenCheck:
    base = (api_base or API).rstrip("/")
    headers = {"Authorization": f"Bot {token}"}
    try:
        async with aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=seconds), headers=headers
        ) as http:
            async with http.get(f"{base}/users/@me") as response:
                if response.status == 401:
                    return TokenCheck(False, problem="Discord refused this token", refused=True)
                response.raise_for_status()
                me = await response.json(content_type=None)
            async with http.get(f"{base}/oauth2/applications/@me") as response:
                response.raise_for_status()
                app = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError) as exc:
        return TokenCheck(False, problem=f"could not reach Discord ({type(exc).__name__})")
    return TokenCheck(True, int(app["id"]), str(me.get("username", "")))


def application_id_from_token(token: str) -> int | None:
    """A bot token's first part is its user id in base64, which is the application's id
    for every application made since bots have been part of them (2016): enough for an
    invite link when Discord cannot be asked."""
    head = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None


def set_in_env(path: Path, name: str, value: str) -> None:
    """Set `name` in `.env`, keeping other lines; the file is left at mode 600 (and its
    folder, when this creates it, at 700)."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if not line.strip().startswith(f"{name}=")]
    kept.append(f"{name}={value}")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(kept) + "\n")
    os.chmod(path, 0o600)


def write_env(path: Path, token: str) -> None:
    set_in_env(path, "DISCORD_TOKEN", token)


def ask_for_token(
    api_base: str | None,
    env_path: Path,
    run: Callable[..., TokenCheck],
    ask: Callable[[str], str] = getpass.getpass,
    out: TextIO = sys.stdout,
    tries: int = 3,
) -> str | None:
    """Interactive: hidden input, checked against the API; None after `tries` failures."""
    print(
        "sipbot needs its Discord bot token (Developer Portal → your application → Bot).", file=out
    )
    for _ in range(tries):
        token = ask("Bot token (hidden): ").strip()
        if not token:
            continue
        result = run(token, api_base)
        if not result.ok:
            print(f"That did not work: {result.problem}. Try again.", file=out)
            continue
        write_env(env_path, token)
        print(f"Token checked ({result.bot_name}); saved in {env_path} (mode 600).", file=out)
        return token
    return None


def ask_for_server(
    env_path: Path, ask: Callable[[str], str] = input, out: TextIO = sys.stdout, tries: int = 3
) -> tuple[int, ...]:
    """Offer to name one server (SIPBOT_GUILD_IDS): its commands then appear at once,
    where a global sync may take up to an hour. Saved in `.env`; () when skipped."""
    print(
        "\nCommands appear at once in one server if you give its id; without one they are "
        "synced to every server, which may take up to an hour.",
        file=out,
    )
    print(HOW_TO_FIND_SERVER_ID, file=out)
    for _ in range(tries):
        answer = ask("Server id (Enter to skip): ").strip()
        if not answer:
            break
        if SERVER_ID.match(answer):
            set_in_env(env_path, "SIPBOT_GUILD_IDS", answer)
            print(f"Saved SIPBOT_GUILD_IDS={answer} in {env_path}.", file=out)
            return (int(answer),)
        print("A server id is a number of 17 to 20 digits. Try again.", file=out)
    print("No server id: commands are synced globally (set SIPBOT_GUILD_IDS later).", file=out)
    return ()


def invite_block(application_id: int) -> str:
    """What the first run prints last, once the bot is connected."""
    return (
        "\nsipbot is connected. Invite it to your server with this link "
        "(`sipbot invite` prints it again):\n"
        f"{invite_url(application_id)}\n"
    )
