"""Logging, configured once; secrets never reach a log line."""

from __future__ import annotations

import logging
import re
import sys

# Discord bot tokens: three base64url parts joined by dots.
TOKEN_SHAPE = re.compile(r"[A-Za-z\d_-]{23,28}\.[A-Za-z\d_-]{6,7}\.[A-Za-z\d_-]{27,}")
REDACTED = "[redacted]"


class RedactingFormatter(logging.Formatter):
    def __init__(self, fmt: str, secrets: tuple[str, ...]) -> None:
        super().__init__(fmt)
        self.secrets = tuple(s for s in secrets if s)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self.secrets)


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return TOKEN_SHAPE.sub(REDACTED, text)


def configure(level: int, secrets: tuple[str, ...]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # At DEBUG these log request payloads, interaction tokens in webhook URLs, or
    # every database call: keep them at INFO (or WARNING) whatever the level asked.
    for name in ("discord.http", "discord.gateway", "discord.webhook", "aiosqlite", "asyncpg"):
        logging.getLogger(name).setLevel(max(level, logging.INFO))
