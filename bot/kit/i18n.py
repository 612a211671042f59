"""Message catalogues (fr, en, nl) and the choice of language for a reader.

Ephemeral replies follow the reader's Discord locale; public posts follow the
guild's language. Catalogues are flat JSON files of `str.format` templates.
"""

from __future__ import annotations

import json
import logging
import re
import string
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

log = logging.getLogger(__name__)

LANGUAGES = ("fr", "en", "nl")
DEFAULT_LANGUAGE = "fr"
COMMAND_REFERENCE = re.compile(r"\[\[([a-z_ ]+)\]\]")


def language_of(locale: str | None, fallback: str = DEFAULT_LANGUAGE) -> str:
    """Discord locale ("en-GB", "fr", "nl") -> catalogue language, else the fallback."""
    if locale:
        code = str(locale).split("-", 1)[0].lower()
        if code in LANGUAGES:
            return code
    return fallback if fallback in LANGUAGES else DEFAULT_LANGUAGE


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Catalog:
    messages: dict[str, dict[str, str]]
    # Texts asked for without parameters, rendered once per language: the catalogue never
    # changes once loaded, and most of a card's labels are such texts.
    _plain: dict[tuple[str, str], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def load(cls) -> Catalog:
        """One folder per language, one file per feature; a key defined twice is an error."""
        folder = resources.files("bot").joinpath("locales")
        messages: dict[str, dict[str, str]] = {}
        for lang in LANGUAGES:
            merged: dict[str, str] = {}
            files = sorted(
                (f for f in folder.joinpath(lang).iterdir() if f.name.endswith(".json")),
                key=lambda f: f.name,
            )
            for part in files:
                entries = json.loads(part.read_text("utf-8"))
                twice = merged.keys() & entries.keys()
                if twice:
                    raise ValueError(f"{lang}/{part.name} redefines {sorted(twice)}")
                merged.update(entries)
            messages[lang] = merged
        return cls(messages)

    def has(self, language: str, key: str) -> bool:
        return key in self.messages.get(language, {})

    def get(self, language: str, key: str) -> str | None:
        return self.messages.get(language, {}).get(key)

    def text(self, language: str, key: str, /, **params: Any) -> str:
        if not params:
            rendered = self._plain.get((language, key))
            if rendered is not None:
                return rendered
        template = self.get(language, key) or self.get("en", key)
        if template is None:
            log.error("missing message key %s", key)
            return key
        try:
            text = template.format(**params)
        except (KeyError, IndexError, ValueError):
            log.exception("message %s in %s does not fit its parameters", key, language)
            return self._commands_spoken(language, template)
        text = self._commands_spoken(language, text)
        if not params:
            self._plain[(language, key)] = text
        return text

    def _commands_spoken(self, language: str, text: str) -> str:
        """`[[setup roles]]` -> the command as the reader types it (see `command`)."""
        if "[[" not in text:
            return text
        return COMMAND_REFERENCE.sub(lambda m: self.command(language, m.group(1)), text)

    def command(self, language: str, path: str) -> str:
        """ "setup roles" -> "/configurer rôles" in French: commands as the reader types them."""
        parts = path.split()
        spoken = [
            self.get(language, "cmd." + ".".join(parts[: i + 1]) + ".name") or part
            for i, part in enumerate(parts)
        ]
        return "/" + " ".join(spoken)

    def bind(self, language: str) -> Tr:
        return Tr(self, language)


@dataclass(frozen=True)
class Tr:
    """A catalogue bound to one language: `tr("setup.saved", name=...)`."""

    catalog: Catalog
    language: str

    def __call__(self, key: str, /, **params: Any) -> str:
        return self.catalog.text(self.language, key, **params)
