"""Charts: pictures beside the texts that carry the same numbers.

A feature builds a spec in the reader's language with its alt text (model.py: `Timeline`,
`StackedBars`, `Panel`, `Span`; `GroupedBars` of `BarSection`s of `Bar`s against a `Band`;
`Columns` stacked or as lines; `clean_label` for titles with emoji, `alt_text` for the
description listing the figures, `day` and `month_names` from the catalogues), then
`chart = await charts.draw(spec)` (run.py: one worker thread, a 5 s budget, None when
it did not come) and sends `files=charts.attachments(chart)` with its text. drawing.py
(and bars.py) draw with matplotlib and is imported inside the worker only, so start-up never loads
matplotlib. An HTML or PDF report embeds the same `Chart` (bot/kit/documents/).
"""

from bot.kit.charts.model import (
    CARD,
    DESCRIPTION_LIMIT,
    INK,
    PALETTE,
    Band,
    Bar,
    BarSection,
    Chart,
    Columns,
    GroupedBars,
    Panel,
    Span,
    Spec,
    StackedBars,
    Timeline,
    alt_text,
    clean_label,
    contrast,
    day,
    fold,
    month_names,
)  # fmt: skip
from bot.kit.charts.run import BUDGET, attachment, attachments, draw, render

__all__ = [
    "BUDGET", "CARD", "DESCRIPTION_LIMIT", "INK", "PALETTE", "Band", "Bar", "BarSection", "Chart",
    "Columns", "GroupedBars", "Panel", "Span", "Spec",
    "StackedBars", "Timeline", "alt_text", "attachment", "attachments", "clean_label",
    "contrast", "day", "draw", "fold", "month_names", "render",
]  # fmt: skip
