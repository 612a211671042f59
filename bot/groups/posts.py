"""What working groups look like in messages: the preview, the info card, the welcome.

Discord refuses an embed field over 1024 characters, more than 25 fields, more than
10 embeds or 6000 characters per message. Long member lists are therefore split
between two mentions, never inside one, over as many fields, embeds and messages as
they need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import discord

from bot.groups import rules as composition
from bot.kit import charts, ui
from bot.kit.charts import Band, Bar, BarSection, GroupedBars
from bot.kit.i18n import Tr
from bot.kit.text import excerpt, pack
from storage.models import GroupGuest, Phase, Theme, WorkGroup

if TYPE_CHECKING:
    from bot.groups.objects import Outcome
    from bot.groups.service import Inputs

FIELD_VALUE, FIELD_NAME, EMBED_FIELDS, MESSAGE_EMBEDS, MESSAGE_CHARS = 1024, 256, 25, 10, 6000
WELCOME_MEMBER_FIELDS = 3
PROPOSAL_PICTURE = "groups-proposed.png"
IN_PERSON_WISH = " 📍"
Field = tuple[str, str]


def mention(member_id: int | None) -> str:
    return f"<@{member_id}>" if member_id else "—"


def place(tr: Tr, group: WorkGroup) -> str:
    if group.mode == "online":
        return tr("groups.place.online")
    if group.office and group.region and group.office != group.region:
        where = f"{group.office} ({group.region})"
    else:
        where = group.office or group.region or "—"
    return tr("groups.place.in_person", where=where)


def roles_line(tr: Tr, group: WorkGroup) -> str:
    return tr(
        "groups.card.roles",
        facilitator=mention(group.facilitator_id),
        secretary=mention(group.secretary_id),
    )


def member_fields(
    tr: Tr, group: WorkGroup, members: Sequence[int], header: str, marks: Mapping[int, str]
) -> list[Field]:
    """The group as fields: a header, then its members, continued as long as needed."""
    tokens = [mention(m) + marks.get(m, "") for m in members]
    room = FIELD_VALUE - len(header) - 1
    blocks = pack(tokens, room, ", ") or [tr("groups.card.no_members")]
    name = tr("groups.card.field", name=group.name, size=len(members))[:FIELD_NAME]
    fields = [(name, f"{header}\n{blocks[0]}" if header else blocks[0])]
    continued = tr("groups.card.continued", name=group.name)[:FIELD_NAME]
    fields += [(continued, block) for block in blocks[1:]]
    return fields


def spread(first: discord.Embed, fields: Sequence[Field]) -> list[discord.Embed]:
    """Fields over as many embeds as needed (25 fields and 6000 characters each)."""
    embeds = [first]
    for name, value in fields:
        embed = embeds[-1]
        if len(embed.fields) >= EMBED_FIELDS or len(embed) + len(name) + len(value) > MESSAGE_CHARS:
            embed = discord.Embed(colour=ui.COLOUR)
            embeds.append(embed)
        embed.add_field(name=name, value=value, inline=False)
    return embeds


def bundle(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds into messages: 10 per message and 6000 characters for all of them."""
    messages: list[list[discord.Embed]] = []
    total = 0
    for embed in embeds:
        if (
            not messages
            or len(messages[-1]) >= MESSAGE_EMBEDS
            or total + len(embed) > MESSAGE_CHARS
        ):
            messages.append([])
            total = 0
        messages[-1].append(embed)
        total += len(embed)
    return messages


def unplaced_lines(
    tr: Tr, unplaced: Sequence[composition.Unplaced], cap: int, existing: Mapping[int, int]
) -> list[str]:
    """Each voter left out, with the reason and so what organisers can do about it."""
    lines = []
    for waiting in unplaced:
        if waiting.reason == composition.CAP_REACHED:
            count = existing.get(waiting.member_id, cap)
            text = tr("groups.unplaced.cap_reached", count=count, cap=cap)
        elif waiting.reason == "other_theme":
            text = tr("groups.unplaced.other_theme")
        else:
            text = tr("groups.unplaced.too_few")
        lines.append(f"{mention(waiting.member_id)} — {text}")
    return lines


def preview(
    tr: Tr,
    theme: Theme,
    rows: Sequence[tuple[WorkGroup, Sequence[int]]],
    unplaced: Sequence[str],
    summary: str,
    marks: Mapping[int, str],
) -> list[list[discord.Embed]]:
    """The proposal as organisers check it before publishing."""
    first = ui.embed(tr("groups.preview.title", emoji=theme.emoji, title=theme.title), summary)
    fields: list[Field] = []
    for group, members in rows:
        header = f"{place(tr, group)}\n{roles_line(tr, group)}"
        fields += member_fields(tr, group, members, header, marks)
    if unplaced:
        title = tr("groups.preview.unplaced", count=len(unplaced))[:FIELD_NAME]
        fields += [(title, block) for block in pack(unplaced, FIELD_VALUE, "\n")]
    return bundle(spread(first, fields))


def proposal_preview(
    tr: Tr,
    theme: Theme,
    rows: Sequence[tuple[WorkGroup, Sequence[int]]],
    proposal: composition.Proposal,
    inputs: Inputs,
    bounds: composition.Bounds,
    cap: int,
) -> list[list[discord.Embed]]:
    """The preview as organisers check it: the summary, each group, who is left out and why."""
    in_person = {r.member_id for r in inputs.respondents if r.mode == "in_person"}
    marks = {
        m: IN_PERSON_WISH
        for group in proposal.groups
        if group.mode == "online"
        for m in group.members
        if m in in_person
    }
    lines = [
        tr(
            "groups.preview.summary",
            voters=len(inputs.voters(theme.id)),
            placed=sum(g.size for g in proposal.groups),
            count=len(proposal.groups),
            min=bounds.min_size,
            max=bounds.max_size,
            unplaced=len(proposal.unplaced),
        )
    ]
    if not proposal.groups:
        lines.append(tr("groups.preview.none", min=bounds.min_size))
    if marks:
        lines.append(tr("groups.preview.legend", mark=IN_PERSON_WISH.strip()))
    lines.append(tr("groups.preview.next"))
    unplaced = unplaced_lines(tr, proposal.unplaced, cap, inputs.existing)
    return preview(tr, theme, rows, unplaced, "\n".join(lines), marks)


def info(
    tr: Tr,
    rows: Sequence[tuple[WorkGroup, Theme, Sequence[int]]],
    guests: Mapping[int, Sequence[GroupGuest]],
) -> list[list[discord.Embed]]:
    """One embed per group: theme, place, who runs it, where it meets, who is in it,
    and its guests apart (they are not members), each with the end of their stay."""
    embeds: list[discord.Embed] = []
    for group, theme, members in rows:
        where = (
            tr("groups.info.channel", channel=ui.channel_mention(group.channel_id))
            if group.status == "published" and group.channel_id
            else tr("groups.info.proposed")
        )
        lines = [
            tr("groups.info.theme", emoji=theme.emoji, title=theme.title),
            place(tr, group),
            roles_line(tr, group),
            where,
        ]
        card = ui.embed(group.name, "\n".join(lines))
        fields = member_fields(tr, group, members, "", {})
        embeds += spread(card, fields + guest_fields(tr, guests.get(group.id, ())))
    return bundle(embeds)


def guest_fields(tr: Tr, guests: Sequence[GroupGuest]) -> list[Field]:
    """ "Guests (2)": each guest, until when, and why they come (an excerpt)."""
    if not guests:
        return []
    lines = [
        tr("groups.info.guest", guest=mention(g.member_id), until=ui.timestamp(g.until))
        + (f" — {excerpt(g.note, 80)}" if g.note else "")
        for g in guests
    ]
    name = tr("groups.info.guests", count=len(guests))[:FIELD_NAME]
    return [(name, block) for block in pack(lines, FIELD_VALUE, "\n")]


def welcome(
    tr: Tr, theme: Theme, group: WorkGroup, members: Sequence[int], phases: Sequence[Phase]
) -> discord.Embed:
    """The pinned first post of a group channel: who runs it and the cycle's calendar."""
    lines = [
        tr(
            "groups.welcome.intro",
            name=group.name,
            emoji=theme.emoji,
            theme=theme.title,
            place=place(tr, group),
        ),
        roles_line(tr, group),
    ]
    if group.facilitator_id is None or group.secretary_id is None:
        lines.append(tr("groups.welcome.roles_missing"))
    lines += ["", tr("groups.welcome.calendar")]
    lines += [
        tr(
            "groups.welcome.phase",
            phase=tr(f"phase.{phase.key}.name"),
            start=ui.timestamp(phase.starts_at),
            end=ui.timestamp(phase.ends_at),
        )
        for phase in phases
    ]
    card = ui.embed(tr("groups.welcome.title", name=group.name), "\n".join(lines)[:4096])
    # room for "+N more" at the end, should the list outgrow the fields kept for it
    blocks = pack([mention(m) for m in members], FIELD_VALUE - 40, ", ")
    shown = blocks[:WELCOME_MEMBER_FIELDS] or [tr("groups.card.no_members")]
    hidden = len(members) - sum(block.count("<@") for block in shown)
    if hidden > 0:
        shown[-1] += ", " + tr("groups.welcome.more", count=hidden)
    title = tr("groups.info.members", count=len(members))
    for block in shown:
        card.add_field(name=title, value=block, inline=False)
    return card


def published_text(
    tr: Tr, theme: Theme, rows: Sequence[WorkGroup], outcome: Outcome, invited: bool = False
) -> str:
    """What `/groups publish` did; `invited`: the members are invited (consent), so no
    role was given yet."""
    channels = ", ".join(ui.channel_mention(r.channel_id) or "—" for r in rows)
    done = outcome.channels + outcome.roles + outcome.grants + outcome.welcomes
    if not done + outcome.revoked + outcome.waiting:
        text = tr("groups.published.nothing", count=len(rows), title=theme.title)
    else:
        text = tr(
            "groups.published.invited" if invited else "groups.published",
            count=len(rows),
            title=theme.title,
            channels=outcome.channels,
            roles=outcome.roles,
            grants=outcome.grants,
            welcomes=outcome.welcomes,
        )
    text += "\n" + channels
    if outcome.revoked:
        text += "\n" + tr("groups.published.revoked", count=outcome.revoked)
    if outcome.gone:
        gone = " ".join(mention(m) for m in outcome.gone)
        text += "\n" + tr("groups.published.gone", members=gone)
    if outcome.waiting:
        text += "\n" + tr("groups.published.waiting", count=outcome.waiting)
    return text


# ------------------------------------------------------------------ the picture
def region_of(tr: Tr, group: WorkGroup) -> str:
    """The heading a group's bar goes under: its region (or office), or online."""
    if group.mode == "online":
        return tr("groups.picture.online")
    return group.region or group.office or tr("groups.picture.no_region")


def sections(tr: Tr, bars: Sequence[tuple[WorkGroup, Bar]]) -> list[BarSection]:
    """Bars under their region's heading, regions in the order of their first group
    (the proposal's order: in person first, online last)."""
    found: dict[str, list[Bar]] = {}
    for group, bar in bars:
        found.setdefault(region_of(tr, group), []).append(bar)
    return [BarSection(charts.clean_label(label), rows) for label, rows in found.items()]


def out_of_bounds(tr: Tr, size: int, bounds: composition.Bounds) -> tuple[str, str]:
    """The bar's note and the alt text's remark for a size outside the bounds."""
    if size < bounds.min_size:
        return (tr("groups.picture.below", size=size, min=bounds.min_size),
                tr("groups.picture.out.below", min=bounds.min_size))  # fmt: skip
    if size > bounds.max_size:
        return (tr("groups.picture.above", size=size, max=bounds.max_size),
                tr("groups.picture.out.above", max=bounds.max_size))  # fmt: skip
    return "", ""


def band(tr: Tr, bounds: composition.Bounds) -> Band:
    label = tr("groups.picture.bounds", min=bounds.min_size, max=bounds.max_size)
    return Band(bounds.min_size, bounds.max_size, label)


def proposal_picture(
    tr: Tr,
    theme: Theme,
    rows: Sequence[tuple[WorkGroup, Sequence[int]]],
    bounds: composition.Bounds,
) -> GroupedBars | None:
    """The proposed groups by region, each one's size against the bounds; None when
    nothing was proposed."""
    if not rows:
        return None
    bars, lines = [], []
    for group, members in rows:
        note, remark = out_of_bounds(tr, len(members), bounds)
        bars.append((group, Bar(charts.clean_label(group.name), [len(members)], note)))
        lines.append(tr("groups.picture.group", name=group.name, region=region_of(tr, group),
                        count=len(members), bounds=remark))  # fmt: skip
    head = tr("groups.picture.head", title=theme.title, count=len(rows), min=bounds.min_size,
              max=bounds.max_size)  # fmt: skip
    return GroupedBars(
        title=charts.clean_label(tr("groups.picture.title", title=theme.title), 80),
        series=[tr("groups.picture.members")],
        sections=sections(tr, bars),
        filename=PROPOSAL_PICTURE,
        description=charts.alt_text(head, lines, lambda n: tr("chart.more", count=n)),
        band=band(tr, bounds),
        axis=tr("groups.picture.axis"),
    )
