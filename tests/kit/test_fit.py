"""The net beneath every text the bot sends: Discord's limits, applied in one place."""

from __future__ import annotations

import sys

import discord
from discord import app_commands
from hypothesis import given
from hypothesis import strategies as st

from bot.kit import fit


def test_install_wraps_every_reference_discord_py_holds_to_its_message_builders() -> None:
    fit.install()
    fit.install()  # twice is harmless
    holders = [
        (name, module)
        for name, module in sys.modules.items()
        if name.startswith("discord")
        and module is not None
        and hasattr(module, "handle_message_parameters")
    ]
    assert {"discord.abc", "discord.message", "discord.interactions"} <= {n for n, _ in holders}
    for _name, module in holders:
        assert getattr(module.handle_message_parameters, "__sipbot_fitted__", False)
    assert discord.interactions.interaction_message_response_params.__sipbot_fitted__  # type: ignore[attr-defined]
    response = discord.interactions.InteractionResponse
    assert response.send_modal.__sipbot_fitted__  # type: ignore[attr-defined]
    assert response.autocomplete.__sipbot_fitted__  # type: ignore[attr-defined]


def test_a_wrapped_builder_sends_at_most_two_thousand_characters() -> None:
    fit.install()
    params = discord.http.handle_message_parameters(content="x" * 6000)
    assert params.payload is not None
    assert len(params.payload["content"]) == 2000
    assert params.payload["content"].endswith("…")


@given(
    st.text(max_size=300),
    st.text(max_size=6000),
    st.lists(st.tuples(st.text(max_size=400), st.text(max_size=1500)), max_size=40),
    st.text(max_size=2500),
)
def test_any_card_is_brought_within_every_embed_limit(
    title: str, description: str, fields: list[tuple[str, str]], footer: str
) -> None:
    card = discord.Embed(title=title, description=description)
    for name, value in fields:
        card.add_field(name=name, value=value)
    card.set_footer(text=footer)
    fitted = fit.embed(card)
    assert len(fitted) <= fit.EMBED_TOTAL
    assert len(fitted.title or "") <= fit.EMBED_TITLE
    assert len(fitted.description or "") <= fit.EMBED_DESCRIPTION
    assert len(fitted.fields) <= fit.EMBED_FIELDS
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in fitted.fields)
    assert len(fitted.footer.text or "") <= fit.FOOTER
    assert (fitted.title or "") == (title if len(title) <= 256 else title[:255] + "…")


def test_cards_of_one_message_stay_under_six_thousand_together() -> None:
    cards = [discord.Embed(description="d" * 4000) for _ in range(12)]
    kept = fit.embeds(cards)
    assert 1 <= len(kept) <= fit.EMBEDS
    assert sum(len(card) for card in kept) <= fit.EMBED_TOTAL


def test_choices_components_and_forms_are_cut_to_their_limits() -> None:
    choices = fit.choices([app_commands.Choice(name="n" * 300, value="v" * 300) for _ in range(40)])
    assert len(choices) == 25
    assert all(len(c.name) <= 100 and len(str(c.value)) <= 100 for c in choices)
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="b" * 200))
    select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
        options=[discord.SelectOption(label=f"{i}" * 150, value=f"{i}") for i in range(30)]
    )
    view.add_item(select)
    fit.view(view)
    button = view.children[0]
    assert isinstance(button, discord.ui.Button)
    assert len(button.label or "") == 80
    assert len(select.options) == 25 and all(len(o.label) <= 100 for o in select.options)
    form = discord.ui.Modal(title="t" * 90)
    form.add_item(discord.ui.TextInput(label="l" * 90, default="d" * 5000, max_length=1000))
    fit.view(form)
    assert len(form.title) == 45
    assert form.to_dict()["components"][0]["components"][0]["label"] == "l" * 44 + "…"
    text_input = form.children[0]
    assert isinstance(text_input, discord.ui.TextInput)
    assert len(text_input.default or "") == 1000
