"""What every benchmark shares: result rows, percentiles, targets, the table and the JSON."""

from __future__ import annotations

import contextlib
import gc
import json
import math
import os
import platform
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

RESULTS = Path(__file__).resolve().parent / "results"
COLUMNS = ("benchmark", "metric", "value", "unit", "target", "ok")
DIGITS = {"ms": 2, "s": 3, "µs": 1, "/s": 0, "MB": 1, "KB": 0, "x": 2, "count": 0, "%": 0}


class BenchmarkError(RuntimeError):
    """The benchmark could not measure what it set out to (not a missed target)."""


@dataclass(frozen=True)
class Row:
    benchmark: str
    metric: str
    value: float
    unit: str
    target: str | None = None
    ok: bool | None = None


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        raise BenchmarkError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def at_most(
    benchmark: str, metric: str, value: float, unit: str, limit: float, shown: str | None = None
) -> Row:
    target = f"<= {shown or f'{limit:g}'} {unit}"
    return Row(benchmark, metric, value, unit, target, value <= limit)


def at_least(
    benchmark: str, metric: str, value: float, unit: str, limit: float, shown: str | None = None
) -> Row:
    target = f">= {shown or f'{limit:g}'} {unit}"
    return Row(benchmark, metric, value, unit, target, value >= limit)


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / (1024 * 1024)


def own_cpu_seconds() -> float:
    """This process's CPU time: the fake Discord's share of the work."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def format_value(value: float, unit: str) -> str:
    if math.isnan(value):
        return "n/a"
    return f"{value:.{DIGITS.get(unit, 2)}f}"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "FAIL")


def table(rows: Iterable[Row]) -> str:
    cells = [
        (
            r.benchmark,
            r.metric,
            format_value(r.value, r.unit),
            r.unit,
            r.target or "-",
            verdict(r.ok),
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [COLUMNS, *cells]) for i in range(len(COLUMNS))]
    right = {2}  # numbers line up on the right

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if i in right else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return " | ".join(parts).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(COLUMNS), rule, *(line(c) for c in cells)])


def machine() -> dict[str, Any]:
    load = os.getloadavg()
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1m": round(load[0], 2),
    }


def write_json(
    path: Path,
    rows: Sequence[Row],
    *,
    smoke: bool,
    benchmarks: Sequence[str],
    load_at_start: float | None = None,
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": smoke,
        "benchmarks": list(benchmarks),
        "machine": {**machine(), "load_average_1m_at_start": load_at_start},
        "rows": [asdict(r) for r in rows],
    }
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@contextlib.contextmanager
def collector_quiet() -> Iterator[None]:
    """The benchmark's own process (the fake, which stamps the times) without garbage
    collection while a phase is measured: what the programs before left behind, collected
    in the middle of a phase, would stall the fake's loop and be counted as the program's
    latency. Collected before, and again after."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()
