"""Writing drafts: who may, what is stored, what the forum post shows.

Stored first, then shown: a draft whose post failed (or was deleted by hand) keeps
its versions, and the next revision or status change makes its post again. A status
change stores, with the status, the work item that makes the post's tag follow
(bot/drafts/jobs.py), then tries it at once and says whether Discord accepted it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.drafts import jobs, posts, rules
from bot.kit import forums, ui, work
from bot.kit.access import check_manager
from bot.kit.checks import member_is_organiser
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from storage import drafts as store
from storage import groups as group_store
from storage import setup as setup_store
from storage import themes
from storage.models import Draft, GuildConfig, Theme, WorkGroup

if TYPE_CHECKING:
    from bot.kit.host import Host

log = logging.getLogger(__name__)
TITLE_MAX = 100
LOCKED = frozenset({"submitted", *rules.FINAL})


@dataclass
class DraftContext:
    draft: Draft
    group: WorkGroup
    theme: Theme
    members: set[int]


def is_organiser(interaction: discord.Interaction, config: GuildConfig) -> bool:
    user = interaction.user
    return isinstance(user, discord.Member) and member_is_organiser(
        user, config, interaction.permissions
    )


def may_write(
    interaction: discord.Interaction, config: GuildConfig, group: WorkGroup, members: set[int]
) -> bool:
    """The group's members, its facilitator and secretary, organisers (SPEC §1)."""
    people = members | {group.facilitator_id, group.secretary_id}
    return interaction.user.id in people or is_organiser(interaction, config)


def check_title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise UserError("error.draft.title_empty")
    if len(cleaned) > TITLE_MAX:
        raise UserError("error.draft.title_long", length=len(cleaned), max=TITLE_MAX)
    return cleaned


def check_transition(tr: Tr, current: str, wanted: str, organiser: bool) -> None:
    """The domain's refusal, with status names as the reader knows them (the forum tags)."""
    try:
        rules.check_transition(current, wanted, organiser)
    except UserError as error:
        named = {
            key: tr(f"draft.status.{value}") if value in rules.STATUSES else value
            for key, value in error.params.items()
        }
        raise UserError(error.key, **named) from None


class DraftService:
    def __init__(self, bot: Host) -> None:
        self.bot = bot
        self.services = bot.services

    async def load(self, guild_id: int, draft_id: int) -> DraftContext:
        async with self.services.db() as db:
            draft = await store.get(db, draft_id)
            group = await db.get(WorkGroup, draft.group_id) if draft else None
            theme = await themes.get(db, draft.theme_id) if draft else None
            members = await group_store.member_ids(db, draft.group_id) if draft else set()
        if draft is None or group is None or theme is None or draft.guild_id != guild_id:
            raise UserError("error.draft.unknown", value=f"#{draft_id}")
        return DraftContext(draft, group, theme, members)

    # ------------------------------------------------------------ new
    async def create(
        self, interaction: discord.Interaction, group_id: int, title: str, text: str
    ) -> None:
        assert interaction.guild is not None  # noqa: S101 - guild-only command
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        async with self.services.db() as db:
            group = await db.get(WorkGroup, group_id)
            theme = await themes.get(db, group.theme_id) if group else None
            members = await group_store.member_ids(db, group_id)
        if group is None or theme is None:
            raise UserError("error.draft.not_group_channel")
        if not may_write(interaction, config, group, members):
            raise UserError("error.draft.not_writer", group=group.name)
        forum = await forums.forum_of(interaction.guild, theme.forum_id)
        if forum is None:
            raise UserError("error.draft.no_forum", theme=theme.title)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = self.services.clock.now()
        draft = Draft(
            guild_id=group.guild_id, cycle_id=group.cycle_id, theme_id=theme.id, group_id=group_id,
            title=title, created_by=interaction.user.id, created_at=now, updated_at=now,
        )  # fmt: skip
        async with self.services.db() as db, db.begin():
            draft = await store.create(db, draft, text, interaction.user.id)
            await setup_store.audit(
                db, group.guild_id, interaction.user.id, "draft.new", now, draft=draft.id
            )
        posted = await posts.create(forum, self.services.public(config), draft, group, text)
        async with self.services.db() as db, db.begin():
            await store.record_post(db, draft.id, posted.thread_id, posted.extra_ids, now)
        draft.thread_id = posted.thread_id
        self.bot.dispatch("draft_posted", draft)
        await ui.reply(
            interaction, tr("draft.created", title=title, thread=f"<#{posted.thread_id}>")
        )

    # ------------------------------------------------------------ revise
    async def revise(
        self, interaction: discord.Interaction, draft_id: int, base: int, text: str
    ) -> None:
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        found = await self.load(interaction.guild.id, draft_id)
        self.check_can_revise(interaction, config, found)
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            number = await store.add_version(db, draft_id, base, text, interaction.user.id, now)
            if number is None:
                raise UserError("error.draft.conflict", version=found.draft.version)
            await setup_store.audit(db, found.draft.guild_id, interaction.user.id, "draft.revise", now,
                               draft=draft_id, version=number)  # fmt: skip
        await interaction.response.defer(ephemeral=True, thinking=True)
        found.draft.version = number
        public = self.services.public(config)
        thread = await self.show(interaction.guild, public, found, text)
        if thread is not None:
            await thread.send(
                public("draft.revised.note", author=interaction.user.mention, version=number)
            )
        await ui.reply(interaction, tr("draft.revised", title=found.draft.title, version=number))

    def check_can_revise(
        self, interaction: discord.Interaction, config: GuildConfig, found: DraftContext
    ) -> None:
        if not may_write(interaction, config, found.group, found.members):
            raise UserError("error.draft.not_writer", group=found.group.name)
        if found.draft.status in LOCKED:
            tr = self.services.reader(interaction, config)
            raise UserError("error.draft.locked", status=tr(f"draft.status.{found.draft.status}"))

    async def show(
        self, guild: discord.Guild, public: Tr, found: DraftContext, text: str
    ) -> discord.Thread | None:
        """The post shows `text` and the status tag; made again when deleted by hand."""
        draft = found.draft
        thread = await forums.thread_of(self.bot, draft.thread_id)
        if thread is None:
            forum = await forums.forum_of(guild, found.theme.forum_id)
            if forum is None:
                log.warning("draft %s has no forum to be shown in", draft.id)
                return None
            posted = await posts.create(forum, public, draft, found.group, text)
            extra = posted.extra_ids
            thread = await forums.thread_of(self.bot, posted.thread_id)
        else:
            extra = await posts.rewrite(
                thread, public, draft, found.group, text, store.message_ids(draft.extra_message_ids)
            )
        if thread is not None:
            async with self.services.db() as db, db.begin():
                await store.record_post(db, draft.id, thread.id, extra, self.services.clock.now())
            moved = draft.thread_id != thread.id
            draft.thread_id, draft.extra_message_ids = thread.id, store.join_ids(extra)
            if moved:
                self.bot.dispatch("draft_posted", draft)
        return thread

    # ------------------------------------------------------------ status
    async def move(
        self, interaction: discord.Interaction, found: DraftContext, wanted: str
    ) -> None:
        """Checked by the domain, stored only from the status read, then the tag follows:
        a work item stored with the status, tried at once, retried while Discord waits."""
        assert interaction.guild is not None  # noqa: S101
        config = await self.services.config(interaction.guild.id)
        tr = self.services.reader(interaction, config)
        # Moving a draft along: whoever may manage the group (bot/kit/access.py).
        check_manager(interaction, config, found.group, refusal="error.draft.not_manager")
        current = found.draft.status
        check_transition(tr, current, wanted, is_organiser(interaction, config))
        now = self.services.clock.now()
        async with self.services.db() as db, db.begin():
            if not await store.move(db, found.draft.id, current, wanted, now):
                raise UserError("error.draft.conflict", version=found.draft.version)
            tag = await jobs.follow_tag(db, self.services.work, found.draft)
            await setup_store.audit(db, found.draft.guild_id, interaction.user.id, "draft.status", now,
                               draft=found.draft.id, current=current, wanted=wanted)  # fmt: skip
        await interaction.response.defer(ephemeral=True, thinking=True)
        found.draft.status = wanted
        public = self.services.public(config)
        tagged = await self.retag(interaction.guild, public, found, tag)
        if wanted == "open":
            await self.announce(public, found)
        self.bot.dispatch("draft_status", found.draft)
        text = tr("draft.moved", title=found.draft.title, status=tr(f"draft.status.{wanted}"))
        if tagged == "failed":
            text += "\n" + tr("error.discord_forbidden")
        elif tagged not in work.SETTLED:
            text += "\n" + tr("draft.moved.tag_waiting")
        await ui.reply(interaction, text)

    async def retag(self, guild: discord.Guild, public: Tr, found: DraftContext, key: str) -> str:
        """The post made again when deleted by hand (with its tag), then the tag's item
        tried now; the item's state afterwards."""
        if await forums.thread_of(self.bot, found.draft.thread_id) is None:
            async with self.services.db() as db:
                text = (await store.latest_texts(db, [found.draft])).get(found.draft.id, "")
            await self.show(guild, public, found, text)
        return (await self.services.work.in_order().run([key]))[key]

    async def announce(self, public: Tr, found: DraftContext) -> None:
        channel = self.bot.get_channel(found.theme.info_channel_id or 0)
        if not isinstance(channel, discord.TextChannel):
            log.info("theme %s has no info channel to announce drafts in", found.theme.id)
            return
        message = await channel.send(
            public("draft.announce", title=found.draft.title, group=found.group.name,
                   thread=f"<#{found.draft.thread_id}>" if found.draft.thread_id else "—")
        )  # fmt: skip
        async with self.services.db() as db, db.begin():
            await store.record_announcement(db, found.draft.id, message.id)
