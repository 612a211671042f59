"""Start-up never loads the picture libraries: matplotlib (and numpy, Pillow), Jinja2,
markdown-it and fpdf2 are imported when the first picture or report is made. Checked in
a fresh interpreter, where nothing else imported them first. (The memory this keeps out
of start-up is measured by `python -m benchmarks charts`.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.process import REPO, bot_environment


def test_the_bot_starts_without_matplotlib_and_loads_it_for_the_first_chart(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.charts.startup_probe"],
        cwd=REPO, env=bot_environment(None, tmp_path, LOG_LEVEL="WARNING"),
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["started"] == []
    assert {"matplotlib", "numpy"} <= set(found["drawn"])
    assert found["files"] == 1
