"""What the interest poll shows in Discord: the poll's card and its profile button,
the card once closed, the results card posted under it, and the results as a picture
(two panels of stacked bars per theme: by region of the member's office, by mode), whose
alt text lists every theme's figures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import discord

from bot.interest.rules import NO_MODE, NO_REGION, Tally
from bot.kit import charts, ui
from bot.kit.charts import Panel, StackedBars
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
    ordered = ranked(themes, counts)
    lines = [
        tr("interest.results.line", emoji=t.emoji, title=t.title, count=counts.per_theme[t.id])
        for t in ordered
    ]
    lines += [
        "",
        tr("interest.results.voters", count=counts.voters, without=len(counts.without_profile)),
    ]
    return ui.embed(tr("interest.results.title"), "\n".join(lines))


MODES = ("in_person", "online", "either", NO_MODE)
REGIONS_SHOWN = 6  # the largest; the others are summed as "other regions"
FILENAME = "interest-results.png"


def ranked(themes: list[Theme], counts: Tally) -> list[Theme]:
    return sorted(themes, key=lambda t: (-counts.per_theme[t.id], t.position))


def _cells(counts: Tally, theme: Theme) -> Counter[tuple[str, str]]:
    """(region, mode) -> respondents, for one theme (reading never adds a theme)."""
    return counts.per_region.get(theme.id) or Counter()


def _region_panel(tr: Tr, themes: list[Theme], counts: Tally) -> Panel:
    regions = sorted({region for t in themes for region, _mode in _cells(counts, t)} - {NO_REGION})
    values = [
        [sum(n for (r, _m), n in _cells(counts, t).items() if r == region)
         for region in regions]
        for t in themes
    ]  # fmt: skip
    series, folded = charts.fold(
        regions, values, REGIONS_SHOWN, tr("interest.picture.other_regions")
    )
    if any(r == NO_REGION for t in themes for r, _m in _cells(counts, t)):
        series.append(tr("interest.picture.no_region"))
        for row, theme in zip(folded, themes, strict=True):
            found = _cells(counts, theme)
            row.append(sum(n for (r, _m), n in found.items() if r == NO_REGION))
        muted = frozenset({len(series) - 1})
    else:
        muted = frozenset()
    return Panel(tr("interest.picture.by_region"), series, folded, muted)


def _mode_panel(tr: Tr, themes: list[Theme], counts: Tally) -> Panel:
    values = [
        [sum(n for (_r, m), n in _cells(counts, t).items() if m == mode)
         for mode in MODES]
        for t in themes
    ]  # fmt: skip
    names = [tr(f"profile.mode.{mode}") for mode in MODES]
    return Panel(tr("interest.picture.by_mode"), names, values, frozenset({MODES.index(NO_MODE)}))


def _parts(tr: Tr, panel: Panel, row: Sequence[int]) -> str:
    return ", ".join(
        tr("interest.picture.part", label=label, count=n)
        for label, n in zip(panel.series, row, strict=True)
        if n
    )


def results_picture(tr: Tr, themes: list[Theme], counts: Tally) -> StackedBars | None:
    """The results at a glance; None when nobody answered (there is nothing to see)."""
    if counts.voters == 0 or not themes:
        return None
    shown = ranked(themes, counts)
    regions, modes = _region_panel(tr, shown, counts), _mode_panel(tr, shown, counts)
    lines = [
        tr("interest.picture.theme", title=theme.title, count=counts.per_theme[theme.id],
           regions=_parts(tr, regions, r), modes=_parts(tr, modes, m))
        if counts.per_theme[theme.id] else tr("interest.picture.nobody", title=theme.title)
        for theme, r, m in zip(shown, regions.values, modes.values, strict=True)
    ]  # fmt: skip
    head = tr("interest.picture.head", count=counts.voters)
    return StackedBars(
        title=tr("interest.picture.title"),
        categories=[charts.clean_label(f"{t.emoji} {t.title}") for t in shown],
        panels=[regions, modes],
        filename=FILENAME,
        description=charts.alt_text(head, lines, lambda n: tr("chart.more", count=n)),
    )
