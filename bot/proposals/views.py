"""What `/proposal list` shows: the proposals in the rules' order, each with its status,
its endorsements and a link to its post; where a merged one went."""

from __future__ import annotations

from collections.abc import Sequence

from bot.kit import ui
from bot.kit.i18n import Tr
from bot.kit.text import cut
from bot.proposals import rules
from bot.proposals.service import Call
from storage.models import Proposal


def state_line(tr: Tr, found: Call) -> str:
    """Whether proposals are taken now, and why."""
    if found.call.mode != rules.CALENDAR:
        return tr(f"proposal.list.by_hand.{found.call.mode}")
    if found.window is None:
        return tr("proposal.list.no_phase")
    start, end = (ui.timestamp(moment) for moment in found.window)
    key = "proposal.list.calendar.open" if found.accepting else "proposal.list.calendar.closed"
    return tr(key, start=start, end=end)


def list_lines(
    tr: Tr,
    proposals: Sequence[Proposal],
    counts: dict[int, int],
    cycle_name: str,
    every: Sequence[Proposal] = (),
) -> list[str]:
    """`proposals` in the rules' order; `every` proposal of the cycle names where a merged
    one went, even when the list shows only some."""
    by_id = {p.id: p for p in [*every, *proposals]}
    order = rules.ordered([rules.Listed(p.id, p.status, counts.get(p.id, 0)) for p in proposals])
    lines = [tr("proposal.list.title", cycle=cycle_name, count=len(proposals))]
    for listed in order:
        proposal = by_id[listed.id]
        line = tr(
            "proposal.list.line", title=proposal.title, status=tr(f"proposal.status.{listed.status}"),
            endorsements=listed.endorsements, post=ui.channel_mention(proposal.thread_id) or "—",
        )  # fmt: skip
        into = by_id.get(proposal.merged_into_id or 0)
        if listed.status == "merged" and into is not None:
            line += " " + tr("proposal.list.into", title=cut(into.title, 60))
        lines.append(line)
    return lines
