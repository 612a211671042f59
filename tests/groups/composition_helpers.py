"""Respondents and proposals for the composition tests (examples and properties)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.groups import rules as comp
from bot.groups.rules import Mode, Proposal, Respondent

PLACES: dict[str | None, tuple[str | None, str | None]] = {
    "Rennes": ("Ouest", "FR"),
    "Nantes": ("Ouest", "FR"),
    "Brest": ("Ouest", "FR"),
    "Paris": ("Île-de-France", "FR"),
    "Lyon": ("Centre-Est", "FR"),
    "Liège": ("Wallonie", "BE"),
    "Namur": ("Wallonie", "BE"),
    "Bruxelles": ("Bruxelles", "BE"),
    "Gent": (None, "BE"),
    None: (None, None),
}
MODES: list[Mode | None] = ["in_person", "online", "either", None]
THEME = 1


def person(
    member_id: int,
    office: str | None = "Rennes",
    mode: Mode | None = "in_person",
    *,
    themes: Iterable[int] = (THEME,),
    facilitate: bool = False,
    take_notes: bool = False,
) -> Respondent:
    region, country = PLACES[office]
    return Respondent(
        member_id, frozenset(themes), office, region, country, mode, facilitate, take_notes
    )


def people(first: int, count: int, office: str | None, mode: Mode | None) -> list[Respondent]:
    return [person(first + i, office, mode) for i in range(count)]


def sizes(proposal: Proposal) -> dict[str, int]:
    return {g.name: g.size for g in proposal.groups}


def placed(proposal: Proposal) -> dict[int, comp.ProposedGroup]:
    return {m: g for g in proposal.groups for m in g.members}


def reasons(proposal: Proposal) -> dict[int, str]:
    return {u.member_id: u.reason for u in proposal.unplaced}


# --- typical cases ---------------------------------------------------------------------
