"""The README's permissions are the invite's: the integer in its heading and in the link
built by hand, and one table row per permission the bot asks for, in the same order,
named as Discord names them."""

from __future__ import annotations

import re
from pathlib import Path

from bot.kit.i18n import Catalog
from bot.kit.permissions import REQUIRED, required_permissions

README = Path(__file__).resolve().parents[2] / "README.md"


def section() -> str:
    text = README.read_text("utf-8")
    start = text.index("### Permissions the bot needs")
    return text[start : text.index("\n## ", start)]


def test_the_heading_and_the_hand_built_link_carry_the_invites_integer() -> None:
    value = required_permissions().value
    text = README.read_text("utf-8")
    assert f"### Permissions the bot needs (integer {value})" in text
    links = re.findall(r"permissions=(\d+)", text)
    assert links and set(links) == {str(value)}


def test_the_table_lists_every_permission_asked_for_in_order() -> None:
    catalog = Catalog.load()
    rows = [line for line in section().splitlines() if line.startswith("| ")][1:]
    named = [row.split("|")[1].strip() for row in rows]
    assert named == [catalog.text("en", f"permname.{name}") for name in REQUIRED]
