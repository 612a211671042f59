"""Message catalogues (fr, en, nl) and the choice of language for a reader.

Ephemeral replies follow the reader's Discord locale; public posts follow the
guild's language. Catalogues are flat JSON files of `str.format` templates.

A count is never glued to a noun in code: a message that depends on one is a plural
family, `key.one` and `key.other` (CLDR cardinal categories) plus, where a language says
nothing at all differently ("Aucune séance", "No sessions"), `key.zero`. The family is
asked for by its bare key with `count=` (`tr("report.sessions.count", count=n)` or
`tr.plural("report.sessions.count", n)`), and the form follows the reader's language:
French counts 0 and 1 as "one", English and Dutch only 1. `key.zero`, when present, wins
for 0 in every language (as ICU's `=0`). French's "many" (1 000 000 de …) is not used:
such counts take "other".
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
PLURAL_FORMS = ("zero", "one", "other")


def language_of(locale: str | None, fallback: str = DEFAULT_LANGUAGE) -> str:
    """Discord locale ("en-GB", "fr", "nl") -> catalogue language, else the fallback."""
    if locale:
        code = str(locale).split("-", 1)[0].lower()
        if code in LANGUAGES:
            return code
    return fallback if fallback in LANGUAGES else DEFAULT_LANGUAGE


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def plural_category(language: str, count: int) -> str:
    """CLDR's cardinal category of a whole number: "one" or "other" (fr, en, nl)."""
    n = abs(count)
    if language == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


def is_plural_family(messages: dict[str, str], key: str) -> bool:
    """A family has at least `.one` and `.other`; a lone `x.other` is an ordinary key."""
    return f"{key}.one" in messages and f"{key}.other" in messages


def plural_families(messages: dict[str, str]) -> dict[str, dict[str, str]]:
    """The plural families of one language's catalogue: bare key -> form -> template."""
    families: dict[str, dict[str, str]] = {}
    for key, template in messages.items():
        base, _, form = key.rpartition(".")
        if form in PLURAL_FORMS and is_plural_family(messages, base):
            families.setdefault(base, {})[form] = template
    return families


@dataclass(frozen=True)
class Catalog:
    messages: dict[str, dict[str, str]]
    # Texts asked for without parameters, rendered once per language: the catalogue never
    # changes once loaded, and most of a card's labels are such texts.
    _plain: dict[tuple[str, str], str] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # `[[setup roles]]` as the reader types it, per language and command: looked up once.
    _spoken: dict[tuple[str, str], str] = field(
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
        """The key is a message, or a plural family, in that language."""
        found = self.messages.get(language, {})
        return key in found or is_plural_family(found, key)

    def get(self, language: str, key: str) -> str | None:
        return self.messages.get(language, {}).get(key)

    def text(self, language: str, key: str, /, **params: Any) -> str:
        if not params:
            rendered = self._plain.get((language, key))
            if rendered is not None:
                return rendered
        template = self._template(language, key, params)
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

    def _template(self, language: str, key: str, params: dict[str, Any]) -> str | None:
        """The reader's message, else the English one; a plural family's form by `count`."""
        for lang in (language, "en"):
            found = self.messages.get(lang, {})
            if key in found:
                return found[key]
            if is_plural_family(found, key):
                return self._form(lang, key, params.get("count"))
        return None

    def _form(self, language: str, key: str, count: object) -> str:
        found = self.messages[language]
        if not isinstance(count, int) or isinstance(count, bool):
            log.error("plural message %s needs an integer count, got %r", key, count)
            return found[f"{key}.other"]
        if count == 0 and f"{key}.zero" in found:
            return found[f"{key}.zero"]
        return found.get(f"{key}.{plural_category(language, count)}", found[f"{key}.other"])

    def _commands_spoken(self, language: str, text: str) -> str:
        """`[[setup roles]]` -> the command as the reader types it (see `command`)."""
        if "[[" not in text:
            return text
        return COMMAND_REFERENCE.sub(lambda m: self.command(language, m.group(1)), text)

    def command(self, language: str, path: str) -> str:
        """ "setup roles" -> "/configurer rôles" in French: commands as the reader types them."""
        spoken = self._spoken.get((language, path))
        if spoken is None:
            spoken = self._spoken[(language, path)] = self._command(language, path)
        return spoken

    def _command(self, language: str, path: str) -> str:
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

    def plural(self, key: str, count: int, /, **params: Any) -> str:
        """The form of plural family `key` for `count`, which it may show as `{count}`."""
        return self.catalog.text(self.language, key, count=count, **params)
