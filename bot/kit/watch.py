"""`/healthz` and `/metrics` over HTTP, when SIPBOT_HTTP_PORT is set (off by default).

Served by aiohttp's web server (already there: discord.py is built on aiohttp) on
127.0.0.1 unless SIPBOT_HTTP_HOST says otherwise: what it tells (server counts, command
names) is for the operator's monitoring, not for the internet.

`/healthz` answers 200 when the bot does its job, 503 when it cannot, with the reasons
in JSON: the gateway is not connected (no command, no reaction reaches the bot), the
database does not answer `SELECT 1` within a few seconds, or scheduled work due for
longer than OVERDUE (ten minutes) is still waiting — reminders would be late. Work
waiting out its back-off because Discord refuses it is not overdue: `/setup check`
shows it to the organisers, and restarting the bot would not help.

`/metrics` is Prometheus' text format, from the bot's own registry (bot/kit/metrics.py).
"""

from __future__ import annotations

import asyncio
import logging
import math
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.kit.metrics import Metrics
from storage import work as work_store

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)

OVERDUE = timedelta(minutes=10)
DATABASE_TIMEOUT = 3.0


@dataclass
class Health:
    gateway_connected: bool
    gateway_latency_seconds: float | None
    database_reachable: bool
    work_due: int | None  # None: the database did not answer
    oldest_due_seconds: float | None
    overdue_after_seconds: float = OVERDUE.total_seconds()
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.healthy else "unhealthy", **asdict(self)}


def gateway_connected(bot: Host) -> bool:
    """READY was received and the websocket it came on is still open."""
    ws = bot.ws
    return bot.is_ready() and not bot.is_closed() and ws is not None and ws.open


class Watch:
    def __init__(self, bot: Host, metrics: Metrics, host: str, port: int) -> None:
        self.bot = bot
        self.metrics = metrics
        self.host = host
        self.port = port  # 0: any free port (tests); the bound one once started
        self._runner: web.AppRunner | None = None
        metrics.watch_gateway(lambda: bot.latency, lambda: gateway_connected(bot))

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            log.error("cannot serve /healthz and /metrics on %s:%s: %s", self.host, self.port, exc)
            raise
        self._runner = runner
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("serving /healthz and /metrics on http://%s:%s/", self.host, self.port)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def health(self) -> Health:
        connected = gateway_connected(self.bot)
        latency = self.bot.latency
        backlog = await self._backlog()
        reachable = backlog is not None
        due, oldest = backlog if backlog is not None else (None, None)
        health = Health(
            gateway_connected=connected,
            gateway_latency_seconds=latency if connected and math.isfinite(latency) else None,
            database_reachable=reachable,
            work_due=due,
            oldest_due_seconds=oldest,
        )
        if not connected:
            health.problems.append("gateway not connected")
        if not reachable:
            health.problems.append("database unreachable")
        elif oldest is not None and oldest > OVERDUE.total_seconds():
            health.problems.append(f"scheduled work overdue for {round(oldest)} s")
        return health

    async def _backlog(self) -> tuple[int, float] | None:
        """(items due, seconds the oldest has waited), or None when the database does not
        answer in time."""
        services = self.bot.services
        now = services.clock.now()
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                async with services.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
                async with services.db() as db:
                    due, since = await work_store.backlog(db, now, list(services.work.handlers))
        except (TimeoutError, SQLAlchemyError, OSError) as exc:
            log.warning("health: the database did not answer (%s)", type(exc).__name__)
            return None
        waited = max((now - since).total_seconds(), 0.0) if since is not None else 0.0
        self.metrics.work_backlog(due, waited)
        return due, waited

    async def _healthz(self, _request: web.Request) -> web.Response:
        health = await self.health()
        return web.json_response(health.as_json(), status=200 if health.healthy else 503)

    async def _metrics(self, _request: web.Request) -> web.Response:
        await self._backlog()  # the work gauges, as of now
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
