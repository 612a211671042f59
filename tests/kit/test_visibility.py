"""Organiser commands are hidden from members where Discord reads it: on the top-level
command. Discord ignores default permissions on a subcommand, so a group that holds an
organiser command and is visible to members is a mistake — unless it is mixed on
purpose, because members use some of its subcommands. Those groups are listed here, each
with the reason; their organiser subcommands must still refuse members at run time.

The choice (bot/kit/checks.py): mixed groups are kept rather than split, because
splitting them would rename commands people already use (`/interest profile`,
`/cycle calendar`, `/assembly results`, `/group info`).

The board's commands (`/draft answer`, `/followup update`) are visible on purpose, in
visible roots: board members need not have Manage Server, and Discord would hide a root
with default permissions from them. They refuse whoever is not on the board at run time.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from discord import app_commands

from bot.app import SipBot
from bot.kit.checks import ORGANISERS, for_board, for_organisers
from bot.kit.i18n import Catalog
from tests.fakediscord import FakeDiscord
from tests.fakediscord.interactions import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    INTEGER,
    MENTIONABLE,
    NUMBER,
    ROLE,
    STRING,
    SUB_COMMAND,
    SUB_GROUP,
    USER,
)
from tests.fakediscord.state import Member

Leaf = app_commands.Command[Any, ..., Any]

# Visible to members on purpose: the members' subcommands named here live beside
# organiser ones, and the organiser ones are checked at run time.
MIXED = {
    "assembly": "members read a vote's results once it is closed (/assembly results)",
    "cycle": "everyone reads the calendar (/cycle calendar)",
    "group": "members see their group and its runners invite into it (/group info, invite)",
    "interest": "members set their profile (/interest profile)",
    "proposal": "members propose next themes and read the list (/proposal new, list)",
}


def leaves_by_root(bot: SipBot) -> dict[str, list[Leaf]]:
    found: dict[str, list[Leaf]] = defaultdict(list)
    for command in bot.tree.walk_commands():
        if isinstance(command, app_commands.Command):
            root = command.root_parent or command
            found[root.name].append(command)
    return found


def synced(fake: FakeDiscord) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in fake.commands(fake.guild.id) if c.get("type", 1) == 1}


async def test_no_organiser_command_is_visible_to_members_unless_mixed_on_purpose(
    fake: FakeDiscord, bot: SipBot
) -> None:
    payloads = synced(fake)
    roots = leaves_by_root(bot)
    assert set(roots) == set(payloads)
    hidden, mixed, visible = set(), set(), set()
    for name, leaves in roots.items():
        organisers = [leaf for leaf in leaves if for_organisers(leaf)]
        permissions = payloads[name]["default_member_permissions"]
        if organisers and len(organisers) == len(leaves):
            assert permissions == str(ORGANISERS.value), f"/{name} is for organisers: hide it"
            hidden.add(name)
        elif organisers:
            assert name in MIXED, (
                f"/{name} holds organiser commands "
                f"{sorted(leaf.qualified_name for leaf in organisers)} and is visible to "
                "members: give the whole group to organisers, or split it, or list it in MIXED"
            )
            assert permissions is None, f"/{name} is mixed: members must see it"
            mixed.add(name)
        else:
            assert permissions is None, f"/{name} is for members: they must see it"
            visible.add(name)
    assert mixed == set(MIXED)  # the list is not stale
    assert {"setup", "office", "theme", "groups", "synthesis", "report"} <= hidden
    # /meeting: members list meetings, and those who run one include the facilitators of
    # a theme's groups, whom no default permission describes: checked at run time
    assert {"help", "session", "draft", "experiment", "privacy", "followup", "meeting"} <= visible
    assert fake.ignored == []  # no permission set where Discord ignores it


def value_for(option: dict[str, Any], fake: FakeDiscord, member: Member) -> Any:
    """A value the Discord client could send for a required option (choices honoured)."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind in (USER, MENTIONABLE):
        return member
    if kind == ROLE:
        return next(iter(fake.guild.roles.values()))
    if kind == CHANNEL:
        return fake.default_channel
    if kind in (INTEGER, NUMBER):
        return option.get("min_value", 1)
    if kind == BOOLEAN:
        return True
    if kind == ATTACHMENT:
        return ("notes.txt", b"notes")
    assert kind == STRING, option
    return "2031-01-15 18:00"  # a plausible date, title or name alike


def spec_of(payload: dict[str, Any], path: list[str]) -> dict[str, Any]:
    spec = payload
    for name in path:
        spec = next(
            o
            for o in spec["options"]
            if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_GROUP)
        )
    return spec


async def test_organiser_subcommands_of_mixed_groups_refuse_members_at_run_time(
    fake: FakeDiscord, bot: SipBot
) -> None:
    organisers = fake.add_role("Pôle vie coopérative")
    await fake.slash("setup roles", user=fake.owner, options={"organiser": organisers})
    member = fake.add_member("sacha")
    payloads = synced(fake)
    expected = Catalog.load().get("en", "error.not_organiser.role")
    assert expected is not None
    refused: list[str] = []
    for root in MIXED:
        for leaf in leaves_by_root(bot)[root]:
            if not for_organisers(leaf):
                continue
            spec = spec_of(payloads[root], leaf.qualified_name.split()[1:])
            options = {
                o["name"]: value_for(o, fake, member)
                for o in spec.get("options", [])
                if o.get("required")
            }
            public_before = sum(1 for m in fake.world.messages.values() if not m.ephemeral)
            res = await fake.slash(
                leaf.qualified_name, user=member, options=options, locale="en-US"
            )
            assert res.ephemeral, leaf.qualified_name
            assert res.content == expected.format(role=f"<@&{organisers.id}>"), res.content
            assert sum(1 for m in fake.world.messages.values() if not m.ephemeral) == public_before
            refused.append(leaf.qualified_name)
    assert {"interest open", "interest export", "cycle create", "assembly open", "group roles"} <= (
        set(refused)
    )


async def test_board_commands_are_visible_and_refuse_members_at_run_time(
    fake: FakeDiscord, bot: SipBot
) -> None:
    board = fake.add_role("Conseil d'administration")
    await fake.slash("setup roles", user=fake.owner, options={"board": board})
    member = fake.add_member("sacha")
    payloads = synced(fake)
    expected = Catalog.load().get("en", "error.not_board.role")
    assert expected is not None
    refused: list[str] = []
    for root, leaves in leaves_by_root(bot).items():
        for leaf in leaves:
            if not for_board(leaf):
                continue
            assert payloads[root]["default_member_permissions"] is None, f"/{root}: board needs it"
            spec = spec_of(payloads[root], leaf.qualified_name.split()[1:])
            options = {
                o["name"]: value_for(o, fake, member)
                for o in spec.get("options", [])
                if o.get("required")
            }
            res = await fake.slash(
                leaf.qualified_name, user=member, options=options, locale="en-US"
            )
            assert res.ephemeral and res.modal is None, leaf.qualified_name
            assert res.content == expected.format(role=f"<@&{board.id}>"), res.content
            refused.append(leaf.qualified_name)
    assert set(refused) == {"draft answer", "followup update"}
