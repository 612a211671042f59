"""A vote's options taken from the cycle, so the ballot is the members' own proposals:
the shortlisted proposals (most endorsed first, then in the order they were proposed:
the order given also breaks ties in the count), and, if asked, each active theme of the
open cycle as "Prolong: <title>". Each keeps where it came from, for the card's links
and for a next cycle made from the vote. Options typed by hand come after them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.assembly import rules
from bot.kit import ui
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.proposals import rules as proposal_rules
from bot.services import Services
from storage import proposals as proposal_store
from storage import themes as theme_store

SHORTLIST, WITH_THEMES = "source.shortlist", "source.shortlist_themes"
SOURCES = (SHORTLIST, WITH_THEMES)


@dataclass(frozen=True)
class Option:
    label: str
    proposal_id: int | None = None
    theme_id: int | None = None
    link: str | None = None  # the proposal's post, the theme's info channel


async def from_cycle(services: Services, guild_id: int, source: str, public: Tr) -> list[Option]:
    """The options `source` names, from the open cycle (in the server's language)."""
    if source not in SOURCES:
        raise UserError("error.assembly.source", value=source)
    cycle = await services.open_cycle(guild_id)
    async with services.db() as db:
        shortlisted = await proposal_store.shortlisted(db, cycle.id)
        counts = await proposal_store.endorsement_counts(db, [p.id for p in shortlisted])
        themes = (
            await theme_store.themes_of(db, cycle.id, include_archived=False)
            if source == WITH_THEMES
            else []
        )
    by_id = {p.id: p for p in shortlisted}
    order = proposal_rules.ordered(
        [proposal_rules.Listed(p.id, p.status, counts.get(p.id, 0)) for p in shortlisted]
    )
    options = [
        Option(by_id[listed.id].title, proposal_id=listed.id,
               link=ui.channel_mention(by_id[listed.id].thread_id))
        for listed in order
    ]  # fmt: skip
    options += [
        Option(rules.option_label(public("assembly.option.prolong", title=theme.title)),
               theme_id=theme.id, link=ui.channel_mention(theme.info_channel_id))
        for theme in themes
    ]  # fmt: skip
    if not shortlisted and source == SHORTLIST:
        raise UserError("error.assembly.shortlist.empty")
    return options


def ballot(sourced: list[Option], typed: str | None) -> list[Option]:
    """The whole ballot: the cycle's options, then those typed; the limits of a ballot."""
    options = [*sourced, *(Option(label) for label in rules.split_options(typed))]
    if sourced and len(options) < rules.MIN_OPTIONS:
        raise UserError("error.assembly.shortlist.too_few", minimum=rules.MIN_OPTIONS)
    rules.check_options([option.label for option in options])
    return options
