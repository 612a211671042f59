"""What the interest poll shows in Discord: the poll's card and its profile button,
the card once closed, and the results card posted under it."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.interest.rules import Tally
from bot.kit import ui
from bot.kit.i18n import Tr
from storage.models import Theme

PROFILE_BUTTON = "sip:interest:profile"


def poll_card(
    tr: Tr, themes: list[Theme], deadline: datetime, closed: bool = False
) -> discord.Embed:
    lines = [tr("interest.poll.intro"), ""]
    for theme in themes:
        where = " · ".join(tr(f"country.{c}") for c in theme.country_list)
        link = f" — <#{theme.info_channel_id}>" if theme.info_channel_id else ""
        lines.append(f"{theme.emoji} **{theme.title}** ({where}){link}")
    lines += [
        "",
        tr(
            "interest.poll.closed" if closed else "interest.poll.deadline",
            deadline=ui.timestamp(deadline),
        ),
    ]
    return ui.embed(tr("interest.poll.title"), "\n".join(lines))


def profile_button(tr: Tr) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(label=tr("interest.poll.profile"), custom_id=PROFILE_BUTTON, emoji="🪪")
    )
    return view


def results_card(tr: Tr, themes: list[Theme], counts: Tally) -> discord.Embed:
    ordered = sorted(themes, key=lambda t: (-counts.per_theme[t.id], t.position))
    lines = [
        tr("interest.results.line", emoji=t.emoji, title=t.title, count=counts.per_theme[t.id])
        for t in ordered
    ]
    lines += [
        "",
        tr("interest.results.voters", count=counts.voters, without=len(counts.without_profile)),
    ]
    return ui.embed(tr("interest.results.title"), "\n".join(lines))
