"""What the follow-up shows in Discord: an update as posted in the draft's forum post,
and `/followup list` as embeds (each description within Discord's 4,096 characters,
one embed a message, so a long list is split, never cut)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.kit import ui
from bot.kit.i18n import Tr
from bot.kit.text import excerpt, pack, split_text
from storage.models import Cycle, Draft, DraftAnswer, FollowupUpdate, Theme, WorkGroup

DESCRIPTION_MAX = 4000  # an embed's description holds 4,096; room for the joins
NOTE_EXCERPT = 200


@dataclass
class Followed:
    """One adopted recommendation as the list shows it."""

    draft: Draft
    group: WorkGroup | None
    theme: Theme | None
    answer: DraftAnswer | None  # the board's current answer, if it answered
    updates: Sequence[FollowupUpdate]

    @property
    def last(self) -> FollowupUpdate | None:
        return self.updates[-1] if self.updates else None


def state_name(tr: Tr, state: str | None) -> str:
    return tr(f"followup.state.{state}") if state else tr("followup.state.none")


def decision_name(tr: Tr, item: Followed) -> str:
    """The board's decision; a draft marked adopted without an answer is just adopted."""
    return tr(f"draft.decision.{item.answer.decision if item.answer else 'adopted'}")


def update_chunks(tr: Tr, update: FollowupUpdate) -> list[str]:
    """The update as posted in the recommendation's forum post (a note holds at most
    1,000 characters: one message, split all the same rather than ever cut)."""
    head = tr(
        "followup.post", state=state_name(tr, update.state),
        author=f"<@{update.author_id}>" if update.author_id else "—",
        when=ui.timestamp(update.created_at),
    )  # fmt: skip
    return split_text(f"{head}\n{update.note}")


def list_line(tr: Tr, item: Followed) -> str:
    last = item.last
    line = tr(
        "followup.list.line", title=item.draft.title,
        group=item.group.name if item.group else "?",
        thread=f"<#{item.draft.thread_id}>" if item.draft.thread_id else "—",
        decision=decision_name(tr, item), state=state_name(tr, last.state if last else None),
    )  # fmt: skip
    if last is not None:
        line += "\n" + tr(
            "followup.list.last", when=f"<t:{int(last.created_at.timestamp())}:D>",
            note=excerpt(last.note, NOTE_EXCERPT), count=len(item.updates),
        )  # fmt: skip
    return line


def list_embeds(tr: Tr, cycle: Cycle, items: Sequence[Followed]) -> list[discord.Embed]:
    title = tr.plural("followup.list.title", len(items), cycle=cycle.name)
    if not items:
        return [ui.embed(title, tr("followup.list.empty", cycle=cycle.name))]
    lines: list[str] = []
    theme_id: int | None = None
    for item in items:
        if item.draft.theme_id != theme_id:
            theme_id = item.draft.theme_id
            theme = item.theme
            lines.append(f"**{theme.emoji} {theme.title}**" if theme else "**?**")
        lines.append(list_line(tr, item))
    blocks = pack(lines, DESCRIPTION_MAX)
    more = tr("followup.list.more", cycle=cycle.name)
    return [ui.embed(title if n == 0 else more, block) for n, block in enumerate(blocks)]
