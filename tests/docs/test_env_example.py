"""`.env.example` lists every setting of the README's configuration table (set, or
commented out with an example), and nothing the table does not explain."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def table_variables() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", section, re.M)


def example_variables() -> list[str]:
    text = (ROOT / ".env.example").read_text("utf-8")
    return re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", text, re.M)


def test_the_example_lists_every_setting_of_the_readme() -> None:
    table = table_variables()
    assert "DISCORD_TOKEN" in table and "SIPBOT_HTTP_PORT" in table
    assert sorted(set(example_variables())) == sorted(table)
