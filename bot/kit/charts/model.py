"""What a chart is before it is drawn, and what it is after: pure data, no matplotlib.

A feature builds a spec (`Timeline`, `StackedBars`) with its labels already in the
reader's language and its alt text (`description`) listing the figures; `draw` turns it
into a `Chart` (PNG bytes, the description, a file name) in a worker thread.

The look, chosen once for Discord's dark and light themes alike: an opaque light card
(`CARD`) with a darker frame (`FRAME`, visible on the light theme) and near-black text
(`INK`, 15:1 on the card); series in the Okabe–Ito palette, which stays distinct for the
common colour-vision deficiencies, every bar outlined in `INK` so a pale colour still
stands out from the card, and the numbers written on the bars as well as in the text.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.kit.i18n import Tr
from bot.kit.text import ELLIPSIS

# Okabe & Ito (2008), "Color Universal Design": the order series take. Yellow comes last
# (it is the palest on the card); a series that means "unknown" is drawn in MUTED.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW)
MUTED = "#B4B4B4"
INK = "#1F2328"
CARD = "#FAFAF8"
FRAME = "#8C929B"
GRID = "#D9DCE1"
WHITE = "#FFFFFF"
BLACK = "#000000"
DISCORD_DARK = "#313338"
DISCORD_LIGHT = "#FFFFFF"

DESCRIPTION_LIMIT = 1024  # Discord: an attachment's description (alt text)
LABEL_LIMIT = 60
WIDTH = 1000  # pixels; Discord shows it scaled to the message, full size on a click
DPI = 100

State = Literal["past", "current", "future"]


# ------------------------------------------------------------------ colours
def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str | tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of "#RRGGBB" or an (r, g, b) triple."""
    if isinstance(colour, str):
        rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    else:
        rgb = colour
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str | tuple[int, int, int], b: str | tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio, from 1 (same) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_on(colour: str) -> str:
    """INK or WHITE, whichever reads better on `colour`; black where neither reaches
    WCAG's 4.5:1 (on vermillion)."""
    best = INK if contrast(INK, colour) >= contrast(WHITE, colour) else WHITE
    return best if contrast(best, colour) >= 4.5 else BLACK


def series_colours(count: int, muted: frozenset[int] = frozenset()) -> list[str]:
    """A colour per series, in palette order; muted ones (unknown, none) in grey."""
    colours, nth = [], 0
    for index in range(count):
        if index in muted:
            colours.append(MUTED)
        else:
            colours.append(PALETTE[nth % len(PALETTE)])
            nth += 1
    return colours


# ------------------------------------------------------------------ labels
KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")
_CUSTOM_EMOJI = re.compile(r"<a?:\w{1,32}:\d{1,20}>")  # a server's own emoji, as Discord writes it
_EMOJI_RANGES = (
    (0x1F000, 0x1FAFF),  # emoji, flags' regional indicators, skin tones
    (0x2600, 0x27BF),  # miscellaneous symbols and dingbats drawn as emoji
    (0x2B00, 0x2BFF),  # stars, squares, arrows drawn as emoji
    (0xFE00, 0xFE0F),  # variation selectors
    (0xE0000, 0xE007F),  # tag characters (subdivision flags)
)


def _dropped(char: str) -> bool:
    code = ord(char)
    if any(low <= code <= high for low, high in _EMOJI_RANGES):
        return True
    return char != " " and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def clean_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """A label the chart's font can draw: keycap emoji become their digit ("1️⃣" -> "1"),
    other emoji (a server's own too) and invisible characters go, the text stays, on one
    line, cut at `limit`."""
    text = KEYCAP.sub(r"\1", _CUSTOM_EMOJI.sub("", unicodedata.normalize("NFC", text)))
    spaced = "".join(" " if c in "\t\n\r" else c for c in text)
    kept = "".join(c for c in spaced if not _dropped(c))
    flat = " ".join(kept.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + ELLIPSIS


def wrapped(label: str, width: int, lines: int) -> str:
    """A label on at most `lines` lines of `width` characters, the last cut if needed."""
    parts = textwrap.wrap(label, width) or [""]
    if len(parts) > lines:
        parts = [
            *parts[: lines - 1],
            textwrap.shorten(" ".join(parts[lines - 1 :]), width, placeholder=ELLIPSIS),
        ]
    return "\n".join(parts)


def alt_text(head: str, lines: Sequence[str], more: Callable[[int], str]) -> str:
    """The attachment's description: `head`, then as many `lines` (one per figure) as fit
    in Discord's 1,024 characters, then `more(n)` saying how many did not fit."""
    text = head
    for shown, line in enumerate(lines):
        rest = len(lines) - shown - 1
        tail = f" {more(rest)}" if rest else ""
        if len(text) + 1 + len(line) + len(tail) > DESCRIPTION_LIMIT:
            return f"{text} {more(len(lines) - shown)}"[:DESCRIPTION_LIMIT]
        text = f"{text} {line}"
    return text[:DESCRIPTION_LIMIT]


# ------------------------------------------------------------------ dates
def month_names(tr: Tr) -> list[str]:
    """The twelve short month names in the reader's language (the catalogues', never the
    system locale's)."""
    return [tr(f"month.short.{n}") for n in range(1, 13)]


def day(tr: Tr, moment: datetime, zone: str) -> str:
    """ "1 nov. 2020": the local day of an aware moment, in the reader's language."""
    local = moment.astimezone(ZoneInfo(zone))
    return tr("chart.day", day=local.day, month=tr(f"month.short.{local.month}"), year=local.year)


# ------------------------------------------------------------------ results and specs
@dataclass(frozen=True)
class Chart:
    """A drawn chart: what `attachment` sends, and what an HTML report embeds."""

    png: bytes
    description: str
    filename: str
    width: int = 0
    height: int = 0


@dataclass(frozen=True)
class Span:
    """One row of a timeline: a phase from its start to its end."""

    label: str
    starts_at: datetime
    ends_at: datetime
    state: State
    dates: str = ""  # "1 nov. – 31 déc.", written on the bar when it fits


@dataclass(frozen=True)
class Timeline:
    """Rows of spans over months (ticks in `months`, dates in `zone`), `today` marked."""

    title: str
    spans: Sequence[Span]
    today: datetime
    zone: str
    months: Sequence[str]
    today_label: str
    legend: dict[str, str]  # state -> its name, in the order shown
    filename: str
    description: str

    @property
    def size(self) -> tuple[int, int]:
        return WIDTH, 170 + 56 * max(len(self.spans), 1)


@dataclass(frozen=True)
class Panel:
    """Stacked horizontal bars, one per category, one segment per series."""

    title: str
    series: Sequence[str]
    values: Sequence[Sequence[int]]  # [category][series]
    muted: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class StackedBars:
    """Panels side by side sharing their categories (rows), e.g. themes."""

    title: str
    categories: Sequence[str]
    panels: Sequence[Panel]
    filename: str
    description: str

    @property
    def size(self) -> tuple[int, int]:
        return WIDTH, 200 + 44 * max(len(self.categories), 1)


@dataclass(frozen=True)
class Band:
    """A range bars are read against (a group's size bounds): shaded from `low` to `high`,
    a dashed line at each end, named in the legend."""

    low: float
    high: float
    label: str


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a segment per series; `note` is written past its end (its
    total when empty)."""

    label: str
    values: Sequence[int]
    note: str = ""


@dataclass(frozen=True)
class BarSection:
    """Bars headed together (the groups of one region)."""

    label: str
    bars: Sequence[Bar]


@dataclass(frozen=True)
class GroupedBars:
    """Horizontal bars in headed sections, each stacked by series, against an optional
    band (e.g. the proposed groups by region, their sizes against the bounds)."""

    title: str
    series: Sequence[str]
    sections: Sequence[BarSection]
    filename: str
    description: str
    band: Band | None = None
    muted: frozenset[int] = field(default_factory=frozenset)
    axis: str = ""  # what the bars count

    @property
    def size(self) -> tuple[int, int]:
        bars = sum(len(s.bars) for s in self.sections)
        return WIDTH, 190 + 40 * max(bars, 1) + 36 * len(self.sections)


@dataclass(frozen=True)
class Columns:
    """Series over ordered categories (months): stacked in columns, or drawn as lines
    (one marker shape per series as well as one colour)."""

    title: str
    categories: Sequence[str]
    series: Sequence[str]
    values: Sequence[Sequence[float]]  # [series][category]
    filename: str
    description: str
    lines: bool = False
    axis: str = ""
    muted: frozenset[int] = field(default_factory=frozenset)

    @property
    def size(self) -> tuple[int, int]:
        return WIDTH, 560


Spec = Timeline | StackedBars | GroupedBars | Columns


def fold(
    series: Sequence[str], values: Sequence[Sequence[int]], keep: int, other: str
) -> tuple[list[str], list[list[int]]]:
    """At most `keep` series, the largest overall; the rest summed as `other` (last)."""
    if len(series) <= keep:
        return list(series), [list(v) for v in values]
    totals = [sum(row[i] for row in values) for i in range(len(series))]
    kept = sorted(sorted(range(len(series)), key=lambda i: (-totals[i], i))[: keep - 1])
    folded = [i for i in range(len(series)) if i not in kept]
    rows = [[row[i] for i in kept] + [sum(row[i] for i in folded)] for row in values]
    return [series[i] for i in kept] + [other], rows
