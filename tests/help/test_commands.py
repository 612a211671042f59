"""`/help`, the central error handler, and the commands Discord receives."""

from __future__ import annotations

import logging
import re

import pytest

from bot.app import SipBot
from storage import offices as offices_store
from tests.fakediscord import FakeDiscord


async def test_help_for_a_member_lists_only_what_they_may_do(
    fake: FakeDiscord, bot: SipBot
) -> None:
    member = fake.add_member("sacha", locale="nl")
    res = await fake.slash("help", user=member)
    assert res.ephemeral
    text = res.text
    assert "Wat je met sipbot kunt doen" in text
    assert "`/hulp` — Wat je met sipbot kunt doen" in text
    assert "/instellen" not in text and "/kantoor" not in text
    assert res.embeds[0]["footer"]["text"].startswith("De organisatie heeft nog meer opdrachten")


async def test_help_for_an_organiser_lists_organiser_commands(
    fake: FakeDiscord, bot: SipBot
) -> None:
    res = await fake.slash("help", user=fake.owner, locale="fr")
    text = res.text
    assert "`/configurer rappels` — Choisir quand les rappels de séance sont envoyés" in text
    assert "`/bureau ajouter` — Ajouter un bureau" in text
    assert "`/aide`" in text
    english = await fake.slash("help", user=fake.owner, locale="en-US")
    assert "`/setup check` — Check the bot's permissions and configuration" in english.text


async def test_help_shows_the_boards_commands_to_the_board_only(
    fake: FakeDiscord, bot: SipBot
) -> None:
    board = fake.add_role("Conseil d'administration")
    await fake.slash("setup roles", user=fake.owner, options={"board": board})
    member = fake.add_member("sacha", locale="fr")
    on_board = fake.add_member("camille", roles=[board], locale="fr")
    answer = "`/proposition répondre` — La réponse du conseil d'administration"
    follow = "`/suivi actualiser` — Où en est une recommandation adoptée"
    listed = "`/suivi liste` — Chaque recommandation adoptée, son état et sa dernière mise à jour"
    seen = (await fake.slash("help", user=on_board)).text
    assert answer in seen and follow in seen and listed in seen
    assert "/configurer" not in seen  # on the board, not an organiser
    everyone = (await fake.slash("help", user=member)).text
    assert answer not in everyone and follow not in everyone and listed in everyone
    assert answer in (await fake.slash("help", user=fake.owner)).text  # organisers answer too


async def test_unexpected_error_gives_an_apology_with_a_reference(
    fake: FakeDiscord,
    bot: SipBot,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(offices_store, "list_offices", broken)
    with caplog.at_level(logging.ERROR, logger="bot.kit.errors"):
        res = await fake.slash("office list", user=fake.owner, locale="en-US")
    assert res.ephemeral
    match = re.fullmatch(
        r"Sorry, something went wrong on my side and nothing was changed\. If it happens again, "
        r"give the organisers this reference: ([0-9a-f]{6})\.",
        res.content or "",
    )
    assert match is not None, res.content
    logged = [r for r in caplog.records if match.group(1) in r.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "database on fire" in str(logged[0].exc_info[1])


async def test_commands_are_synced_with_french_and_dutch_localisations(
    fake: FakeDiscord, bot: SipBot
) -> None:
    registered = {c["name"]: c for c in fake.commands(fake.guild.id)}
    assert set(registered) >= {
        "setup",
        "office",
        "cycle",
        "theme",
        "interest",
        "groups",
        "group",
        "help",
    }
    setup = registered["setup"]
    assert setup["name_localizations"] == {"fr": "configurer", "nl": "instellen"}
    assert str(setup["default_member_permissions"]) == str(1 << 5)  # Manage Server
    assert registered["help"].get("default_member_permissions") is None
    roles = next(o for o in setup["options"] if o["name"] == "roles")
    assert (
        roles["description_localizations"]["fr"]
        == "Choisir le rôle d'organisation, celui des sociétaires, celui du CA"
    )
    organiser = next(o for o in roles["options"] if o["name"] == "organiser")
    assert organiser["name_localizations"] == {"fr": "organisation", "nl": "organisatie"}
    put = fake.matching("PUT", rf"/applications/\d+/guilds/{fake.guild.id}/commands")
    assert len(put) == 1
