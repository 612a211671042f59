"""Every message exists in fr, en and nl with the same placeholders; every plural family
has its forms in every language and tells every count apart; every command is localised
in fr and nl within Discord's rules; no two commands share a name."""

from __future__ import annotations

import re
from typing import Any

import pytest
from discord import app_commands

from bot.kit.i18n import LANGUAGES, PLURAL_FORMS, Catalog, placeholders, plural_families
from bot.kit.translator import command_key
from tests.databases import sqlite_database
from tests.fakediscord import FakeDiscord
from tests.harness import build_bot

NAME = re.compile(r"^[-_'\w]{1,32}$")
CATALOG = Catalog.load()


def message_keys(language: str) -> set[str]:
    return {k for k in CATALOG.messages[language] if not k.startswith(("cmd.", "choice."))}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_exists_in_every_language(language: str) -> None:
    reference = message_keys("en")
    assert message_keys(language) == reference


def family_keys(language: str) -> set[str]:
    families = plural_families(CATALOG.messages[language])
    return {f"{base}.{form}" for base, forms in families.items() for form in forms}


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_placeholders_match_english(language: str) -> None:
    for key in message_keys("en") - family_keys("en"):
        assert placeholders(CATALOG.messages[language][key]) == placeholders(
            CATALOG.messages["en"][key]
        ), key


def family_parameters(language: str, base: str) -> set[str]:
    forms = plural_families(CATALOG.messages[language])[base]
    return set().union(*(placeholders(t) for t in forms.values())) | {"count"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_families_are_whole_and_alone(language: str) -> None:
    """A form never stands without its family, a bare key never shadows one, and the
    general form speaks the same parameters as English's (a form may leave some out:
    "Aucune séance" shows no count)."""
    messages = CATALOG.messages[language]
    families = plural_families(messages)
    assert families.keys() == plural_families(CATALOG.messages["en"]).keys()
    for key in messages:
        base, _, form = key.rpartition(".")
        if form in ("zero", "one"):
            assert base in families, f"{key} has no {base}.one and {base}.other"
    for base, forms in families.items():
        assert base not in messages, f"{base} is both a message and a plural family"
        assert set(forms) <= set(PLURAL_FORMS)
        assert family_parameters(language, base) == family_parameters("en", base), base
        assert placeholders(forms["other"]) == placeholders(
            CATALOG.messages["en"][f"{base}.other"]
        ), base


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_family_tells_counts_apart(language: str) -> None:
    """0, 1, 2, 3 and 1000 never read the same: whichever form a language picks for a
    count either shows it or is that count's own form."""
    tr = CATALOG.bind(language)
    for base in plural_families(CATALOG.messages[language]):
        params = {name: f"<{name}>" for name in family_parameters(language, base) - {"count"}}
        texts = [tr.plural(base, n, **params) for n in (0, 1, 2, 3, 1000)]
        assert len(set(texts)) == len(texts), (base, texts)
        assert all("{" not in text and "<count>" not in text for text in texts), base


def test_command_references_resolve() -> None:
    for language in LANGUAGES:
        for key, template in CATALOG.messages[language].items():
            for path in re.findall(r"\[\[([^\]]+)\]\]", template):
                assert CATALOG.get("fr", command_key(path) + ".name"), (
                    f"{key}: unknown command {path}"
                )


async def tree_commands(tmp_path: Any) -> list[Any]:
    from tests.clock import MovableClock

    async with sqlite_database(tmp_path) as (_url, engine):
        bot = build_bot(FakeDiscord(), engine, MovableClock())
        from bot.app import EXTENSIONS

        for name in EXTENSIONS:
            await bot.load_extension(name)
        commands = list(bot.tree.walk_commands())
        await bot.close()
    return commands


async def test_every_command_and_option_is_localised(tmp_path: Any) -> None:
    commands = await tree_commands(tmp_path)
    assert commands
    missing: list[str] = []
    for language in ("fr", "nl"):
        for command in commands:
            base = command_key(command.qualified_name)
            keys = [base + ".name", base + ".description"]
            if isinstance(command, app_commands.Command):
                for parameter in command.parameters:
                    keys += [
                        f"{base}.opt.{parameter.name}.name",
                        f"{base}.opt.{parameter.name}.description",
                    ]
            missing += [f"{language}:{k}" for k in keys if not CATALOG.has(language, k)]
    assert missing == []


async def test_localised_names_follow_discord_rules_and_never_collide(tmp_path: Any) -> None:
    commands = await tree_commands(tmp_path)
    for language in ("fr", "nl", None):
        siblings: dict[str, set[str]] = {}
        for command in commands:
            base = command_key(command.qualified_name)
            name = CATALOG.get(language, base + ".name") if language else command.name
            assert name and NAME.match(name) and name == name.lower(), (language, name)
            description = (
                CATALOG.get(language, base + ".description") if language else command.description
            )
            assert description and 1 <= len(description) <= 100, (language, base)
            parent = command.parent.qualified_name if command.parent else ""
            assert name not in siblings.setdefault(parent, set()), (
                f"{language}: two commands named {name}"
            )
            siblings[parent].add(name)
            if isinstance(command, app_commands.Command):
                option_names = [
                    CATALOG.get(language, f"{base}.opt.{p.name}.name") if language else p.name
                    for p in command.parameters
                ]
                assert len(set(option_names)) == len(option_names), (language, base)
                for p in command.parameters:
                    text = (
                        CATALOG.get(language, f"{base}.opt.{p.name}.description")
                        if language
                        else p.description
                    )
                    assert text and len(text) <= 100, (language, base, p.name)
