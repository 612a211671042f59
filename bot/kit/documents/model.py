"""The sections a document is made of, already in the reader's language (pure data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.kit.charts.model import Chart

Cell = str | int | float | None


@dataclass(frozen=True)
class Heading:
    """Level 1 is a chapter (a new page when printed); level 2 and 3 are inside one."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Markdown:
    """Markdown as the report writes it (CommonMark with tables)."""

    text: str


@dataclass(frozen=True)
class Table:
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    caption: str = ""


@dataclass(frozen=True)
class Picture:
    """A drawn chart; its description is the image's alt text in both files."""

    chart: Chart
    caption: str = ""


Section = Heading | Paragraph | Markdown | Table | Picture


@dataclass(frozen=True)
class Document:
    title: str
    language: str  # "fr", "en", "nl": the html element's lang, the PDF's language
    sections: Sequence[Section] = field(default_factory=list)
    subtitle: str = ""


def cell_text(value: Cell) -> str:
    return "" if value is None else str(value)
