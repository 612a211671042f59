"""What the bot counts, for Prometheus (`/metrics`, bot/kit/watch.py).

One registry per bot, never prometheus_client's global one: several bots in one process
(the tests run many) count apart. Everything is counted where it happens, once:

- application commands, by command and outcome — `ok`, `refused` (the person was told
  what to change: bad input, a missing role, a check) or `error` (unexpected, logged
  with a reference) — from bot.app.SipTree, which sees every command through to its end;
- the time from a command's arrival to the bot's first answer (a reply, a deferral or a
  form), Discord's deadline being 3 s: the arrival is stamped when the gateway event is
  parsed, the answer seen when Discord accepts the interaction's callback (discord.py
  posts every one through `AsyncWebhookAdapter.create_interaction_response`, which
  `watch_answers` wraps once per process, and the bot's own replies without buttons go
  through bot.kit.ui.answer, which says so too; an aiohttp trace on every request cost
  about a tenth of a simple command's time);
- scheduled work by kind and outcome (done, skipped, cancelled, failed, retried), from
  the engine where an item settles (bot/kit/work.py `on_settled`);
- the gateway: heartbeat latency and whether it is connected, read when scraped, and the
  connections after the first (resumed or identified again);
- the work due and how long the oldest due item has waited, refreshed at each scrape.

Counts nobody can read are not kept: without SIPBOT_HTTP_PORT there is no /metrics, and
the bot has `Uncounted` instead, which does nothing and leaves prometheus_client (1.4 MB
of resident memory, with the HTTP server modules it imports) unimported.
"""

from __future__ import annotations

import math
import time
import weakref
from collections.abc import Callable
from functools import wraps
from typing import Any

from discord.webhook import async_ as webhook_adapter

# Around Discord's 3-second deadline for a first answer.
RESPONSE_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
OUTCOMES = ("ok", "refused", "error")
# An answer comes within 3 s or never (Discord forgets the interaction): what waits longer
# for one is dropped, so the table of arrivals stays small.
FORGET_AFTER = 60.0


class Uncounted:
    """What the bot tells its counts when nothing can read them: nothing is kept."""

    def arrived(self, interaction_id: int) -> None:
        pass

    def handled(self, command: str, outcome: str) -> None:
        pass

    def work_settled(self, kind: str, outcome: str) -> None:
        pass

    def connected(self) -> None:
        pass


class Metrics(Uncounted):
    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        reg = self.registry
        self.interactions = Counter(
            "sipbot_interactions", "Application commands handled, by command and outcome "
            "(ok; refused: the person was told what to change; error: unexpected)",
            ["command", "outcome"], registry=reg,
        )  # fmt: skip
        self.response_seconds = Histogram(
            "sipbot_interaction_response_seconds",
            "From a command's arrival to the bot's first answer accepted by Discord",
            buckets=RESPONSE_BUCKETS, registry=reg,
        )  # fmt: skip
        self.work = Counter(
            "sipbot_work_items", "Scheduled work settled, by kind and outcome "
            "(done, skipped, cancelled, failed; retried: released for another attempt)",
            ["kind", "outcome"], registry=reg,
        )  # fmt: skip
        self.work_due = Gauge(
            "sipbot_work_due", "Scheduled work due now and not done yet", registry=reg
        )
        self.work_oldest_due = Gauge(
            "sipbot_work_oldest_due_seconds",
            "How long the oldest due item has waited (0 when nothing is due)",
            registry=reg,
        )
        self.gateway_latency = Gauge(
            "sipbot_gateway_latency_seconds",
            "Between a gateway heartbeat and its acknowledgement (NaN before the first)",
            registry=reg,
        )
        self.gateway_connected = Gauge(
            "sipbot_gateway_connected", "1 while the gateway connection is up", registry=reg
        )
        self.reconnects = Counter(
            "sipbot_gateway_reconnects",
            "Gateway connections after the first (resumed, or identified again)",
            registry=reg,
        )
        self._arrivals: dict[int, float] = {}
        self._connected_once = False
        _LIVE.add(self)
        watch_answers()

    # ------------------------------------------------------------ interactions
    def arrived(self, interaction_id: int) -> None:
        now = time.perf_counter()
        arrivals = self._arrivals
        while arrivals:
            oldest = next(iter(arrivals))
            if now - arrivals[oldest] < FORGET_AFTER:
                break
            del arrivals[oldest]
        arrivals[interaction_id] = now

    def answered(self, interaction_id: int) -> None:
        started = self._arrivals.pop(interaction_id, None)
        if started is not None:
            self.response_seconds.observe(time.perf_counter() - started)

    def handled(self, command: str, outcome: str) -> None:
        self.interactions.labels(command=command, outcome=outcome).inc()

    # ------------------------------------------------------------ work and gateway
    def work_settled(self, kind: str, outcome: str) -> None:
        self.work.labels(kind=kind, outcome=outcome).inc()

    def work_backlog(self, due: int, oldest_seconds: float) -> None:
        self.work_due.set(due)
        self.work_oldest_due.set(oldest_seconds)

    def watch_gateway(self, latency: Callable[[], float], connected: Callable[[], bool]) -> None:
        self.gateway_latency.set_function(lambda: _finite(latency()))
        self.gateway_connected.set_function(lambda: 1.0 if connected() else 0.0)

    def connected(self) -> None:
        """A gateway connection was made (READY or RESUMED): every one after the first is a
        reconnection."""
        if self._connected_once:
            self.reconnects.inc()
        self._connected_once = True


def _finite(value: float) -> float:
    return value if math.isfinite(value) else math.nan


# Every Metrics alive in the process (one per bot; the tests run several at once): an
# accepted callback is an answer for whichever of them saw its interaction arrive.
_LIVE: weakref.WeakSet[Metrics] = weakref.WeakSet()
_WATCHED = "__sipbot_answers__"


def seen_answered(interaction_id: int) -> None:
    """Discord accepted an interaction's first answer: every live bot's metrics hear it."""
    for metrics in _LIVE:
        metrics.answered(interaction_id)


def watch_answers() -> None:
    """Wrap discord.py's interaction callback once: accepted (no HTTPException raised),
    it is the interaction's first answer."""
    adapter = webhook_adapter.AsyncWebhookAdapter
    original = adapter.create_interaction_response
    if getattr(original, _WATCHED, False):
        return

    @wraps(original)
    async def answered(self: Any, interaction_id: int, token: str, **kwargs: Any) -> Any:
        response = await original(self, interaction_id, token, **kwargs)
        seen_answered(int(interaction_id))
        return response

    setattr(answered, _WATCHED, True)
    adapter.create_interaction_response = answered  # type: ignore[method-assign]
