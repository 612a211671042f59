"""Working groups for one theme: who meets whom, where, and who runs the sessions.

Issue 4 and SPEC §2 give the outline; the choices where they are silent are marked
(*). The property tests in tests/groups/test_rules.py hold these rules.

* Only voters for the theme count. Whoever is already in ``max_groups_per_member``
  groups of *other* themes (``existing``) is ``cap_reached``.
* (*) No mode means "either"; no office means visio only (nobody knows where they are).
* Office first: an office whose "in person" members reach ``min_size`` - topped up
  with its own "either" members if that suffices - meets alone ("Ouest – Rennes").
  (*) "Either" members top up in-person groups but never start one on their own.
* Region next: the in-person members of the small offices form one unit ("Ouest"),
  topped up with the region's unused "either" members (small offices' first), or
  else join the smallest office unit of the region. (*) Failing that they go to
  visio: better a visio group than nothing; the preview shows an "in_person" member
  in an online group and organisers can ``move`` them.
* "100% visio N" groups take the online members, those without an office, unused
  "either" members and the in-person leftovers. Online members never meet in person.
* (*) No group is ever proposed outside the bounds. If the visio pool cannot reach
  ``min_size``, its members who could meet in person join the smallest unit of their
  region; the rest are ``too_few`` and organisers can place them with ``move``.
* A unit is split into the fewest groups that fit, sizes differing by at most one
  (25 people, 5..12 → 9/8/8). If the bounds leave gaps (``max < 2·min − 1``: 5..6
  cannot hold 8), as many as fit are placed; the rest flow on to visio, then too_few.
* Volunteers are dealt first so they spread: a would-be facilitator per group
  (facilitate-only before "both"), then a would-be secretary (notes-only first), then
  the other volunteers round-robin; everyone else fills up in office order so that
  colleagues stay together. Facilitator and secretary are distinct whenever possible,
  ``None`` when nobody volunteered (organisers use ``/group roles``).
* Deterministic: ordered by member id, office and region; input order does not matter.

With gap-free bounds, everyone is placed once ``min_size`` eligible members must meet
online, and a ``too_few`` member who could meet in person has no group in their region.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from bot.groups.consent import CONSENT, DIRECT, JOIN_MODES
from bot.groups.proposal import (
    CAP_REACHED,
    TOO_FEW,
    Bounds,
    GroupMode,
    Mode,
    Proposal,
    ProposedGroup,
    RegionKey,
    Respondent,
    Unplaced,
)
from bot.kit.user_error import UserError

# The types are part of the rules' surface: other features and the tests import them here.
__all__ = [
    "CAP_REACHED",
    "CONSENT",
    "DIRECT",
    "JOIN_MODES",
    "ONLINE_NAME",
    "SEPARATOR",
    "TOO_FEW",
    "Bounds",
    "GroupMode",
    "Mode",
    "Proposal",
    "ProposedGroup",
    "RegionKey",
    "Respondent",
    "Unplaced",
    "move",
    "pick_roles",
    "propose",
]

ONLINE_NAME = "100% visio"
SEPARATOR = " – "


@dataclass
class _Unit:
    """People of one region meant to meet in person, before splitting into groups."""

    region: RegionKey
    members: list[Respondent]


def propose(
    theme_id: int,
    respondents: Iterable[Respondent],
    bounds: Bounds | None = None,
    max_groups_per_member: int = 1,
    existing: Mapping[int, int] | None = None,
    *,
    online_name: str = ONLINE_NAME,
) -> Proposal:
    """Groups for one theme; `existing` counts each member's groups in other themes."""
    bounds = bounds or Bounds()
    if max_groups_per_member < 1:
        raise UserError("error.groups.cap", value=max_groups_per_member)
    counts = existing or {}
    voters = _voters(theme_id, respondents)
    full = {r.member_id for r in voters if counts.get(r.member_id, 0) >= max_groups_per_member}
    eligible = [r for r in voters if r.member_id not in full]
    capped = [Unplaced(member, CAP_REACHED) for member in full]
    units, visio_pool = _in_person_units(eligible, bounds)
    visio, stragglers = _visio_groups(visio_pool, bounds)
    too_few = [Unplaced(r.member_id, TOO_FEW) for r in _absorb(stragglers, units, bounds)]
    facilitate = frozenset(r.member_id for r in eligible if r.facilitate)
    take_notes = frozenset(r.member_id for r in eligible if r.take_notes)
    drafts = [(_in_person_base(g), False, g) for u in units for g in _split(u.members, bounds)]
    drafts += [(online_name, True, g) for g in visio]
    names = _unique_names([base for base, _, _ in drafts], always_numbered={online_name})
    groups = [
        _build_group(name, members, online, facilitate, take_notes)
        for name, (_, online, members) in zip(names, drafts, strict=True)
    ]
    unplaced = sorted(capped + too_few, key=lambda u: u.member_id)
    return Proposal(groups, unplaced, facilitate, take_notes)


def _voters(theme_id: int, respondents: Iterable[Respondent]) -> list[Respondent]:
    voters = sorted((r for r in respondents if theme_id in r.themes), key=lambda r: r.member_id)
    for before, after in pairwise(voters):
        if before.member_id == after.member_id:
            raise ValueError(f"member {after.member_id} appears twice among the respondents")
    return voters


def _in_person_units(
    eligible: list[Respondent], bounds: Bounds
) -> tuple[list[_Unit], list[Respondent]]:
    """Units per office and region, and everyone headed for the visio pool."""
    by_region: dict[RegionKey, list[Respondent]] = defaultdict(list)
    visio: list[Respondent] = []
    for r in eligible:
        (by_region[r.region_key] if r.can_meet_in_person else visio).append(r)
    units: list[_Unit] = []
    for key in sorted(by_region):
        region_units, leftovers = _region_units(key, by_region[key], bounds)
        units += region_units
        visio += leftovers
    for unit in units:
        # Only when the bounds leave gaps: "either" members leave first.
        unit.members.sort(key=lambda r: (r.wants != "in_person", r.office or "", r.member_id))
        kept = bounds.placeable(len(unit.members))
        visio += unit.members[kept:]
        del unit.members[kept:]
    return units, sorted(visio, key=lambda r: r.member_id)


def _region_units(
    key: RegionKey, people: list[Respondent], bounds: Bounds
) -> tuple[list[_Unit], list[Respondent]]:
    """Office units, then one unit for the small offices; `people` is sorted by id."""
    by_office: dict[str, list[Respondent]] = defaultdict(list)
    for r in people:
        by_office[r.office or ""].append(r)
    units: list[_Unit] = []
    small: list[Respondent] = []
    spare: list[Respondent] = []
    small_offices: set[str] = set()
    for office in sorted(by_office):
        present = [r for r in by_office[office] if r.wants == "in_person"]
        flexible = [r for r in by_office[office] if r.wants == "either"]
        need = max(0, bounds.min_size - len(present))
        if present and need <= len(flexible):
            units.append(_Unit(key, present + flexible[:need]))
            spare += flexible[need:]
        else:
            small += present
            spare += flexible
            small_offices.add(office)
    if not small:
        return units, spare
    spare.sort(key=lambda r: (r.office not in small_offices, r.member_id))
    need = max(0, bounds.min_size - len(small))
    if need <= len(spare):
        units.append(_Unit(key, small + spare[:need]))
        return units, spare[need:]
    host = _host(units, len(small), bounds)
    if host is None:
        return units, small + spare
    host.members.extend(small)
    return units, spare


def _host(units: Sequence[_Unit], extra: int, bounds: Bounds) -> _Unit | None:
    """The smallest unit that still fits the bounds with `extra` more people."""
    fitting = [u for u in units if bounds.groups_for(len(u.members) + extra)]
    return min(fitting, key=lambda u: len(u.members)) if fitting else None


def _visio_groups(
    pool: list[Respondent], bounds: Bounds
) -> tuple[list[list[Respondent]], list[Respondent]]:
    """Visio groups, and who did not fit (those who could meet in person last)."""
    ordered = sorted(pool, key=lambda r: (r.can_meet_in_person, r.member_id))
    kept = bounds.placeable(len(ordered))
    return _split(ordered[:kept], bounds), ordered[kept:]


def _absorb(stragglers: list[Respondent], units: list[_Unit], bounds: Bounds) -> list[Respondent]:
    """Put stragglers who can meet in person into a unit of their region; return the rest."""
    by_region: dict[RegionKey, list[_Unit]] = defaultdict(list)
    for unit in units:
        by_region[unit.region].append(unit)
    left: list[Respondent] = []
    for r in sorted(stragglers, key=lambda r: r.member_id):
        host = _host(by_region.get(r.region_key, []), 1, bounds) if r.can_meet_in_person else None
        if host is None:
            left.append(r)
        else:
            host.members.append(r)
    return left


def _split(members: list[Respondent], bounds: Bounds) -> list[list[Respondent]]:
    """Balanced groups (sizes differ by at most one); `members` must fit the bounds."""
    count = bounds.groups_for(len(members))
    if count == 0:
        return []
    small, larger = divmod(len(members), count)
    sizes = [small + 1] * larger + [small] * (count - larger)
    ordered = sorted(members, key=lambda r: (r.office or "", r.member_id))
    return _deal(ordered, sizes)


def _deal(members: list[Respondent], sizes: list[int]) -> list[list[Respondent]]:
    """Volunteers first and spread out, then the others in the given order."""
    groups: list[list[Respondent]] = [[] for _ in sizes]
    lead = deque(r for r in members if r.facilitate and not r.take_notes)
    notes = deque(r for r in members if r.take_notes and not r.facilitate)
    both = deque(r for r in members if r.facilitate and r.take_notes)
    for first, fallback in ((lead, both), (notes, both)):
        for group, size in zip(groups, sizes, strict=True):
            source = first or fallback
            if source and len(group) < size:
                group.append(source.popleft())
    rest = sorted([*lead, *notes, *both], key=lambda r: (r.office or "", r.member_id))
    room = [i for i, size in enumerate(sizes) if len(groups[i]) < size]
    turns = deque(sorted(room, key=lambda i: (len(groups[i]), i)))  # fewest volunteers first
    for r in rest:
        i = turns.popleft()
        groups[i].append(r)
        if len(groups[i]) < sizes[i]:
            turns.append(i)
    others = iter([r for r in members if not r.volunteers])
    for group, size in zip(groups, sizes, strict=True):
        group.extend(next(others) for _ in range(size - len(group)))
    return groups


def _in_person_base(members: list[Respondent]) -> str:
    offices = sorted({r.office or "" for r in members})
    region = members[0].region
    if len(offices) > 1:
        return region or SEPARATOR.join(offices)
    if region is None or region == offices[0]:
        return offices[0]
    return f"{region}{SEPARATOR}{offices[0]}"


def _unique_names(bases: list[str], always_numbered: set[str]) -> list[str]:
    """Number repeated names ("Ouest 1", "Ouest 2"); visio groups are always numbered."""
    totals = Counter(bases)
    seen: Counter[str] = Counter()
    taken: set[str] = set()
    names: list[str] = []
    for base in bases:
        name = base
        if totals[base] > 1 or base in always_numbered:
            seen[base] += 1
            name = f"{base} {seen[base]}"
        candidate, extra = name, 2
        while candidate in taken:
            candidate, extra = f"{name} ({extra})", extra + 1
        taken.add(candidate)
        names.append(candidate)
    return names


def _build_group(
    name: str,
    members: list[Respondent],
    online: bool,
    facilitate: frozenset[int],
    take_notes: frozenset[int],
) -> ProposedGroup:
    offices = {r.office for r in members}
    ids = tuple(sorted(r.member_id for r in members))
    facilitator, secretary = pick_roles(ids, facilitate, take_notes)
    return ProposedGroup(
        name=name,
        mode="online" if online else "in_person",
        office=None if online or len(offices) != 1 else members[0].office,
        region=None if online else members[0].region,
        members=ids,
        facilitator=facilitator,
        secretary=secretary,
    )


def pick_roles(
    members: Sequence[int],
    facilitate: frozenset[int],
    take_notes: frozenset[int],
    current: tuple[int | None, int | None] = (None, None),
) -> tuple[int | None, int | None]:
    """(facilitator, secretary): keep current holders still in the group, fill the gaps.

    Facilitate-only volunteers are preferred as facilitator and notes-only ones as
    secretary, which keeps "both" volunteers for the other role: two distinct people
    whenever the group has them.
    """
    present = set(members)
    facilitator, secretary = (m if m in present else None for m in current)
    if facilitator is None:
        leads = [m for m in members if m in facilitate and m != secretary]
        facilitator = min(leads, key=lambda m: (m in take_notes, m), default=None)
    if secretary is None:
        scribes = [m for m in members if m in take_notes and m != facilitator]
        secretary = min(scribes, key=lambda m: (m in facilitate, m), default=None)
    return facilitator, secretary


def move(proposal: Proposal, member_id: int, target_group_name: str) -> Proposal:
    """The proposal with one member moved into another group (organisers' adjustment).

    The member may come from a group or from the ``too_few`` list; the organiser's
    choice wins over modes and bounds (the preview shows sizes). A group left empty
    disappears; a role the member held is re-picked among the source's volunteers,
    and an empty role of the target is filled if the member volunteered for it.
    """
    target = proposal.group(target_group_name)
    if target is None:
        raise UserError("error.groups.unknown_group", group=target_group_name)
    source = proposal.group_of(member_id)
    if source is None:
        waiting = next((u for u in proposal.unplaced if u.member_id == member_id), None)
        if waiting is None:
            raise UserError("error.groups.unknown_member", member=member_id)
        if waiting.reason == CAP_REACHED:
            raise UserError("error.groups.cap_reached", member=member_id)
    elif source.name == target.name:
        raise UserError("error.groups.already_in_group", member=member_id, group=target.name)
    groups: list[ProposedGroup] = []
    for group in proposal.groups:
        if source is not None and group.name == source.name:
            group = _regroup(proposal, group, [m for m in group.members if m != member_id])
        elif group.name == target.name:
            group = _regroup(proposal, group, sorted([*group.members, member_id]))
        if group.members:
            groups.append(group)
    unplaced = [u for u in proposal.unplaced if u.member_id != member_id]
    return replace(proposal, groups=groups, unplaced=unplaced)


def _regroup(proposal: Proposal, group: ProposedGroup, members: list[int]) -> ProposedGroup:
    facilitator, secretary = pick_roles(
        members,
        proposal.willing_to_facilitate,
        proposal.willing_to_take_notes,
        (group.facilitator, group.secretary),
    )
    return replace(group, members=tuple(members), facilitator=facilitator, secretary=secretary)
