"""The assembly vote on Discord: its post, its persistent components and ballots.

Every component carries the vote id in its custom id (`sip:av:<vote>:<action>`) and is
a DynamicItem, so a click works on any vote post, before or after a restart.

- Approval: a select menu on the post itself (0..n options); each submission replaces
  the member's ballot, an empty one withdraws it.
- Ranked: a button on the post opens the member's ballot in an ephemeral message with a
  single menu "your next choice" and two buttons (undo the last choice, start over).
  One pick at a time works on a phone and lets a member rank all 25 options; each pick
  is saved at once.
- "My ballot" shows the member's own ballot, ephemerally, with a button to withdraw it.

The post never shows counts: results are hidden until the vote closes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.assembly import rules
from bot.kit import ui
from bot.kit.checks import member_is_member
from bot.kit.i18n import Tr
from bot.kit.text import pack
from bot.kit.user_error import UserError
from storage import assembly as store
from storage.models import AssemblyVote

if TYPE_CHECKING:
    from bot.kit.host import Host

EMBED_TEXT = 4096


# ------------------------------------------------------------------ cards
def links_of(sources: Mapping[int, store.OptionSource]) -> dict[int, str]:
    """option index -> a link to where it came from: the proposal's post, the theme's
    info channel (none for an option typed by hand, or one whose source is gone)."""
    links: dict[int, str] = {}
    for position, source in sources.items():
        target = source.thread_id if source.proposal_id is not None else source.channel_id
        if target is not None:
            links[position] = f"<#{target}>"
    return links


def vote_card(
    tr: Tr, vote: AssemblyVote, closed: bool = False, links: Mapping[int, str] | None = None
) -> discord.Embed:
    """The vote's post; each option that came from the cycle links to its proposal's post
    or its theme's channel."""
    options = store.options_of(vote)
    shown = links or {}
    lines = [tr(f"assembly.card.intro.{vote.method}"), ""]
    lines += [
        f"**{i}.** {label}" + (f" — {shown[i - 1]}" if i - 1 in shown else "")
        for i, label in enumerate(options, start=1)
    ]
    lines += ["", tr("assembly.card.secret")]
    when = ui.timestamp(vote.deadline if vote.closed_at is None else vote.closed_at)
    lines.append(tr("assembly.card.closed" if closed else "assembly.card.deadline", deadline=when))
    return ui.embed(tr("assembly.card.title", title=vote.title), "\n".join(lines))


def standing_line(tr: Tr, method: str, standing: rules.Standing) -> str:
    return tr(
        f"assembly.results.line.{method}",
        place=standing.place,
        label=standing.label,
        score=standing.score,
        firsts=standing.firsts,
        mentions=standing.mentions,
    )


def results_cards(tr: Tr, vote: AssemblyVote, result: rules.Result) -> list[discord.Embed]:
    """One embed, or two when 25 long options overflow a description (Discord's limits:
    4096 characters per description, 6000 per message)."""
    options = store.options_of(vote)
    lines = [standing_line(tr, vote.method, s) for s in result.standings]
    notes = ["", tr("assembly.results.ballots", count=result.ballots)]
    if vote.method == rules.RANKED:
        notes.append(tr("assembly.results.borda", count=len(options), top=len(options) - 1))
    if result.tie_broken:
        notes.append(tr(f"assembly.results.ties.{vote.method}"))
    blocks = pack([*lines, *notes], EMBED_TEXT)
    title = tr("assembly.results.title", title=vote.title)
    return [ui.embed(title if i == 0 else "…", block) for i, block in enumerate(blocks)]


def ballot_text(tr: Tr, vote: AssemblyVote, choices: list[int] | None) -> str:
    options = store.options_of(vote)
    deadline = ui.timestamp(vote.deadline)
    if not choices:
        return tr(f"assembly.ballot.none.{vote.method}", deadline=deadline)
    if vote.method == rules.RANKED:
        listed = "\n".join(f"{i}. {options[c]}" for i, c in enumerate(choices, start=1))
    else:
        listed = "\n".join(f"• {options[c]}" for c in choices)
    return tr(f"assembly.ballot.current.{vote.method}", choices=listed, deadline=deadline)


# ------------------------------------------------------------------ components
class BallotSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"sip:av:(?P<vote>\d+):(?P<action>approve|next)",
):
    """Approval: the menu on the post. Ranked: "your next choice" in the ballot message."""

    def __init__(self, vote_id: int, action: str, item: discord.ui.Select[Any]) -> None:
        item.custom_id = f"sip:av:{vote_id}:{action}"
        super().__init__(item)
        self.vote_id, self.action = vote_id, action

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Select[Any], match: re.Match[str]
    ) -> BallotSelect:
        return cls(int(match["vote"]), match["action"], item)

    async def callback(self, interaction: discord.Interaction) -> None:
        await Ballots.run(interaction, self.vote_id, self.action)


class BallotButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"sip:av:(?P<vote>\d+):(?P<action>mine|rank|undo|restart|withdraw)",
):
    STYLES = {
        "rank": (discord.ButtonStyle.primary, "🗳️"),
        "mine": (discord.ButtonStyle.secondary, "🔒"),
        "undo": (discord.ButtonStyle.secondary, "↩️"),
        "restart": (discord.ButtonStyle.danger, "🔄"),
        "withdraw": (discord.ButtonStyle.danger, "🗑️"),
    }

    def __init__(
        self, vote_id: int, action: str, label: str | None = None, disabled: bool = False
    ) -> None:
        style, emoji = self.STYLES[action]
        super().__init__(
            discord.ui.Button(
                label=label or action,
                style=style,
                emoji=emoji,
                disabled=disabled,
                custom_id=f"sip:av:{vote_id}:{action}",
            )
        )
        self.vote_id, self.action = vote_id, action

    @classmethod
    async def from_custom_id(  # type: ignore[override]
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> BallotButton:
        return cls(int(match["vote"]), match["action"], item.label)

    async def callback(self, interaction: discord.Interaction) -> None:
        await Ballots.run(interaction, self.vote_id, self.action)


def vote_view(tr: Tr, vote: AssemblyVote) -> discord.ui.View:
    """The post's components (none once the vote is closed)."""
    view = discord.ui.View(timeout=None)
    if vote.method == rules.APPROVAL:
        options = store.options_of(vote)
        select = discord.ui.Select[Any](
            placeholder=tr("assembly.select.approve")[:150], min_values=0, max_values=len(options),
            options=[discord.SelectOption(label=o, value=str(i)) for i, o in enumerate(options)],
        )  # fmt: skip
        view.add_item(BallotSelect(vote.id, "approve", select))
    else:
        view.add_item(BallotButton(vote.id, "rank", tr("assembly.button.rank")))
    view.add_item(BallotButton(vote.id, "mine", tr("assembly.button.mine")))
    return view


def ranking_view(tr: Tr, vote: AssemblyVote, ranking: list[int]) -> discord.ui.View:
    """The ranked ballot being built: the next choice among what is left, undo, restart."""
    options = store.options_of(vote)
    view = discord.ui.View(timeout=None)
    left = [i for i in range(len(options)) if i not in ranking]
    if left:
        select = discord.ui.Select[Any](
            placeholder=tr("assembly.select.next", rank=len(ranking) + 1)[:150],
            options=[discord.SelectOption(label=options[i], value=str(i)) for i in left],
        )
        view.add_item(BallotSelect(vote.id, "next", select))
    view.add_item(BallotButton(vote.id, "undo", tr("assembly.button.undo"), not ranking))
    view.add_item(BallotButton(vote.id, "restart", tr("assembly.button.restart"), not ranking))
    return view


def mine_view(tr: Tr, vote: AssemblyVote, choices: list[int] | None) -> discord.ui.View | None:
    if not choices or vote.status != "open" or vote.id is None:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(BallotButton(vote.id, "withdraw", tr("assembly.button.withdraw")))
    return view


# ------------------------------------------------------------------ ballots
class Ballots:
    """What a click does. Who chose what is only ever shown to the member themself."""

    def __init__(self, bot: Host, interaction: discord.Interaction, vote: AssemblyVote) -> None:
        self.bot, self.interaction, self.vote = bot, interaction, vote
        self.services = bot.services
        self.vote_id = vote.id
        self.member_id = interaction.user.id
        self.tr: Tr = self.services.catalog.bind("fr")

    @classmethod
    async def run(cls, interaction: discord.Interaction, vote_id: int, action: str) -> None:
        bot = cast("Host", interaction.client)
        try:
            async with bot.services.db() as db:
                vote = await store.get(db, vote_id)
            if vote is None or vote.guild_id != interaction.guild_id:
                raise UserError("error.assembly.gone")
            handler = cls(bot, interaction, vote)
            await handler.check_member()
            await getattr(handler, f"on_{action}")()
        except Exception as error:  # noqa: BLE001 - one place turns errors into messages
            from bot.kit import errors

            await errors.report(bot, interaction, error)

    async def check_member(self) -> None:
        config = await self.services.config(self.vote.guild_id)
        self.tr = self.services.reader(self.interaction, config)
        member = self.interaction.user
        if not isinstance(member, discord.Member) or not member_is_member(member, config):
            raise UserError("error.assembly.not_member")

    def values(self) -> list[int]:
        data: Any = self.interaction.data or {}
        try:
            return [int(v) for v in data.get("values", [])]
        except ValueError as exc:
            raise UserError("error.assembly.ballot.invalid") from exc

    async def current(self) -> list[int] | None:
        async with self.services.db() as db:
            return await store.ballot_of(db, self.vote_id, self.member_id)

    async def save(self, change: Any) -> list[int]:
        """Apply `change(current ballot) -> new ballot` in one transaction, refused once
        the vote is closed or its deadline passed."""
        now = self.services.clock.now()
        try:
            async with self.services.db() as db, db.begin():
                before = await store.ballot_of(db, self.vote_id, self.member_id) or []
                after: list[int] = change(before)
                await store.save_ballot(db, self.vote_id, self.member_id, after, now)
        except store.VoteClosed as exc:
            closed = self.vote.closed_at or self.vote.deadline
            raise UserError("error.assembly.closed", when=ui.timestamp(closed)) from exc
        return after

    # ------------------------------------------------------------ actions
    async def on_mine(self) -> None:
        choices = await self.current()
        await self.interaction.response.send_message(
            ballot_text(self.tr, self.vote, choices),
            view=mine_view(self.tr, self.vote, choices) or discord.utils.MISSING,
            ephemeral=True,
        )

    async def on_approve(self) -> None:
        count = len(store.options_of(self.vote))
        chosen = rules.approval_ballot(self.values(), count)
        saved = await self.save(lambda _before: chosen)
        await self.interaction.response.send_message(
            ballot_text(self.tr, self.vote, saved), ephemeral=True
        )

    async def on_rank(self) -> None:
        self.refuse_when_closed()
        ranking = await self.current() or []
        await self.interaction.response.send_message(
            ballot_text(self.tr, self.vote, ranking),
            view=ranking_view(self.tr, self.vote, ranking),
            ephemeral=True,
        )

    async def on_next(self) -> None:
        count = len(store.options_of(self.vote))
        picked = self.values()
        if len(picked) != 1:
            raise UserError("error.assembly.ballot.invalid")
        ranking = await self.save(lambda before: rules.add_preference(before, picked[0], count))
        await self.show_ranking(ranking)

    async def on_undo(self) -> None:
        await self.show_ranking(await self.save(rules.undo_preference))

    async def on_restart(self) -> None:
        await self.show_ranking(await self.save(lambda _before: []))

    async def on_withdraw(self) -> None:
        await self.save(lambda _before: [])
        await self.interaction.response.edit_message(
            content=self.tr("assembly.ballot.withdrawn", deadline=ui.timestamp(self.vote.deadline)),
            view=None,
        )

    async def show_ranking(self, ranking: list[int]) -> None:
        await self.interaction.response.edit_message(
            content=ballot_text(self.tr, self.vote, ranking),
            view=ranking_view(self.tr, self.vote, ranking),
        )

    def refuse_when_closed(self) -> None:
        if self.vote.status != "open" or self.services.clock.now() >= self.vote.deadline:
            closed = self.vote.closed_at or self.vote.deadline
            raise UserError("error.assembly.closed", when=ui.timestamp(closed))
