"""The bot with its HTTP watch on, read through a real HTTP client."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.harness import running_bot


@contextlib.asynccontextmanager
async def watched_bot(
    fake: FakeDiscord, engine: AsyncEngine, clock: MovableClock
) -> AsyncIterator[tuple[SipBot, Reader]]:
    """The bot serving /healthz and /metrics on a free port of 127.0.0.1."""
    async with running_bot(fake, engine, clock, http_port=0) as bot:
        assert bot.watch is not None and bot.watch.port
        async with aiohttp.ClientSession() as http:
            yield bot, Reader(http, f"http://127.0.0.1:{bot.watch.port}")


class Reader:
    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base

    async def health(self) -> tuple[int, dict[str, Any]]:
        async with self.http.get(f"{self.base}/healthz") as response:
            assert response.content_type == "application/json"
            return response.status, await response.json()

    async def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """Every sample by (name, sorted labels), as Prometheus' own parser reads them."""
        async with self.http.get(f"{self.base}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            text = await response.text()
        samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples


def sample(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
           **labels: str) -> float | None:  # fmt: skip
    return found.get((name, tuple(sorted(labels.items()))))
