"""A report people open: one self-contained HTML file (and a PDF) built from sections.

Modules: model.py (the sections), html.py, pdf.py. A feature lists its `Document`'s
sections, already in the guild's language: headings, paragraphs, Markdown (the report's
own text, rendered by markdown-it-py), tables and pictures (a drawn `Chart`). `html(document)` writes one file that needs nothing else:
charts are embedded as `data:` URIs, the style sheet is inline, a Content-Security-Policy
forbids scripts and every fetch, and it prints well (A4 margins, each chapter, a level-1
heading, on a new page, no picture or table row split across pages, table headers
repeated). `pdf(document)` (pdf.py, fpdf2) writes the same sections as a PDF.
`attachments(document, stem)` gives both as Discord files, made in a worker thread.

Safety: Jinja2 escapes every text (autoescape on); Markdown is rendered with raw HTML
off (`<script>` in a title shows as text) and without images (a report never fetches
anything, in a browser or in the PDF writer); links keep markdown-it's check, which
refuses `javascript:` and `data:` targets. Jinja2 and markdown-it are imported when a
report is made, not at start-up.
"""

from __future__ import annotations

import asyncio
import io

import discord

from bot.kit.documents.html import html
from bot.kit.documents.model import (
    Cell,
    Document,
    Heading,
    Markdown,
    Paragraph,
    Picture,
    Section,
    Table,
)
from bot.kit.documents.pdf import pdf

__all__ = [
    "Cell", "Document", "Heading", "Markdown", "Paragraph", "Picture", "Section", "Table",
    "attachments", "files", "html", "pdf",
]  # fmt: skip


def files(document: Document, stem: str, with_pdf: bool = True) -> list[discord.File]:
    """`stem.html`, and `stem.pdf` unless asked not to."""
    made = [discord.File(io.BytesIO(html(document).encode("utf-8")), filename=f"{stem}.html")]
    if with_pdf:
        made.append(discord.File(io.BytesIO(pdf(document)), filename=f"{stem}.pdf"))
    return made


async def attachments(document: Document, stem: str, with_pdf: bool = True) -> list[discord.File]:
    """`files`, written in a worker thread: the bot keeps answering meanwhile."""
    return await asyncio.to_thread(files, document, stem, with_pdf)
