"""What `/draft history` and `/draft list` show: versions, the board's answers (whole),
a diff, a list of drafts with their status and the board's current decision."""

from __future__ import annotations

import io
from collections.abc import Sequence

import discord

from bot.drafts import rules
from bot.kit import ui
from bot.kit.i18n import Tr
from bot.kit.text import pack, split_text
from bot.kit.user_error import UserError
from storage.models import Draft, DraftAnswer, DraftVersion, Theme, WorkGroup

BLOCK_LIMIT = 1900  # a diff shown inline leaves room for the fences and a title


def history_lines(tr: Tr, draft: Draft, versions: Sequence[DraftVersion]) -> list[str]:
    lines = [tr("draft.history.title", title=draft.title, count=len(versions))]
    for version in versions:
        author = f"<@{version.author_id}>" if version.author_id else "—"
        lines.append(
            tr("draft.history.line", number=version.number, author=author,
               when=ui.timestamp(version.created_at), length=len(version.text))
        )  # fmt: skip
    return lines


def answer_blocks(tr: Tr, answers: Sequence[DraftAnswer]) -> list[str]:
    """Every answer of the board, oldest first, whole: each starts a message and runs on
    across as many as it needs (never cut)."""
    blocks: list[str] = []
    for index, answer in enumerate(answers):
        line = tr(
            "draft.history.answer", decision=tr(f"draft.decision.{answer.decision}"),
            author=f"<@{answer.author_id}>" if answer.author_id else "—",
            when=ui.timestamp(answer.created_at), length=len(answer.text),
        )  # fmt: skip
        if index == 0:
            line = tr.plural("draft.history.answers", len(answers)) + "\n" + line
        blocks += split_text(f"{line}\n{answer.text}")
    return blocks


def pick(versions: Sequence[DraftVersion], number: int) -> DraftVersion:
    for version in versions:
        if version.number == number:
            return version
    raise UserError("error.draft.version_unknown", number=number, count=len(versions))


def unified_diff(draft: Draft, old: DraftVersion, new: DraftVersion) -> str:
    return rules.unified_diff(
        old.text, new.text, f"{draft.title} v{old.number}", f"{draft.title} v{new.number}"
    )


def diff_reply(
    tr: Tr, draft: Draft, old: DraftVersion, new: DraftVersion
) -> tuple[str, discord.File | None]:
    """Inline in a code block when it fits, else attached whole as a .diff file (the
    bytes `patch` applies; the inline copy only has its fences defused)."""
    diff = unified_diff(draft, old, new)
    title = tr("draft.diff.title", old=old.number, new=new.number)
    if not diff:
        return f"{title}\n{tr('draft.diff.same')}", None
    fenced = f"```diff\n{diff.replace('```', 'ʼʼʼ')}```"  # every diff line ends in "\n"
    if len(fenced) <= BLOCK_LIMIT:
        return f"{title}\n{fenced}", None
    name = f"draft-{draft.id}-v{old.number}-v{new.number}.diff"
    return f"{title}\n{tr('draft.diff.attached')}", discord.File(
        io.BytesIO(diff.encode()), filename=name
    )


def list_lines(
    tr: Tr,
    drafts: Sequence[Draft],
    groups: dict[int, WorkGroup],
    themes: dict[int, Theme],
    endorsements: dict[int, int],
    answers: dict[int, DraftAnswer] | None = None,
) -> list[str]:
    lines: list[str] = []
    theme_id: int | None = None
    for draft in drafts:
        if draft.theme_id != theme_id:
            theme_id = draft.theme_id
            theme = themes.get(draft.theme_id)
            lines.append(f"**{theme.emoji} {theme.title}**" if theme else "**?**")
        group = groups.get(draft.group_id)
        lines.append(
            tr("draft.list.line", title=draft.title, group=group.name if group else "?",
               status=tr(f"draft.status.{draft.status}"), version=draft.version,
               endorsements=endorsements.get(draft.id, 0),
               thread=f"<#{draft.thread_id}>" if draft.thread_id else "—")
        )  # fmt: skip
        answer = (answers or {}).get(draft.id)
        if answer is not None:
            lines[-1] += tr("draft.list.answer", decision=tr(f"draft.decision.{answer.decision}"),
                            when=f"<t:{int(answer.created_at.timestamp())}:D>")  # fmt: skip
    return lines


def blocks(lines: Sequence[str], limit: int = 2000) -> list[str]:
    """Lines joined into messages of at most `limit` characters, never cutting a line."""
    return pack(lines, limit)


async def send_blocks(interaction: discord.Interaction, texts: Sequence[str]) -> None:
    for text in texts:
        await ui.reply(interaction, text)
