"""GNU `patch`, the independent reader of the diffs the bot shows and attaches.

A test that needs it skips, saying why, when it is not installed; with
SIPBOT_REQUIRE_PATCH=1 (as `.ci/run` sets, after installing it) it fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest


@cache
def _gnu_patch() -> str | None:
    found = shutil.which("patch")
    if found is None:
        return None
    version = subprocess.run(  # noqa: S603 - a fixed argument list
        [found, "--version"], capture_output=True, check=False, timeout=10
    )
    return found if b"GNU patch" in version.stdout else None


def require_patch() -> str:
    found = _gnu_patch()
    if found is None:
        if os.environ.get("SIPBOT_REQUIRE_PATCH") == "1":
            pytest.fail("GNU patch required (SIPBOT_REQUIRE_PATCH=1) but not on PATH")
        pytest.skip("GNU patch is not installed (apt-get install patch): diffs not applied")
    return found


def apply_patch(old: str, diff: str) -> str:
    """`old` written to a file (bytes as they are: CRLF, no final newline), `diff`
    applied with no fuzz allowed, and the file read back. Fails unless `patch` applied
    every hunk exactly where the diff says (no fuzz, no offset, nothing rejected)."""
    patch = require_patch()
    with tempfile.TemporaryDirectory() as folder:
        target, changes = Path(folder) / "draft.txt", Path(folder) / "changes.diff"
        target.write_bytes(old.encode())
        changes.write_bytes(diff.encode())
        # -f: never ask, never guess "reversed"; --fuzz=0: every context line must match.
        done = subprocess.run(  # noqa: S603 - a fixed argument list
            [patch, "-f", "--fuzz=0", "--no-backup-if-mismatch", "-i", str(changes), str(target)],
            capture_output=True,
            check=False,
            timeout=30,
            cwd=folder,
        )
        said = (done.stdout + done.stderr).decode(errors="replace")
        assert done.returncode == 0, said
        assert said == f"patching file {target}\n", said  # no "fuzz", "offset", "Hunk #"
        assert not (Path(folder) / "draft.txt.rej").exists(), said
        return target.read_bytes().decode()
