"""The interest poll's tally: counts per theme and per theme x region x mode (pure).

A member without a complete profile (office and mode) still counts for the themes they
chose; they are counted under region "—" or mode "unknown", and listed apart so the
organisers can ask them to complete it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

NO_REGION = "—"
NO_MODE = "unknown"


class Profile(Protocol):
    """What the tally reads of a member's profile."""

    @property
    def office(self) -> str | None: ...

    @property
    def mode(self) -> str | None: ...


class Place(Protocol):
    """What the tally reads of an office."""

    @property
    def region(self) -> str: ...


@dataclass
class Tally:
    """Counts per theme, and per theme x region x mode."""

    voters: int = 0
    per_theme: Counter[int] = field(default_factory=Counter)
    per_region: dict[int, Counter[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    without_profile: set[int] = field(default_factory=set)


def tally(
    votes: Mapping[int, set[int]], profiles: Mapping[int, Profile], offices: Mapping[str, Place]
) -> Tally:
    result = Tally(voters=len(votes))
    for member, themes in votes.items():
        profile = profiles.get(member)
        office = offices.get(profile.office) if profile and profile.office else None
        region = office.region if office else NO_REGION
        mode = profile.mode if profile and profile.mode else NO_MODE
        if profile is None or profile.office is None or profile.mode is None:
            result.without_profile.add(member)
        for theme in themes:
            result.per_theme[theme] += 1
            result.per_region[theme][(region, mode)] += 1
    return result
