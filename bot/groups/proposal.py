"""The vocabulary of a composition (bot/groups/rules.py): who answered the interest poll
(`Respondent`), the size bounds and their arithmetic (`Bounds`), and what is proposed
(`ProposedGroup`, `Unplaced`, `Proposal`). Pure: no discord, no storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.kit.user_error import UserError

Mode = Literal["in_person", "online", "either"]
GroupMode = Literal["in_person", "online"]
RegionKey = tuple[str, str]

CAP_REACHED = "cap_reached"
TOO_FEW = "too_few"


@dataclass(frozen=True)
class Respondent:
    """A member who answered the interest poll, with their profile (possibly empty)."""

    member_id: int
    themes: frozenset[int]
    office: str | None = None
    region: str | None = None
    country: str | None = None
    mode: Mode | None = None
    facilitate: bool = False
    take_notes: bool = False

    @property
    def wants(self) -> Mode:
        return self.mode or "either"

    @property
    def can_meet_in_person(self) -> bool:
        return self.office is not None and self.wants != "online"

    @property
    def region_key(self) -> RegionKey:
        """Offices without a region are a region of their own."""
        return (self.country or "", self.region or self.office or "")

    @property
    def volunteers(self) -> bool:
        return self.facilitate or self.take_notes


@dataclass(frozen=True)
class Bounds:
    min_size: int = 5
    max_size: int = 12

    def __post_init__(self) -> None:
        if self.min_size < 1 or self.max_size < self.min_size:
            raise UserError("error.groups.bounds", min=self.min_size, max=self.max_size)

    @property
    def gap_free(self) -> bool:
        """Every head count from min_size up can be split within the bounds."""
        return self.max_size >= 2 * self.min_size - 1

    def groups_for(self, count: int) -> int:
        """The fewest groups holding exactly `count` people within bounds; 0 if none can."""
        fewest = -(-count // self.max_size)
        return fewest if count > 0 and fewest * self.min_size <= count else 0

    def placeable(self, count: int) -> int:
        """How many of `count` people groups within the bounds can hold."""
        if self.groups_for(count):
            return count
        return min(count, count // self.min_size * self.max_size)


@dataclass(frozen=True)
class ProposedGroup:
    name: str
    mode: GroupMode
    office: str | None
    region: str | None
    members: tuple[int, ...]
    facilitator: int | None = None
    secretary: int | None = None

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Unplaced:
    """A voter left out: ``cap_reached`` (already in enough groups of other themes) or
    ``too_few`` (not enough people to form a group within the bounds)."""

    member_id: int
    reason: str


@dataclass(frozen=True)
class Proposal:
    """Groups to preview; the volunteer sets let ``move`` re-pick roles."""

    groups: list[ProposedGroup]
    unplaced: list[Unplaced]
    willing_to_facilitate: frozenset[int] = frozenset()
    willing_to_take_notes: frozenset[int] = frozenset()

    def group(self, name: str) -> ProposedGroup | None:
        """The group called `name` (exact, else the only case-insensitive match)."""
        wanted = name.strip()
        exact = [g for g in self.groups if g.name == wanted]
        loose = [g for g in self.groups if g.name.casefold() == wanted.casefold()]
        found = exact or loose
        return found[0] if len(found) == 1 else None

    def group_of(self, member_id: int) -> ProposedGroup | None:
        return next((g for g in self.groups if member_id in g.members), None)
