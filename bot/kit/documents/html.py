"""The document as one self-contained HTML file (see the package's map for what it
guarantees)."""

from __future__ import annotations

import base64
import functools
from typing import TYPE_CHECKING, Any

from bot.kit.charts.model import INK, Chart
from bot.kit.documents.model import (
    Document,
    Heading,
    Markdown,
    Paragraph,
    Section,
    Table,
    cell_text,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


CSS = f"""
:root {{ color-scheme: light; }}
body {{ margin: 0; background: #FFFFFF; color: {INK};
  font: 16px/1.5 "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }}
main {{ max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }}
header {{ border-bottom: 2px solid #8C929B; margin-bottom: 1.5rem; }}
h1 {{ font-size: 2rem; margin: 0 0 .25rem; }}
.subtitle {{ color: #4A5059; margin: 0 0 1rem; }}
h2 {{ font-size: 1.5rem; margin: 2.5rem 0 .75rem; }}
h3, h4 {{ margin: 1.75rem 0 .5rem; }}
figure {{ margin: 1.5rem 0; }}
figure img {{ display: block; max-width: 100%; height: auto; }}
figcaption {{ font-size: .9rem; color: #4A5059; padding: .5rem 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: .95rem; }}
caption {{ text-align: left; font-weight: bold; padding-bottom: .4rem; }}
th, td {{ border: 1px solid #C9CCD1; padding: .35rem .6rem; text-align: left;
  vertical-align: top; }}
th {{ background: #EEF0F3; }}
td.number {{ text-align: right; font-variant-numeric: tabular-nums; }}
a {{ color: #0B5CAD; }}
@page {{ size: A4; margin: 18mm; }}
@media print {{
  body {{ font-size: 11pt; }}
  main {{ max-width: none; padding: 0; }}
  h2.chapter {{ break-before: page; }}
  h2.chapter.first {{ break-before: auto; }}
  h2, h3, h4 {{ break-after: avoid; }}
  figure, tr {{ break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  a {{ color: inherit; }}
}}
"""

POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

TEMPLATE = """<!DOCTYPE html>
<html lang="{{ language }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{ policy }}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<main>
<header>
<h1>{{ title }}</h1>
{% if subtitle %}<p class="subtitle">{{ subtitle }}</p>{% endif %}
</header>
{% for s in sections %}
{% if s.kind == "heading" %}
<h{{ s.level }}{% if s.classes %} class="{{ s.classes }}"{% endif %}>{{ s.text }}</h{{ s.level }}>
{% elif s.kind == "paragraph" %}
<p>{{ s.text }}</p>
{% elif s.kind == "markdown" %}
<div class="markdown">{{ s.html }}</div>
{% elif s.kind == "table" %}
<table>
{% if s.caption %}<caption>{{ s.caption }}</caption>{% endif %}
<thead><tr>{% for h in s.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in s.rows %}<tr>{% for cell in row %}{% if cell.number %}<td class="number">{{ cell.text }}</td>{% else %}<td>{{ cell.text }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}
</tbody>
</table>
{% elif s.kind == "picture" %}
<figure>
<img src="{{ s.src }}" alt="{{ s.alt }}" width="{{ s.width }}" height="{{ s.height }}">
{% if s.caption %}<figcaption>{{ s.caption }}</figcaption>{% endif %}
</figure>
{% endif %}
{% endfor %}
</main>
</body>
</html>
"""


@functools.cache
def _template() -> Any:
    from jinja2 import Environment

    return Environment(autoescape=True, keep_trailing_newline=True).from_string(TEMPLATE)


@functools.cache
def markdown() -> MarkdownIt:
    """CommonMark with tables, without raw HTML and without images."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def data_uri(chart: Chart) -> str:
    return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")


def _item(section: Section, first_chapter: bool) -> dict[str, Any]:
    from markupsafe import Markup

    if isinstance(section, Heading):
        level = min(max(section.level, 1), 3) + 1
        classes = ("chapter first" if first_chapter else "chapter") if level == 2 else ""
        return {"kind": "heading", "level": level, "classes": classes, "text": section.text}
    if isinstance(section, Paragraph):
        return {"kind": "paragraph", "text": section.text}
    if isinstance(section, Markdown):
        # markdown-it escapes the text itself (html off): its output is safe to insert
        return {"kind": "markdown", "html": Markup(markdown().render(section.text))}  # noqa: S704
    if isinstance(section, Table):
        rows = [
            [{"text": cell_text(c), "number": isinstance(c, int | float)} for c in row]
            for row in section.rows
        ]
        return {"kind": "table", "headers": section.headers, "rows": rows,
                "caption": section.caption}  # fmt: skip
    chart = section.chart
    return {"kind": "picture", "src": data_uri(chart), "alt": chart.description,
            "width": chart.width, "height": chart.height, "caption": section.caption}  # fmt: skip


def html(document: Document) -> str:
    """The whole report as one HTML document."""
    items, chapters = [], 0
    for section in document.sections:
        items.append(_item(section, first_chapter=chapters == 0))
        if isinstance(section, Heading) and section.level == 1:
            chapters += 1
    from markupsafe import Markup

    style = Markup(CSS)  # noqa: S704 - our own constant, inside <style> where escapes would break it
    page = _template().render(
        language=document.language,
        title=document.title,
        subtitle=document.subtitle,
        sections=items,
        css=style,
        policy=POLICY,
    )
    return str(page)
