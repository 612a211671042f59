"""sipbot's performance suite: `python -m benchmarks [names...] [--smoke]` (see README.md)."""
