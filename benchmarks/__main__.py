"""Run the benchmarks, print one table, write the figures as JSON.

Each benchmark is a module of this package exposing `async def run(smoke: bool) -> list[Row]`;
add its name to BENCHMARKS. Missed targets are reported, never a failure: the exit code is
non-zero only when a benchmark could not run (so CI's smoke run proves it still runs).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, cast

from benchmarks.common import RESULTS, Row, table, write_json
from benchmarks.processes import PROFILE_ENV

BENCHMARKS = (
    "setup_show", "reactions", "reconcile", "composition", "reminders", "exports", "charts",
    "meeting_dms", "cooperative", "guilds",
)  # fmt: skip
Runner = Callable[[bool], Coroutine[Any, Any, list[Row]]]


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all of {', '.join(BENCHMARKS)})",
    )
    parser.add_argument("--smoke", action="store_true", help="small sizes, for CI: proves it runs")
    parser.add_argument(
        "--json",
        type=Path,
        default=RESULTS / "latest.json",
        help="where to write the figures (default: %(default)s)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="run the programs under test with cProfile, statistics in DIR",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    return args


def runner(name: str) -> Runner:
    module = importlib.import_module(f"benchmarks.{name}")
    return cast(Runner, module.run)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    if args.profile is not None:
        os.environ[PROFILE_ENV] = str(args.profile.resolve())
    names = args.names or list(BENCHMARKS)
    load_at_start = round(os.getloadavg()[0], 2)
    # Other work on this machine's 2 cores moves every figure: say how busy it was.
    print(f"load average (1 min) before the run: {load_at_start}", flush=True)
    rows: list[Row] = []
    failed: list[str] = []
    for name in names:
        started = time.monotonic()
        print(f"running {name}{' (smoke)' if args.smoke else ''}...", flush=True)
        try:
            produced = asyncio.run(runner(name)(args.smoke))
        except Exception:  # noqa: BLE001 - report every benchmark, then fail the run
            traceback.print_exc()
            failed.append(name)
            continue
        if not produced:
            print(f"{name} produced no figures", file=sys.stderr)
            failed.append(name)
        rows += produced
        print(f"{name} took {time.monotonic() - started:.1f} s", flush=True)
    if rows:
        print()
        print(table(rows))
        write_json(args.json, rows, smoke=args.smoke, benchmarks=names, load_at_start=load_at_start)
        print(f"load average (1 min) after the run: {os.getloadavg()[0]:.2f}")
        print(f"\nfigures written to {args.json}")
    missed = [r for r in rows if r.ok is False]
    if args.smoke:
        print("smoke run: small sizes, targets reported only")
    elif rows:
        print(
            f"targets: {sum(1 for r in rows if r.ok)} passed, {len(missed)} missed (a report: not a failure)"
        )
    if failed:
        print(f"could not run: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
