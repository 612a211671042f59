"""Opening, tallying and closing interest polls (the Discord side of it)."""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.interest.votes import OpenPoll, VoteRecorder
from bot.kit import ui
from bot.kit.i18n import Tr
from storage import interest
from storage import themes as theme_store
from storage.models import InterestPoll, MemberProfile, Office, Theme
from storage.outbox import nonce

if TYPE_CHECKING:
    from bot.app import SipBot

log = logging.getLogger(__name__)
WAKER = "interest"
PROFILE_BUTTON = "sip:interest:profile"


@dataclass
class Tally:
    """Counts per theme, and per theme x region x mode."""

    voters: int = 0
    per_theme: Counter[int] = field(default_factory=Counter)
    per_region: dict[int, Counter[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(Counter)
    )
    without_profile: set[int] = field(default_factory=set)


def tally(
    votes: dict[int, set[int]], profiles: dict[int, MemberProfile], offices: dict[str, Office]
) -> Tally:
    result = Tally(voters=len(votes))
    for member, themes in votes.items():
        profile = profiles.get(member)
        office = offices.get(profile.office) if profile and profile.office else None
        region = office.region if office else "—"
        mode = profile.mode if profile and profile.mode else "unknown"
        if profile is None or profile.office is None or profile.mode is None:
            result.without_profile.add(member)
        for theme in themes:
            result.per_theme[theme] += 1
            result.per_region[theme][(region, mode)] += 1
    return result


def poll_card(
    tr: Tr, themes: list[Theme], deadline: datetime, closed: bool = False
) -> discord.Embed:
    lines = [tr("interest.poll.intro"), ""]
    for theme in themes:
        where = " · ".join(tr(f"country.{c}") for c in theme.country_list)
        link = f" — <#{theme.info_channel_id}>" if theme.info_channel_id else ""
        lines.append(f"{theme.emoji} **{theme.title}** ({where}){link}")
    lines += [
        "",
        tr(
            "interest.poll.closed" if closed else "interest.poll.deadline",
            deadline=ui.timestamp(deadline),
        ),
    ]
    return ui.embed(tr("interest.poll.title"), "\n".join(lines))


def profile_button(tr: Tr) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(label=tr("interest.poll.profile"), custom_id=PROFILE_BUTTON, emoji="🪪")
    )
    return view


def results_card(tr: Tr, themes: list[Theme], counts: Tally) -> discord.Embed:
    ordered = sorted(themes, key=lambda t: (-counts.per_theme[t.id], t.position))
    lines = [
        tr("interest.results.line", emoji=t.emoji, title=t.title, count=counts.per_theme[t.id])
        for t in ordered
    ]
    lines += [
        "",
        tr("interest.results.voters", count=counts.voters, without=len(counts.without_profile)),
    ]
    return ui.embed(tr("interest.results.title"), "\n".join(lines))


def export_csv(
    votes: dict[int, set[int]],
    profiles: dict[int, MemberProfile],
    offices: dict[str, Office],
    themes: dict[int, Theme],
    names: dict[int, str],
) -> bytes:
    """Semicolons and a BOM: what spreadsheet software in France and Belgium opens as is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            "member_id",
            "display_name",
            "themes",
            "office",
            "region",
            "mode",
            "facilitate",
            "take_notes",
        ]
    )
    for member in sorted(set(votes) | set(profiles)):
        profile = profiles.get(member)
        office = offices.get(profile.office) if profile and profile.office else None
        titles = sorted(themes[t].title for t in votes.get(member, set()) if t in themes)
        writer.writerow([
            str(member), names.get(member, ""), " | ".join(titles),
            profile.office if profile and profile.office else "", office.region if office else "",
            profile.mode if profile and profile.mode else "",
            "yes" if profile and profile.facilitate else "no", "yes" if profile and profile.take_notes else "no",
        ])  # fmt: skip
    return buffer.getvalue().encode("utf-8-sig")


class PollCloser:
    """The waker: closes polls whose deadline passed, once, even across processes."""

    def __init__(self, bot: SipBot, recorder: VoteRecorder) -> None:
        self.bot = bot
        self.services = bot.services
        self.recorder = recorder

    async def run_due(self) -> datetime | None:
        now = self.services.clock.now()
        async with self.services.db() as db:
            due = await interest.due_closings(db, now)
        for poll in due:
            await self.close(poll, now)
        async with self.services.db() as db:
            return await interest.next_closing_at(db)

    async def close(self, poll: InterestPoll, now: datetime) -> bool:
        async with self.services.db() as db, db.begin():
            if not await interest.claim_closing(db, poll.id, now):
                return False
            await interest.mark_closed(db, poll.id, now)
        open_poll = next((p for p in self.recorder.polls.values() if p.poll_id == poll.id), None)
        self.recorder.forget(poll.id)
        try:
            if open_poll is not None:
                await self.recorder.reconcile(open_poll)
            message_id = await self._post_results(poll)
        except (discord.Forbidden, discord.NotFound) as exc:
            # the channel was deleted or closed to the bot: retrying would never end;
            # the poll is closed all the same and /interest results shows the counts
            log.warning("poll %s closed, results not posted: Discord %s", poll.id, exc.status)
            async with self.services.db() as db, db.begin():
                await interest.finish_closing(db, poll.id, None)
            return True
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("closing poll %s: Discord failed (%s), will retry", poll.id, exc)
            async with self.services.db() as db, db.begin():
                await interest.release_closing(db, poll.id)
            return False
        async with self.services.db() as db, db.begin():
            await interest.finish_closing(db, poll.id, message_id)
        return True

    async def _post_results(self, poll: InterestPoll) -> int:
        config = await self.services.config(poll.guild_id)
        tr = self.services.public(config)
        themes, counts = await self.counts(poll)
        channel = self.bot.get_partial_messageable(poll.channel_id, guild_id=poll.guild_id)
        if poll.message_id is not None:
            try:
                await channel.get_partial_message(poll.message_id).edit(
                    embed=poll_card(tr, themes, poll.deadline, closed=True), view=None
                )
            except discord.NotFound:
                log.warning("poll %s message was deleted by hand", poll.id)
        message = await channel.send(
            embed=results_card(tr, themes, counts), nonce=nonce("ipc", poll.id)
        )
        return message.id

    async def counts(self, poll: InterestPoll) -> tuple[list[Theme], Tally]:
        async with self.services.db() as db:
            options = await interest.options_of(db, poll.id)
            themes = [
                t for t in [await theme_store.get(db, o.theme_id) for o in options] if t is not None
            ]
            votes = await interest.votes_of(db, poll.id)
            profiles = await interest.profiles(db, poll.guild_id)
            offices = await interest.offices_by_name(db, poll.guild_id)
        return themes, tally(votes, profiles, offices)


def as_open_poll(poll: InterestPoll, themes_by_emoji: dict[str, int]) -> OpenPoll:
    assert poll.id is not None and poll.message_id is not None  # noqa: S101
    return OpenPoll(
        poll.id, poll.guild_id, poll.channel_id, poll.message_id, poll.deadline, themes_by_emoji
    )
