"""Sharing out members who chose several themes, so groups stay balanced across themes.

With a cap of one group per member, proposing themes one after the other would let
the first theme proposed take everyone who also chose another. Instead each member's
places are decided over all themes at once: members with the fewest choices first
(their options are scarcest), each to the least-loaded of their themes (ties: the
lower theme id). Places already taken in groups count against the cap and the loads.
Deterministic: the same votes give the same sharing, whatever their order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping


def share_out(
    choices: Mapping[int, frozenset[int]],
    cap: int,
    placed: Mapping[int, frozenset[int]],
) -> dict[int, frozenset[int]]:
    """member -> the themes where they are to be proposed (never more than the cap,
    counting where they are already placed; always among the themes they chose)."""
    load: Counter[int] = Counter(theme for themes in placed.values() for theme in themes)
    shared: dict[int, frozenset[int]] = {}
    free = {member: themes - placed.get(member, frozenset()) for member, themes in choices.items()}
    for member in sorted(free, key=lambda m: (len(free[m]), m)):
        room = max(cap - len(placed.get(member, frozenset())), 0)
        picked: list[int] = []
        for _ in range(min(room, len(free[member]))):
            theme = min((t for t in free[member] if t not in picked), key=lambda t: (load[t], t))
            picked.append(theme)
            load[theme] += 1
        shared[member] = frozenset(picked)
    return shared
