"""Free memory handed back to the system once a large piece of work is done."""

from __future__ import annotations

import ctypes
import functools
import logging

log = logging.getLogger(__name__)


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl, macOS): nothing to trim
        return None


def trim() -> None:
    """glibc's malloc_trim: the free pages of the C heap go back to the system. Python
    frees what a large piece of work allocated (start-up's temporaries, a poll's 60,000
    reactions read and written), but glibc keeps the pages, and they would count in the
    process's resident memory for its life. About a millisecond."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
