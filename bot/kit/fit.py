"""Discord's limits on what the bot sends, applied in one place.

Every message, follow-up, edit, form and autocomplete answer of discord.py is built by
one of a few functions; `install` wraps them once at start-up so what the bot sends
always fits Discord's documented limits (content 2,000 characters, embed title 256,
description 4,096, 25 fields of 256/1,024, footer 2,048, author 256, 6,000 in all,
10 embeds; 25 choices of 100; button labels 80; select options 25 of 100; form titles
and labels 45). Files are not cut: `attachable` says which of them a message takes (10
files, 10 MiB in all without boosts) and the caller says which were left out. Texts are built to fit where they are made (long texts are split by
`bot.kit.text.split_text`, quotes are excerpts); this is the net beneath, so that no
input can make Discord refuse a reply and leave "This interaction failed". Each cut is
logged as a warning: it means a text was built too long.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

import discord
from discord import app_commands
from discord.utils import MISSING

from bot.kit.text import cut

log = logging.getLogger(__name__)

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
BUTTON_LABEL = 80
SELECT_OPTIONS = 25
SELECT_OPTION = 100
PLACEHOLDER = 150
INPUT_PLACEHOLDER = 100
INPUT_VALUE = 4000
FORM_TITLE = 45
INPUT_LABEL = 45

_WRAPPED = "__sipbot_fitted__"


def _cut(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        log.warning("cut %s from %d to %d characters", what, len(text), limit)
        return cut(text, limit)
    return text


def content(text: str | None) -> str | None:
    return None if text is None else _cut(str(text), CONTENT, "message content")


def _within(card: discord.Embed) -> bool:
    """Whether the card already fits: nearly always, and then it is sent as it is."""
    if len(card.title or "") > EMBED_TITLE or len(card.description or "") > EMBED_DESCRIPTION:
        return False
    fields: list[dict[str, Any]] = getattr(card, "_fields", None) or []
    if len(fields) > EMBED_FIELDS or any(
        len(field.get("name", "")) > FIELD_NAME or len(field.get("value", "")) > FIELD_VALUE
        for field in fields
    ):
        return False
    footer: dict[str, Any] = getattr(card, "_footer", None) or {}
    author: dict[str, Any] = getattr(card, "_author", None) or {}
    if len(footer.get("text", "")) > FOOTER or len(author.get("name", "")) > AUTHOR:
        return False
    return len(card) <= EMBED_TOTAL


def embed(card: discord.Embed) -> discord.Embed:
    """The card within every per-field limit and the 6,000 total: itself when it fits,
    else a cut copy."""
    if _within(card):
        return card
    data = card.to_dict()
    if "title" in data:
        data["title"] = _cut(data["title"], EMBED_TITLE, "embed title")
    if "description" in data:
        data["description"] = _cut(data["description"], EMBED_DESCRIPTION, "embed description")
    fields = data.get("fields", [])
    if len(fields) > EMBED_FIELDS:
        log.warning("dropped %d embed fields over 25", len(fields) - EMBED_FIELDS)
        fields = fields[:EMBED_FIELDS]
    for field in fields:
        field["name"] = _cut(field.get("name", ""), FIELD_NAME, "field name")
        field["value"] = _cut(field.get("value", ""), FIELD_VALUE, "field value")
    if fields:
        data["fields"] = fields
    if "footer" in data and "text" in data["footer"]:
        data["footer"]["text"] = _cut(data["footer"]["text"], FOOTER, "embed footer")
    if "author" in data and "name" in data["author"]:
        data["author"]["name"] = _cut(data["author"]["name"], AUTHOR, "embed author")
    fitted = discord.Embed.from_dict(data)
    excess = len(fitted) - EMBED_TOTAL
    if excess > 0 and fitted.description:
        keep = max(len(fitted.description) - excess, 0)
        fitted.description = _cut(fitted.description, keep, "embed description (total)")
        excess = len(fitted) - EMBED_TOTAL
    while excess > 0 and fitted.fields:
        log.warning("dropped an embed field to keep the card under 6,000 characters")
        fitted.remove_field(len(fitted.fields) - 1)
        excess = len(fitted) - EMBED_TOTAL
    return fitted


def embeds(cards: Sequence[discord.Embed]) -> list[discord.Embed]:
    """The cards within limits; together at most 10 and 6,000 characters."""
    kept: list[discord.Embed] = []
    total = 0
    for card in list(cards)[:EMBEDS]:
        fitted = embed(card)
        if total + len(fitted) > EMBED_TOTAL:
            log.warning("dropped embeds past 6,000 characters in one message")
            break
        total += len(fitted)
        kept.append(fitted)
    return kept


def item(component: discord.ui.Item[Any]) -> None:
    """Cut the labels of one component in place (they are serialised right after)."""
    if isinstance(component, discord.ui.Button) and component.label:
        component.label = _cut(component.label, BUTTON_LABEL, "button label")
    elif isinstance(component, discord.ui.Select):
        if component.placeholder:
            component.placeholder = _cut(component.placeholder, PLACEHOLDER, "placeholder")
        options = component.options[:SELECT_OPTIONS]
        for option in options:
            option.label = _cut(option.label, SELECT_OPTION, "option label")
            option.value = _cut(option.value, SELECT_OPTION, "option value")
            if option.description:
                option.description = _cut(option.description, SELECT_OPTION, "option text")
        component.options = options
    elif isinstance(component, discord.ui.TextInput):
        # The label of a text input is read through its component: discord.py deprecates
        # the attribute in favour of discord.ui.Label, which the forms may adopt later.
        underlying = component._underlying
        if underlying.label:
            underlying.label = _cut(underlying.label, INPUT_LABEL, "input label")
        if component.placeholder:
            component.placeholder = _cut(component.placeholder, INPUT_PLACEHOLDER, "input hint")
        limit = min(component.max_length or INPUT_VALUE, INPUT_VALUE)
        if component.default:
            component.default = _cut(component.default, limit, "input value")


def view(container: discord.ui.View | discord.ui.Modal | None) -> None:
    if container is None or container is MISSING:
        return
    if isinstance(container, discord.ui.Modal):
        container.title = _cut(container.title, FORM_TITLE, "form title")
    for component in container.children:
        item(component)


def choices(found: Sequence[app_commands.Choice[Any]]) -> list[app_commands.Choice[Any]]:
    fitted: list[app_commands.Choice[Any]] = []
    for choice in list(found)[:CHOICES]:
        value = choice.value
        if isinstance(value, str):
            value = value[:CHOICE_VALUE]
        fitted.append(app_commands.Choice(name=cut(choice.name, CHOICE_NAME), value=value))
    return fitted


ATTACHMENTS = 10  # files per message
UPLOAD = 10 * 1024 * 1024  # bytes of files per message, in a server without boosts


def file_size(file: discord.File) -> int:
    """The bytes a file will upload (read from where it stands, then put back)."""
    here = file.fp.tell()
    size = file.fp.seek(0, 2) - here
    file.fp.seek(here)
    return size


def attachable(files: Sequence[discord.File]) -> tuple[list[discord.File], list[discord.File]]:
    """The files, in their order of importance, that one message takes (10 files, 10 MiB
    in all), and those left out: each left out is logged as a warning, and the caller
    says so in its text."""
    kept: list[discord.File] = []
    left: list[discord.File] = []
    total = 0
    for file in files:
        size = file_size(file)
        if len(kept) < ATTACHMENTS and total + size <= UPLOAD:
            kept.append(file)
            total += size
        else:
            log.warning(
                "file %s (%d bytes) left out: over Discord's upload limits", file.filename, size
            )
            left.append(file)
    return kept, left


def _fit_message(build: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(build)
    def fitted(*args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], str | type(None)):
            args = (content(args[0]), *args[1:])
        text = kwargs.get("content", MISSING)
        if text is not MISSING and text is not None:
            kwargs["content"] = content(text)
        card = kwargs.get("embed", MISSING)
        if card is not MISSING and card is not None:
            kwargs["embed"] = embed(card)
        cards = kwargs.get("embeds", MISSING)
        if cards is not MISSING and cards is not None:
            kwargs["embeds"] = embeds(cards)
        view(kwargs.get("view", MISSING))
        return build(*args, **kwargs)

    setattr(fitted, _WRAPPED, True)
    return fitted


def _wrap_everywhere(name: str) -> None:
    """Replace `name` in every discord module that imported it by name."""
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("discord") or module is None:
            continue
        original = getattr(module, name, None)
        if original is None or getattr(original, _WRAPPED, False):
            continue
        setattr(module, name, _fit_message(original))


def install() -> None:
    """Wrap discord.py's message builders, form and autocomplete answers (idempotent)."""
    import discord.interactions
    import discord.webhook.async_  # loaded so its references are wrapped

    _wrap_everywhere("handle_message_parameters")
    _wrap_everywhere("interaction_message_response_params")
    response = discord.interactions.InteractionResponse
    if not getattr(response.send_modal, _WRAPPED, False):
        send_modal = response.send_modal

        @wraps(send_modal)
        async def fitted_modal(self: Any, modal: discord.ui.Modal, /) -> Any:
            view(modal)
            return await send_modal(self, modal)

        setattr(fitted_modal, _WRAPPED, True)
        response.send_modal = fitted_modal  # type: ignore[method-assign]
    if not getattr(response.autocomplete, _WRAPPED, False):
        autocomplete = response.autocomplete

        @wraps(autocomplete)
        async def fitted_choices(self: Any, found: Sequence[app_commands.Choice[Any]]) -> Any:
            return await autocomplete(self, choices(found))

        setattr(fitted_choices, _WRAPPED, True)
        response.autocomplete = fitted_choices  # type: ignore[method-assign,assignment]
