"""The next cycle from the general assembly's closed vote: its winners become the new
cycle's themes, with their Discord spaces made as `/theme add` makes them.

The winners are the best placed options someone supported (bot/assembly/rules.py
`winners`), as many as the `themes` asked, else as many as the cycle it follows had (the
open one, or the last one when organisers closed it first).
An option from a member's proposal gives its title and description, and a link to the
proposal's post; a "Prolong" option carries its theme over (title, description,
countries) with `prolonged_from`, so the new card links to the previous forum and
synthesis; an option typed by hand gives its label. The open cycle (one per server) is
closed by the same transaction that creates the next one and its themes; then each
theme's objects are made, one after the other, through the themes feature's package.
Everything is checked before anything is stored, Discord's limits included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot import themes as theme_spaces
from bot.assembly import rules as assembly_rules
from bot.cycles import rules
from bot.kit import ui
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from bot.themes import rules as theme_rules
from config.data import cycle_template
from storage import assembly as vote_store
from storage import cycles
from storage import proposals as proposal_store
from storage import setup as setup_store
from storage import themes as theme_store
from storage.models import AssemblyVote, Cycle, GuildConfig, Phase, Theme

if TYPE_CHECKING:
    from bot.kit.host import Host


@dataclass(frozen=True)
class Succession:
    cycle: Cycle
    phases: list[Phase]
    closed: Cycle | None  # the cycle this closed
    vote: AssemblyVote
    built: list[theme_spaces.Built]
    merged: list[str]  # winners whose title another winner already gave
    seats: int
    tie_at_cut: bool


def find_vote(db_votes: list[AssemblyVote], value: str) -> AssemblyVote:
    wanted = value.strip()
    for vote in db_votes:
        if f"#{vote.id}" == wanted or vote.title.casefold() == wanted.casefold():
            return vote
    raise UserError("error.cycle.vote_unknown", value=wanted.lstrip("#"))


class CycleSuccession:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services
        self.builder = theme_spaces.ThemeBuilder(bot.services)

    async def candidates(
        self, vote: AssemblyVote, seats: int | None, public: Tr
    ) -> tuple[list[rules.Candidate], int, bool]:
        """The winners as themes, in their order; (candidates, seats, tie at the cut)."""
        async with self.services.db() as db:
            ballots = await vote_store.ballots_of(db, vote.id)
            sources = await vote_store.sources_of(db, vote.id)
            current = await cycles.latest_cycle(db, vote.guild_id)  # closed by hand, or not
            previous = (
                await theme_store.themes_of(db, current.id, include_archived=False)
                if current is not None
                else []
            )
        options = vote_store.options_of(vote)
        result = assembly_rules.tally(vote.method, options, ballots)
        count = rules.seats_for(seats, len(previous))
        won = assembly_rules.winners(result, count)
        if not won.standings:
            raise UserError("error.cycle.no_winner", title=vote.title)
        found: list[rules.Candidate] = []
        for standing in won.standings:
            source = sources.get(standing.option)
            found.append(await self._candidate(standing.label, source, vote, public))
        return found, count, won.tie_at_cut

    async def _candidate(
        self, label: str, source: vote_store.OptionSource | None, vote: AssemblyVote, public: Tr
    ) -> rules.Candidate:
        async with self.services.db() as db:
            proposal = (
                await proposal_store.get(db, source.proposal_id)
                if source is not None and source.proposal_id is not None
                else None
            )
            theme = (
                await theme_store.get(db, source.theme_id)
                if source is not None and source.theme_id is not None
                else None
            )
        if proposal is not None:
            link = (
                f"https://discord.com/channels/{proposal.guild_id}/{proposal.thread_id}"
                if proposal.thread_id is not None
                else None
            )
            return rules.Candidate(proposal.title, proposal.description, link=link)
        if theme is not None:
            return rules.Candidate(theme.title, theme.description, theme.countries,
                                   prolonged_from=theme.id, link=theme.link)  # fmt: skip
        title = theme_rules.clean_title(label)
        return rules.Candidate(title, public("cycle.from_vote.description", vote=vote.title))

    async def create(
        self,
        interaction: discord.Interaction,
        config: GuildConfig,
        name: str,
        year: int,
        vote_value: str,
        seats: int | None,
    ) -> Succession:
        assert interaction.guild is not None  # noqa: S101 - guild-only command
        guild = interaction.guild
        async with self.services.db() as db:
            vote = find_vote(await vote_store.votes_of(db, guild.id), vote_value)
        if vote.status != "closed":
            raise UserError("error.cycle.vote_open", title=vote.title)
        public = self.services.public(config)
        winners, count, tie = await self.candidates(vote, seats, public)
        kept, merged = rules.next_themes(winners)
        theme_spaces.check_room_for(guild, len(kept))
        await interaction.response.defer(ephemeral=True, thinking=True)
        cycle, phases, closed, made = await self._store(interaction, config, name, year, vote, kept)
        if closed is not None:
            self.bot.dispatch("cycle_closed", closed.id)
        self.services.work.poke()  # the phases' announcements are planned, the old ones gone
        built = [await self.builder.build(guild, config, theme) for theme in made]
        return Succession(cycle, phases, closed, vote, built, [c.title for c in merged], count, tie)

    async def _store(
        self,
        interaction: discord.Interaction,
        config: GuildConfig,
        name: str,
        year: int,
        vote: AssemblyVote,
        kept: list[rules.Candidate],
    ) -> tuple[Cycle, list[Phase], Cycle | None, list[Theme]]:
        """One transaction: the open cycle closed, the next one with its phases and themes."""
        assert interaction.guild_id is not None  # noqa: S101
        guild_id, actor = interaction.guild_id, interaction.user.id
        now = self.services.clock.now()
        planned = rules.plan(cycle_template(), year, config.timezone)
        async with self.services.db() as db, db.begin():
            if await cycles.cycle_named(db, guild_id, name) is not None:
                raise UserError("error.cycle.name_taken", name=name)
            closed = await cycles.open_cycle(db, guild_id)
            if closed is not None:
                await cycles.close_cycle(db, closed.id, now)
                await setup_store.audit(db, guild_id, actor, "cycle.close", now, name=closed.name,
                                        vote=vote.id)  # fmt: skip
            try:
                cycle = await cycles.create_cycle(
                    db, guild_id, name, year,
                    [(p.key, p.position, p.starts_at, p.ends_at) for p in planned], now, actor,
                )  # fmt: skip
            except cycles.CycleConflict as exc:
                raise UserError("error.cycle.name_taken", name=name) from exc
            made: list[Theme] = []
            used: set[str] = set()
            for candidate in kept:
                emoji = theme_rules.choose_emoji(None, used).text
                used.add(emoji)
                made.append(await theme_store.add(db, Theme(
                    guild_id=guild_id, cycle_id=cycle.id, title=candidate.title,
                    description=candidate.description, countries=candidate.countries,
                    prolonged=candidate.prolonged_from is not None,
                    prolonged_from=candidate.prolonged_from, link=candidate.link, emoji=emoji,
                    created_by=actor, created_at=now, updated_at=now,
                )))  # fmt: skip
            await setup_store.audit(db, guild_id, actor, "cycle.create", now, name=name,
                                    first_year=year, vote=vote.id, themes=len(made))  # fmt: skip
            phases = await cycles.phases_of(db, cycle.id)
        return cycle, phases, closed, made


def summary(tr: Tr, done: Succession) -> list[str]:
    """What the organiser is told: what was closed, each theme with its spaces (or what
    Discord refused, for /theme edit), ties at the cut and titles that won twice."""
    lines = [tr("cycle.from_vote.created", name=done.cycle.name, vote=done.vote.title)]
    if done.closed is not None:
        lines.append(tr("cycle.from_vote.closed", name=done.closed.name))
    for built in done.built:
        theme = built.theme
        if not built.complete:
            missing = ", ".join(tr(f"theme.object.{kind}") for kind in built.missing) or "—"
            lines.append(tr("cycle.from_vote.partial", emoji=theme.emoji, title=theme.title,
                            missing=missing))  # fmt: skip
            continue
        line = tr(
            "cycle.from_vote.theme", emoji=theme.emoji, title=theme.title,
            info=ui.channel_mention(theme.info_channel_id) or "—",
            forum=ui.channel_mention(theme.forum_id) or "—",
            role=ui.role_mention(theme.role_id) or "—",
        )  # fmt: skip
        if theme.prolonged_from is not None:
            line += " " + tr("cycle.from_vote.prolonged")
        lines.append(line)
    if len(done.built) + len(done.merged) < done.seats:
        lines.append(tr("cycle.from_vote.fewer", seats=done.seats))
    if done.tie_at_cut:
        lines.append(tr(f"cycle.from_vote.tie.{done.vote.method}"))
    lines += [tr("cycle.from_vote.merged", title=title) for title in done.merged]
    return lines
