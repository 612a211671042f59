"""Previews split long member lists between mentions and stay within Discord's limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.groups import posts as cards
from bot.kit.i18n import Catalog
from storage.models import Theme, WorkGroup

MENTION = re.compile(r"<@(\d+)>")
NOW = datetime(2020, 11, 20, 10, 0, tzinfo=UTC)


def test_preview_never_cuts_a_name_and_keeps_within_discord_limits() -> None:
    tr = Catalog.load().bind("en")
    theme = Theme(
        id=1, guild_id=1, cycle_id=1, title="T", emoji="1️⃣", created_at=NOW, updated_at=NOW
    )
    first_id = 10**18

    def group(n: int, size: int, mode: str = "in_person") -> tuple[WorkGroup, list[int]]:
        row = WorkGroup(
            id=n, guild_id=1, cycle_id=1, theme_id=1, name=f"Ouest {n}", mode=mode,
            office="Rennes", region="Ouest", facilitator_id=first_id + n * 1000,
            created_at=NOW, updated_at=NOW,
        )  # fmt: skip
        return row, [first_id + n * 1000 + i for i in range(size)]

    rows = [group(0, 150, "online"), *(group(n, 12) for n in range(1, 300))]
    waiting = [f"<@{first_id - i}> — too few" for i in range(200)]
    messages = cards.preview(tr, theme, rows, waiting, "summary", {})
    assert len(messages) > 1
    values: list[str] = []
    for embeds in messages:
        assert 1 <= len(embeds) <= 10 and sum(len(e) for e in embeds) <= 6000
        for embed in embeds:
            assert len(embed.fields) <= 25
            for f in embed.fields:
                assert len(f.name or "") <= 256 and len(f.value or "") <= 1024
                assert not re.search(r"<@\d*$|^\d*>", f.value or "")  # no mention cut
                values.append(f.value or "")
    found = [int(m) for m in MENTION.findall("\n".join(values))]
    members = [m for _, ms in rows for m in ms]
    assert set(found) == set(members) | {first_id - i for i in range(200)}
    names = [f.name for f in messages[0][0].fields[:3]]
    assert names == ["Ouest 0 · 150 member(s)", "Ouest 0 (continued)", "Ouest 0 (continued)"]
