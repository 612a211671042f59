"""First run: ask for the token on a terminal, check it, write `.env`, print the invite."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import aiohttp

from bot.kit.permissions import invite_url

MISSING_SETTING_LINE = (
    "sipbot: DISCORD_TOKEN is not set: put the bot token in the environment or in a .env "
    "file (see .env.example), or run sipbot once on a terminal to be asked for it"
)
API = "https://discord.com/api/v10"


@dataclass(frozen=True)
class TokenCheck:
    ok: bool
    application_id: int | None = None
    bot_name: str | None = None
    problem: str | None = None


async def check_token(token: str, api_base: str | None) -> TokenCheck:
    base = (api_base or API).rstrip("/")
    headers = {"Authorization": f"Bot {token}"}
    timeout = aiohttp.ClientTimeout(total=15)
    try:
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as http:
            async with http.get(f"{base}/users/@me") as response:
                if response.status == 401:
                    return TokenCheck(False, problem="Discord refused this token")
                response.raise_for_status()
                me = await response.json(content_type=None)
            async with http.get(f"{base}/oauth2/applications/@me") as response:
                response.raise_for_status()
                app = await response.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError) as exc:
        return TokenCheck(False, problem=f"could not reach Discord ({type(exc).__name__})")
    return TokenCheck(True, int(app["id"]), str(me.get("username", "")))


def write_env(path: Path, token: str) -> None:
    """Set DISCORD_TOKEN in `.env`, keeping other lines; the file is left at mode 600."""
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if not line.strip().startswith("DISCORD_TOKEN=")]
    kept.append(f"DISCORD_TOKEN={token}")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("\n".join(kept) + "\n")
    os.chmod(path, 0o600)


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
        if result.application_id is not None:
            print("Invite the bot to your server with:", file=out)
            print(invite_url(result.application_id), file=out)
        return token
    return None
