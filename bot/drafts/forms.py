"""The forms in which drafts are written — a new draft, a revision prefilled with the
current text — and in which the board writes its answer. One form per person
(discord.py keeps open forms by custom id).

A modal field holds at most 4000 characters, so each form has a second, optional
field that continues the first ("answer" and "answer (continued)"): texts up to 8000
characters are typed whole, and stored and shown whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.kit.forms import SipForm
from bot.kit.i18n import Tr
from bot.kit.text import split_text
from bot.kit.user_error import UserError

if TYPE_CHECKING:
    from bot.drafts.answers import AnswerService
    from bot.drafts.service import DraftService
    from bot.kit.host import Host

FIELD_MAX = 4000


def joined(first: str, second: str, empty: str = "error.draft.text_empty") -> str:
    """The two fields as one text. The second continues the first exactly when either side
    has whitespace at the joint (as the prefilled halves of a revision do), else on a new
    line; an empty text is refused (with the `empty` message)."""
    if not second.strip():
        text = first
    elif not first.strip():
        text = second
    elif first[-1:].isspace() or second[:1].isspace():
        text = first + second
    else:
        text = f"{first}\n{second}"
    if not text.strip():
        raise UserError(empty)
    return text.strip()


def prefill(text: str) -> tuple[str | None, str | None]:
    """The current text cut in two halves for the two fields (never cut mid-word)."""
    parts = split_text(text, FIELD_MAX)
    if len(parts) == 1:
        return parts[0] or None, None
    return parts[0], "".join(parts[1:])[:FIELD_MAX]


class DraftForm(SipForm):
    def __init__(
        self,
        bot: Host,
        service: DraftService,
        tr: Tr,
        *,
        title: str,
        custom_id: str,
        current: str = "",
    ) -> None:
        super().__init__(bot, title=title[:45], custom_id=custom_id)
        self.bot, self.service = bot, service
        first, second = prefill(current) if current else (None, None)
        self.text: discord.ui.TextInput[DraftForm] = discord.ui.TextInput(
            custom_id="text", label=tr("draft.modal.text")[:45], style=discord.TextStyle.paragraph,
            max_length=FIELD_MAX, default=first,
        )  # fmt: skip
        self.more: discord.ui.TextInput[DraftForm] = discord.ui.TextInput(
            custom_id="more", label=tr("draft.modal.more")[:45], style=discord.TextStyle.paragraph,
            max_length=FIELD_MAX, required=False, default=second,
        )  # fmt: skip
        self.add_item(self.text)
        self.add_item(self.more)

    @property
    def value(self) -> str:
        return joined(self.text.value or "", self.more.value or "")


class NewDraftForm(DraftForm):
    def __init__(
        self, bot: Host, service: DraftService, tr: Tr, group_id: int, title: str, user_id: int
    ) -> None:
        super().__init__(
            bot, service, tr, title=tr("draft.modal.new"), custom_id=f"sip:draft:new:{user_id}"
        )
        self.group_id, self.draft_title = group_id, title

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.service.create(interaction, self.group_id, self.draft_title, self.value)


class ReviseForm(DraftForm):
    def __init__(
        self,
        bot: Host,
        service: DraftService,
        tr: Tr,
        draft_id: int,
        base: int,
        current: str,
        user_id: int,
    ) -> None:
        super().__init__(
            bot, service, tr, title=tr("draft.modal.revise", version=base + 1),
            custom_id=f"sip:draft:revise:{draft_id}:{user_id}", current=current,
        )  # fmt: skip
        self.draft_id, self.base = draft_id, base

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.service.revise(interaction, self.draft_id, self.base, self.value)


class AnswerForm(SipForm):
    """The board's answer: "answer" and "answer (continued)", 4,000 characters each."""

    def __init__(
        self, bot: Host, service: AnswerService, tr: Tr, draft_id: int, decision: str,
        user_id: int,
    ) -> None:  # fmt: skip
        title = tr("draft.answer.modal", decision=tr(f"draft.decision.{decision}"))
        super().__init__(bot, title=title[:45], custom_id=f"sip:draft:answer:{draft_id}:{user_id}")
        self.service, self.draft_id, self.decision = service, draft_id, decision
        self.text: discord.ui.TextInput[AnswerForm] = discord.ui.TextInput(
            custom_id="answer", label=tr("draft.answer.modal.text")[:45],
            style=discord.TextStyle.paragraph, max_length=FIELD_MAX,
        )  # fmt: skip
        self.more: discord.ui.TextInput[AnswerForm] = discord.ui.TextInput(
            custom_id="more", label=tr("draft.answer.modal.more")[:45],
            style=discord.TextStyle.paragraph, max_length=FIELD_MAX, required=False,
        )  # fmt: skip
        self.add_item(self.text)
        self.add_item(self.more)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = joined(self.text.value or "", self.more.value or "", empty="error.answer.empty")
        await self.service.answer(interaction, self.draft_id, self.decision, text)
