"""What invitations look like: the card a member is sent (and finds again with `/group
invitations`), the list of their own invitations, and the organisers' `/groups status`.

Member lists are split between two mentions, never inside one, over as many fields and
embeds as they need (bot/groups/posts.py `spread` and `bundle`); a reason a member typed
is quoted as an excerpt.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.groups import consent
from bot.groups import posts as cards
from bot.groups import rules as composition
from bot.kit import charts, ui
from bot.kit.charts import Bar, GroupedBars
from bot.kit.i18n import Tr
from bot.kit.text import excerpt, pack
from storage.models import Invitation, Theme, WorkGroup

if TYPE_CHECKING:
    from bot.groups.invitations import Sent

REASON_QUOTE = 100
BLOCK = 900  # room for one state's mentions in a field, its heading beside it
CLOSED_MARK = " 📪"
STATUS_PICTURE = "groups-status.png"


def card(
    tr: Tr, guild_name: str, theme: Theme, group: WorkGroup, invitation: Invitation
) -> discord.Embed:
    """The group's card: its name, theme, where it meets, who runs it, and the answer
    asked for (or given)."""
    lines = [
        tr("invitation.card.intro", guild=guild_name, name=group.name, emoji=theme.emoji,
           theme=theme.title),
        cards.place(tr, group),
        cards.roles_line(tr, group),
        "",
    ]  # fmt: skip
    if invitation.invited_by is not None:
        lines.append(tr("invitation.card.by", by=cards.mention(invitation.invited_by)))
    if invitation.state == consent.PENDING:
        lines += [
            tr("invitation.card.deadline", deadline=ui.timestamp(invitation.deadline)),
            tr("invitation.card.how"),
        ]
    else:
        lines.append(answered_line(tr, group, invitation))
    return ui.embed(tr("invitation.card.title", name=group.name), "\n".join(lines))


def answered_line(tr: Tr, group: WorkGroup, invitation: Invitation) -> str:
    when = ui.timestamp(invitation.answered_at or invitation.deadline)
    channel = ui.channel_mention(group.channel_id) or "—"
    return tr(f"invitation.card.{invitation.state}", when=when, channel=channel)


def mine(
    tr: Tr, guild_name: str, rows: Sequence[tuple[Invitation, WorkGroup, Theme]]
) -> tuple[list[tuple[Invitation, discord.Embed]], discord.Embed | None]:
    """A member's invitations: a card for each pending one (the caller adds its buttons),
    and one embed listing those already answered."""
    pending = [
        (invitation, card(tr, guild_name, theme, group, invitation))
        for invitation, group, theme in rows
        if invitation.state == consent.PENDING
    ]
    answered = [
        f"{theme.emoji} **{group.name}** — {answered_line(tr, group, invitation)}"
        for invitation, group, theme in rows
        if invitation.state != consent.PENDING
    ]
    if not answered:
        return pending, None
    return pending, ui.embed(tr("invitation.mine.answered"), "\n".join(answered)[:4096])


# ------------------------------------------------------------------ the organisers' view
def _state_lines(heading: str, tokens: Sequence[str], sep: str = ", ") -> list[str]:
    if not tokens:
        return []
    blocks = pack(tokens, BLOCK, sep)
    joint = "\n" if sep == "\n" else " "
    return [f"{heading}{joint}{blocks[0]}", *blocks[1:]]


def group_lines(tr: Tr, group: WorkGroup, answers: consent.Answers) -> list[str]:
    """One group's answers, state by state."""
    if group.status != "published":
        return [tr("invitation.status.proposed", count=len(answers.accepted))]
    pending = [cards.mention(p.member_id) + (CLOSED_MARK if p.dm_closed else "")
               for p in answers.pending]  # fmt: skip
    declined = [
        cards.mention(d.member_id)
        + (" — « " + excerpt(d.reason, REASON_QUOTE) + " »" if d.reason else "")
        for d in answers.declined
    ]
    lines = _state_lines(
        tr("invitation.status.accepted", count=len(answers.accepted)),
        [cards.mention(m) for m in answers.accepted],
    )
    lines += _state_lines(tr("invitation.status.pending", count=len(pending)), pending)
    lines += _state_lines(tr("invitation.status.declined", count=len(declined)), declined, "\n")
    lines += _state_lines(
        tr("invitation.status.expired", count=len(answers.expired)),
        [cards.mention(m) for m in answers.expired],
    )
    return lines or [tr("groups.card.no_members")]


def status(
    tr: Tr, theme: Theme, rows: Sequence[tuple[WorkGroup, consent.Answers]], summary: str
) -> list[list[discord.Embed]]:
    """The theme's groups, each with who accepted, who has not answered yet (📪: their
    DMs are closed), who declined and why, and who let the deadline pass."""
    first = ui.embed(tr("invitation.status.title", emoji=theme.emoji, title=theme.title), summary)
    fields: list[cards.Field] = []
    for group, answers in rows:
        name = tr("invitation.status.field", name=group.name, count=answers.seats)
        blocks = pack(group_lines(tr, group, answers), cards.FIELD_VALUE, "\n")
        fields.append((name[: cards.FIELD_NAME], blocks[0]))
        continued = tr("groups.card.continued", name=group.name)[: cards.FIELD_NAME]
        fields += [(continued, block) for block in blocks[1:]]
    return cards.bundle(cards.spread(first, fields))


def summary(tr: Tr, mode: str, rows: Sequence[tuple[WorkGroup, consent.Answers]]) -> str:
    # a proposal's members are not in a group yet: only published groups are counted
    every = consent.total(answers for group, answers in rows if group.status == "published")
    lines = [
        tr("invitation.status.summary", count=len(rows), accepted=len(every.accepted),
           pending=len(every.pending), declined=len(every.declined),
           expired=len(every.expired)),
    ]  # fmt: skip
    if every.dm_closed:
        lines.append(tr("invitation.status.dm_closed", count=every.dm_closed,
                        mark=CLOSED_MARK.strip()))  # fmt: skip
    lines.append(tr("invitation.status.next"))
    if mode == consent.DIRECT:
        lines.append(tr("invitation.status.direct"))
    return "\n".join(lines)


def invited_text(tr: Tr, sent: Sent) -> str:
    """The invitations a command sent: by DM, refused (DMs closed), waiting for Discord."""
    if not sent.sent + sent.closed + sent.waiting:
        return tr("invitation.nothing_sent")
    lines = []
    if sent.deadline is not None:
        lines.append(tr("invitation.sent", count=sent.sent, deadline=ui.timestamp(sent.deadline)))
    if sent.closed:
        lines.append(tr("invitation.dm_closed", count=sent.closed))
    if sent.waiting:
        lines.append(tr("invitation.dm_waiting", count=sent.waiting))
    lines.append(tr("invitation.follow"))
    return "\n".join(lines)


def status_picture(
    tr: Tr,
    theme: Theme,
    rows: Sequence[tuple[WorkGroup, consent.Answers]],
    bounds: composition.Bounds,
) -> GroupedBars | None:
    """Per group, by region: accepted, not answered yet, declined (with those who let the
    deadline pass, when any did) stacked; its places (accepted and not answered: the
    size while answers come in) written at the end, against the bounds."""
    if not rows:
        return None
    expired = any(answers.expired for _group, answers in rows)
    bars, lines = [], []
    for group, answers in rows:
        refused = len(answers.declined) + len(answers.expired)
        values = [len(answers.accepted), len(answers.pending), refused]
        note, remark = cards.out_of_bounds(tr, answers.seats, bounds)
        bars.append(
            (group, Bar(charts.clean_label(group.name), values, note or str(answers.seats)))
        )
        lines.append(tr(
            "groups.picture.status_group", name=group.name, region=cards.region_of(tr, group),
            accepted=len(answers.accepted), pending=len(answers.pending),
            declined=len(answers.declined), expired=len(answers.expired), seats=answers.seats,
            bounds=remark,
        ))  # fmt: skip
    head = tr("groups.picture.status_head", title=theme.title, count=len(rows),
              min=bounds.min_size, max=bounds.max_size)  # fmt: skip
    series = [tr("groups.picture.accepted"), tr("groups.picture.pending"),
              tr("groups.picture.declined_expired" if expired else "groups.picture.declined")]  # fmt: skip
    return GroupedBars(
        title=charts.clean_label(tr("groups.picture.status_title", title=theme.title), 80),
        series=series,
        sections=cards.sections(tr, bars),
        filename=STATUS_PICTURE,
        description=charts.alt_text(head, lines, lambda n: tr("chart.more", count=n)),
        band=cards.band(tr, bounds),
        muted=frozenset({2}),
        axis=tr("groups.picture.axis"),
    )
