"""Between the stored poll, profiles and groups and the pure composition rules.

The composition (bot/groups/rules.py) knows nothing of the database; this module
reads what it needs and turns its answer into rows, and rows back into a Proposal so
that `/groups move` follows exactly the same rules as the preview did.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from bot.groups import rules as composition
from bot.groups.rules import Mode, Proposal, ProposedGroup, Respondent, Unplaced
from bot.groups.sharing import share_out
from storage import groups as store
from storage import interest
from storage.models import MemberProfile, Office, WorkGroup

MODES = frozenset({"in_person", "online", "either"})
OTHER_THEME = "other_theme"  # left out here to be proposed in another theme they chose


@dataclass(frozen=True)
class Inputs:
    """Everyone who answered the cycle's latest poll, and their groups in other themes."""

    respondents: list[Respondent]
    existing: dict[int, int]
    # member -> themes of the cycle where they already are in a group (this one excluded)
    placed: dict[int, frozenset[int]] = field(default_factory=dict)

    def voters(self, theme_id: int) -> set[int]:
        return {r.member_id for r in self.respondents if theme_id in r.themes}


def respondent(
    member_id: int,
    themes: set[int],
    profile: MemberProfile | None,
    offices: Mapping[str, Office],
) -> Respondent:
    """No profile means no office and no mode: the composition reads that as "either",
    online only; an office since removed from the list keeps its name, without region."""
    if profile is None:
        return Respondent(member_id, frozenset(themes))
    office = offices.get(profile.office) if profile.office else None
    mode = cast(Mode, profile.mode) if profile.mode in MODES else None
    return Respondent(
        member_id,
        frozenset(themes),
        office=profile.office,
        region=office.region if office else None,
        country=office.country if office else None,
        mode=mode,
        facilitate=profile.facilitate,
        take_notes=profile.take_notes,
    )


async def load_inputs(
    db: AsyncSession, guild_id: int, cycle_id: int, theme_id: int
) -> Inputs | None:
    """None when the cycle has had no interest poll yet."""
    poll = await interest.latest_poll(db, cycle_id)
    if poll is None or poll.id is None:
        return None
    votes = await interest.votes_of(db, poll.id)
    profiles = await interest.profiles(db, guild_id)
    offices = await interest.offices_by_name(db, guild_id)
    placed = await store.placed_themes(db, cycle_id, except_theme=theme_id)
    existing = {member: len(themes) for member, themes in placed.items()}
    people = [
        respondent(member_id, themes, profiles.get(member_id), offices)
        for member_id, themes in sorted(votes.items())
    ]
    return Inputs(people, existing, placed)


def kept_elsewhere(theme_id: int, inputs: Inputs, cap: int) -> set[int]:
    """Voters of this theme who are to be proposed in another theme they chose, so
    that groups stay balanced across themes (bot/groups/sharing.py)."""
    shared = share_out({r.member_id: r.themes for r in inputs.respondents}, cap, inputs.placed)
    return {
        r.member_id
        for r in inputs.respondents
        if theme_id in r.themes
        and theme_id not in shared[r.member_id]
        and len(inputs.placed.get(r.member_id, frozenset())) < cap
    }


def propose(
    theme_id: int, inputs: Inputs, bounds: composition.Bounds, cap: int, online_name: str
) -> Proposal:
    elsewhere = kept_elsewhere(theme_id, inputs, cap)
    candidates = [
        replace(r, themes=r.themes - {theme_id}) if r.member_id in elsewhere else r
        for r in inputs.respondents
    ]
    proposal = composition.propose(
        theme_id, candidates, bounds, cap, inputs.existing, online_name=online_name
    )
    others = [Unplaced(member, OTHER_THEME) for member in sorted(elsewhere)]
    return replace(proposal, unplaced=[*proposal.unplaced, *others])


def as_rows(
    proposal: Proposal, guild_id: int, cycle_id: int, theme_id: int, now: datetime
) -> list[tuple[WorkGroup, Sequence[int]]]:
    """Rows to store, in the proposal's order (positions are set by the repository)."""
    return [
        (
            WorkGroup(
                guild_id=guild_id,
                cycle_id=cycle_id,
                theme_id=theme_id,
                name=group.name,
                mode=group.mode,
                office=group.office,
                region=group.region,
                facilitator_id=group.facilitator,
                secretary_id=group.secretary,
                created_at=now,
                updated_at=now,
            ),
            group.members,
        )
        for group in proposal.groups
    ]


def stored_proposal(
    theme_id: int,
    rows: Sequence[WorkGroup],
    members: Mapping[int, Sequence[int]],
    inputs: Inputs,
    cap: int,
) -> Proposal:
    """The theme's stored groups as a Proposal; voters in no group are the unplaced
    (over the cap if their other themes already fill it, else too few)."""
    groups = [
        ProposedGroup(
            name=row.name,
            mode="online" if row.mode == "online" else "in_person",
            office=row.office,
            region=row.region,
            members=tuple(sorted(members.get(row.id, ()))),
            facilitator=row.facilitator_id,
            secretary=row.secretary_id,
        )
        for row in rows
    ]
    placed = {m for group in groups for m in group.members}
    elsewhere = kept_elsewhere(theme_id, inputs, cap)
    unplaced = [
        Unplaced(
            member_id,
            composition.CAP_REACHED
            if inputs.existing.get(member_id, 0) >= cap
            else OTHER_THEME
            if member_id in elsewhere
            else composition.TOO_FEW,
        )
        for member_id in sorted(inputs.voters(theme_id) - placed)
    ]
    return Proposal(
        groups,
        unplaced,
        frozenset(r.member_id for r in inputs.respondents if r.facilitate),
        frozenset(r.member_id for r in inputs.respondents if r.take_notes),
    )
