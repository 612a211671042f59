"""Entry point: `python -m bot` or `sipbot`; the command line is bot/cli/.
Nothing happens at import time."""

from __future__ import annotations

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
