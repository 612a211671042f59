"""The member profile (office, mode, volunteering) edited with select menus.

Every select has a fixed custom id, so the same persistent view answers on any
profile message, even after a restart. Each choice is saved at once. A member invited
to a working group also finds a "My invitations" button here, which the groups feature
answers (its custom id is `bot.groups.MY_INVITATIONS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.groups import MY_INVITATIONS
from bot.kit.checks import member_is_member
from bot.kit.i18n import Tr
from bot.kit.user_error import UserError
from storage import cycles, interest, invitations, privacy
from storage import offices as offices_store
from storage.models import MemberProfile, Office

if TYPE_CHECKING:
    from bot.kit.host import Host

MODES = ("in_person", "online", "either")
VOLUNTEERING = ("facilitate", "take_notes")
OFFICE_ID, REGION_ID = "sip:profile:office", "sip:profile:region"
MODE_ID, VOLUNTEER_ID = "sip:profile:mode", "sip:profile:volunteer"
MAX_OPTIONS = 25


def describe(tr: Tr, profile: MemberProfile | None) -> str:
    if profile is None:
        return tr("profile.none")
    volunteering = [tr(f"profile.volunteer.{v}") for v in VOLUNTEERING if getattr(profile, v)]
    return tr(
        "profile.current",
        office=profile.office or "—",
        mode=tr(f"profile.mode.{profile.mode}") if profile.mode else "—",
        volunteering=", ".join(volunteering) or tr("profile.volunteer.none"),
    )


class ProfileView(discord.ui.View):
    def __init__(self, bot: Host) -> None:
        super().__init__(timeout=None)
        self.bot = bot
        self.office = discord.ui.Select[ProfileView](custom_id=OFFICE_ID)
        self.region = discord.ui.Select[ProfileView](custom_id=REGION_ID)
        self.mode = discord.ui.Select[ProfileView](custom_id=MODE_ID)
        self.volunteer = discord.ui.Select[ProfileView](
            custom_id=VOLUNTEER_ID, min_values=0, max_values=2
        )
        for item, callback in (
            (self.office, self.on_office),
            (self.region, self.on_region),
            (self.mode, self.on_mode),
            (self.volunteer, self.on_volunteer),
        ):
            item.callback = callback  # type: ignore[method-assign]
            self.add_item(item)

    # ------------------------------------------------------------ rendering
    def render(
        self,
        tr: Tr,
        offices: list[Office],
        profile: MemberProfile | None,
        region: str | None = None,
        *,
        invited: bool = False,
    ) -> ProfileView:
        """A fresh copy with options and current choices filled in; for a member invited
        to a working group, a button to their invitations (answered by bot/groups)."""
        view = ProfileView(self.bot)
        view.clear_items()
        current = profile.office if profile else None
        if len(offices) > MAX_OPTIONS and region is None:
            regions = sorted({(o.country, o.region) for o in offices})
            view.region.placeholder = tr("profile.placeholder.region")
            view.region.options = [
                discord.SelectOption(label=f"{r} ({c})"[:100], value=f"{c}|{r}"[:100])
                for c, r in regions[:MAX_OPTIONS]
            ]
            view.add_item(view.region)
        else:
            shown = [o for o in offices if region is None or f"{o.country}|{o.region}" == region][
                :MAX_OPTIONS
            ]
            view.office.placeholder = tr("profile.placeholder.office")
            view.office.options = [
                discord.SelectOption(
                    label=o.name[:100],
                    value=o.name[:100],
                    description=f"{o.region} ({o.country})"[:100],
                    default=o.name == current,
                )
                for o in shown
            ]
            view.add_item(view.office)
        view.mode.placeholder = tr("profile.placeholder.mode")
        view.mode.options = [
            discord.SelectOption(
                label=tr(f"profile.mode.{m}"), value=m, default=bool(profile and profile.mode == m)
            )
            for m in MODES
        ]
        view.volunteer.placeholder = tr("profile.placeholder.volunteer")
        view.volunteer.options = [
            discord.SelectOption(
                label=tr(f"profile.volunteer.{v}"),
                value=v,
                default=bool(profile and getattr(profile, v)),
            )
            for v in VOLUNTEERING
        ]
        view.add_item(view.mode)
        view.add_item(view.volunteer)
        if invited:
            view.add_item(
                discord.ui.Button(
                    label=tr("profile.invitations"), custom_id=MY_INVITATIONS, emoji="📨"
                )
            )
        return view

    async def show(self, interaction: discord.Interaction) -> None:
        """Send the caller their profile, ephemerally. Opening it is how a member who asked
        to be forgotten takes part again."""
        tr, offices, profile = await self._load(interaction)
        assert interaction.guild_id is not None  # noqa: S101 - checked by _load
        async with self.bot.services.db() as db, db.begin():
            opted_in = await privacy.opt_in(db, interaction.guild_id, interaction.user.id)
            invited = await invitations.has_any(db, interaction.guild_id, interaction.user.id)
        if opted_in:
            self.bot.services.forget("opted_out", interaction.guild_id)
        view = self.render(tr, offices, profile, invited=invited)
        await interaction.response.send_message(describe(tr, profile), view=view, ephemeral=True)

    # ------------------------------------------------------------ callbacks
    async def on_office(self, interaction: discord.Interaction) -> None:
        await self._save(interaction, office=self._value(interaction))

    async def on_region(self, interaction: discord.Interaction) -> None:
        tr, offices, profile = await self._load(interaction)
        invited = await self._invited(interaction)
        view = self.render(tr, offices, profile, region=self._value(interaction), invited=invited)
        await interaction.response.edit_message(content=describe(tr, profile), view=view)

    async def on_mode(self, interaction: discord.Interaction) -> None:
        mode = self._value(interaction)
        if mode not in MODES:
            raise UserError("error.profile.value")
        await self._save(interaction, mode=mode)

    async def on_volunteer(self, interaction: discord.Interaction) -> None:
        values = set(self._values(interaction))
        await self._save(
            interaction, facilitate="facilitate" in values, take_notes="take_notes" in values
        )

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        from bot.kit import errors

        await errors.report(self.bot, interaction, error)

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _values(interaction: discord.Interaction) -> list[str]:
        data: Any = interaction.data or {}
        return [str(v) for v in data.get("values", [])]

    def _value(self, interaction: discord.Interaction) -> str:
        values = self._values(interaction)
        if len(values) != 1:
            raise UserError("error.profile.value")
        return values[0]

    async def _load(
        self, interaction: discord.Interaction
    ) -> tuple[Tr, list[Office], MemberProfile | None]:
        if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
            raise UserError("error.guild_only")
        services = self.bot.services
        config = await services.config(interaction.guild_id)
        if not member_is_member(interaction.user, config):
            raise UserError("error.profile.not_member")
        async with services.db() as db:
            offices = await offices_store.list_offices(db, interaction.guild_id)
            profile = await interest.profile(db, interaction.guild_id, interaction.user.id)
        return services.reader(interaction, config), offices, profile

    async def _save(self, interaction: discord.Interaction, **fields: Any) -> None:
        tr, offices, _profile = await self._load(interaction)
        assert interaction.guild_id is not None  # noqa: S101 - checked by _load
        if "office" in fields and fields["office"] not in {o.name for o in offices}:
            raise UserError("error.profile.office", value=str(fields["office"]))
        services = self.bot.services
        async with services.db() as db, db.begin():
            await self._refuse_when_closed(db, interaction.guild_id)
            saved = await interest.save_profile(
                db, interaction.guild_id, interaction.user.id, services.clock.now(), **fields
            )
        view = self.render(tr, offices, saved, invited=await self._invited(interaction))
        await interaction.response.edit_message(content=describe(tr, saved), view=view)

    async def _invited(self, interaction: discord.Interaction) -> bool:
        assert interaction.guild_id is not None  # noqa: S101 - checked by _load
        async with self.bot.services.db() as db:
            return await invitations.has_any(db, interaction.guild_id, interaction.user.id)

    @staticmethod
    async def _refuse_when_closed(session: Any, guild_id: int) -> None:
        """Profiles are used to compose the groups: they are frozen once the poll closed."""
        cycle = await cycles.open_cycle(session, guild_id)
        if cycle is None or cycle.id is None:
            return
        poll = await interest.latest_poll(session, cycle.id)
        if poll is not None and poll.status == "closed":
            raise UserError("error.profile.closed")
