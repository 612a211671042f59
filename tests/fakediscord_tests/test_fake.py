"""The fake Discord, driven by a bare discord.py client."""

from __future__ import annotations

import asyncio
import contextlib
import datetime

import discord
import pytest

from tests.fakediscord import FakeDiscord

from .conftest import BareClient

pytestmark = pytest.mark.asyncio


async def test_connect_and_sync(fake: FakeDiscord, client: BareClient) -> None:
    assert fake.connected_clients == 1
    assert client.user is not None and client.user.id == fake.bot_user.id
    guild = client.get_guild(fake.guild.id)
    assert guild is not None and guild.chunked
    assert guild.get_member(fake.owner.id) is not None
    assert fake.count("PUT", rf"/applications/{fake.app_id}/guilds/{fake.guild.id}/commands") == 1
    names = {c["name"] for c in fake.commands(fake.guild.id)}
    assert {"ping", "slow", "feedback", "theme", "export"} <= names
    fake.assert_no_unhandled()


async def test_slash_reply(fake: FakeDiscord, client: BareClient) -> None:
    res = await fake.slash("ping", options={"word": "hello"})
    assert res.type == 4
    assert res.content == "hello"
    assert not res.ephemeral
    assert res.message is not None and res.message.components
    assert res.latency is not None and res.latency < 3
    fake.assert_no_unhandled()


async def test_callback_body_only_when_asked(fake: FakeDiscord, client: BareClient) -> None:
    """Discord answers an interaction callback with the callback object when the query asks
    for it (`with_response`, as discord.py's send_message does), and 204 otherwise."""
    asked = await fake.slash("ping")
    [echoed] = fake.matching("POST", rf"^/interactions/{asked.pending.id}/")
    assert echoed.query.get("with_response") == "1" and echoed.status == 200
    quiet = await fake.slash("quiet")
    assert quiet.type == 4 and quiet.content == "quietly" and quiet.ephemeral
    assert client.quiet_answers == [(204, b"")]
    [plain] = fake.matching("POST", rf"^/interactions/{quiet.pending.id}/")
    assert "with_response" not in plain.query and plain.status == 204
    fake.assert_no_unhandled()


async def test_defer_then_followup(fake: FakeDiscord, client: BareClient) -> None:
    res = await fake.slash("slow")
    assert res.type == 5
    assert res.content == "done slowly"
    assert res.ephemeral  # the follow-up replaces the ephemeral "thinking" message
    assert len(res.followups) == 1


async def test_modal_roundtrip(fake: FakeDiscord, client: BareClient) -> None:
    opened = await fake.slash("feedback")
    assert opened.type == 9 and opened.modal is not None
    assert opened.modal["custom_id"] == "feedback"
    res = await fake.submit_modal("feedback", {"fb_text": "great", "fb_mood": ["ok"]})
    assert res.content == "thanks: great / ['ok']"
    assert res.ephemeral
    with pytest.raises(AssertionError, match="not in modal"):
        await fake.submit_modal("feedback", {"nope": "x"})


async def test_persistent_button_and_select(fake: FakeDiscord, client: BareClient) -> None:
    res = await fake.slash("ping")
    assert res.message is not None
    member = fake.add_member("alice")
    clicked = await fake.click(res.message, "rsvp:yes", user=member)
    assert clicked.content == f"yes from {member.id}"
    assert clicked.ephemeral
    picked = await fake.click(res.message, "rsvp:pick", user=member, values=["b"])
    assert picked.type == 7
    assert res.message.content == "picked b"
    with pytest.raises(AssertionError, match="no component"):
        await fake.click(res.message, "missing")


async def test_autocomplete_and_group(fake: FakeDiscord, client: BareClient) -> None:
    choices = await fake.autocomplete("theme edit", focused="name", value="ac")
    assert [c["value"] for c in choices] == ["access", "accounting"]
    bob = fake.add_member("bob")
    await fake.wait_for(lambda: client.get_guild(fake.guild.id).get_member(bob.id))  # type: ignore[union-attr]
    res = await fake.slash("theme edit", options={"name": "housing", "member": bob})
    assert res.content == "editing housing for bob"
    with pytest.raises(AssertionError, match="unknown option"):
        await fake.slash("theme edit", options={"nom": "x"})
    with pytest.raises(AssertionError, match="not registered"):
        await fake.slash("nope")


async def test_file_reply(fake: FakeDiscord, client: BareClient) -> None:
    res = await fake.slash("export")
    assert res.attachments == [("x.csv", b"a,b\n1,2\n")]
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    [msg] = [m async for m in channel.history(limit=1)]
    assert await msg.attachments[0].read() == b"a,b\n1,2\n"


async def test_reactions_raw_events_and_pagination(fake: FakeDiscord, client: BareClient) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("poll")
    await sent.add_reaction("👍")
    members = [fake.add_member(f"m{i}") for i in range(130)]
    message = fake.message(sent.id)
    assert message is not None
    for m in members:
        await fake.react(message, "👍", m)
    await fake.unreact(message, "👍", members[0])
    await fake.wait_for(lambda: sum(kind == "add" for kind, _ in client.events) == 131)
    await fake.wait_for(lambda: any(kind == "remove" for kind, _ in client.events))
    add = next(p for kind, p in client.events if kind == "add" and p.user_id == members[1].id)
    assert add.member is not None and add.emoji.name == "👍"
    fetched = await channel.fetch_message(sent.id)
    assert fetched.reactions[0].count == 130 and fetched.reactions[0].me
    users = [u async for u in fetched.reactions[0].users()]
    assert len(users) == 130
    assert fake.count("GET", r"/reactions/") == 2
    await fake.react(message, "custom:123", members[1])
    assert "custom:123" in message.reactions


async def test_rate_limit_is_retried(fake: FakeDiscord, client: BareClient) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    fake.inject_fault("POST", r"/channels/\d+/messages$", 429, retry_after=0.05, times=2)
    msg = await channel.send("after 429")
    assert fake.message(msg.id) is not None
    assert fake.count("POST", r"/channels/\d+/messages$") == 3


async def test_server_errors(fake: FakeDiscord, client: BareClient) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    fake.inject_fault("POST", r"/channels/\d+/messages$", 500, times=1)
    await channel.send("after 500")  # discord.py retries 500 after 1s
    fake.inject_fault("POST", r"/channels/\d+/messages$", 503, times=1)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("503 is not retried")
    fake.inject_fault("POST", r"/channels/\d+/messages$", 403)
    with pytest.raises(discord.Forbidden) as info:
        await channel.send("denied")
    assert info.value.code == 50013


async def test_nonce_dedupe(fake: FakeDiscord, client: BareClient) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("reminder", nonce="r-1")
    second = await channel.send("reminder", nonce="r-1")
    assert first.id == second.id
    assert [m.content for m in fake.messages_in(channel.id)] == ["reminder"]
    await fake.wait_for(lambda: sum(kind == "message" for kind, _ in client.events) == 1)


async def test_forum_post_with_tags(fake: FakeDiscord, client: BareClient) -> None:
    forum_state = fake.add_forum("drafts", tags=["draft", "final"])
    await fake.wait_for(lambda: client.get_channel(forum_state.id))
    forum = client.get_channel(forum_state.id)
    assert isinstance(forum, discord.ForumChannel)
    tag = next(t for t in forum.available_tags if t.name == "draft")
    created = await forum.create_thread(name="Reco 1", content="text", applied_tags=[tag])
    assert created.thread.id == created.message.id
    thread = fake.channel(created.thread.id)
    assert thread is not None and thread.applied_tags == [tag.id]
    final = next(t for t in forum.available_tags if t.name == "final")
    await created.thread.edit(applied_tags=[final], archived=True)
    assert thread.applied_tags == [final.id] and thread.archived
    with pytest.raises(discord.HTTPException):
        await forum.create_thread(
            name="bad", content="x", applied_tags=[discord.ForumTag(name="zz")]
        )


async def test_scheduled_event(fake: FakeDiscord, client: BareClient) -> None:
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    start = discord.utils.utcnow() + datetime.timedelta(days=2)
    event = await guild.create_scheduled_event(
        name="Session 1", start_time=start, end_time=start + datetime.timedelta(hours=3),
        entity_type=discord.EntityType.external, location="Rennes", privacy_level=discord.PrivacyLevel.guild_only,
    )  # fmt: skip
    assert fake.guild.events[event.id].location == "Rennes"
    await event.edit(name="Session 1 (moved)")
    assert fake.guild.events[event.id].name == "Session 1 (moved)"
    await fake.wait_for(lambda: guild.get_scheduled_event(event.id) is not None)
    await event.delete()
    assert event.id not in fake.guild.events
    with pytest.raises(discord.HTTPException):
        await guild.create_scheduled_event(
            name="past", start_time=start - datetime.timedelta(days=4), end_time=start,
            entity_type=discord.EntityType.external, location="x", privacy_level=discord.PrivacyLevel.guild_only,
        )  # fmt: skip


async def test_dm_closed_is_forbidden(fake: FakeDiscord, client: BareClient) -> None:
    closed = fake.add_member("closed", dms_open=False)
    opened = fake.add_member("open")
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    await fake.wait_for(lambda: guild.get_member(closed.id) and guild.get_member(opened.id))
    await guild.get_member(opened.id).send("hi")  # type: ignore[union-attr]
    assert [m.content for m in fake.dm_messages(opened)] == ["hi"]
    with pytest.raises(discord.Forbidden) as info:
        await guild.get_member(closed.id).send("hi")  # type: ignore[union-attr]
    assert info.value.code == 50007


async def test_roles_channels_and_permissions(fake: FakeDiscord, client: BareClient) -> None:
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    role = await guild.create_role(
        name="organisers", permissions=discord.Permissions(manage_guild=True)
    )
    category = await guild.create_category("Theme A")
    private = await guild.create_text_channel(
        "group-1", category=category,
        overwrites={guild.default_role: discord.PermissionOverwrite(view_channel=False),
                    role: discord.PermissionOverwrite(view_channel=True)},
    )  # fmt: skip
    state = fake.channel(private.id)
    assert state is not None and state.parent_id == category.id and len(state.overwrites) == 2
    alice = fake.add_member("alice")
    await fake.wait_for(lambda: guild.get_member(alice.id))
    await guild.get_member(alice.id).add_roles(role)  # type: ignore[union-attr]
    assert role.id in alice.roles
    await fake.wait_for(lambda: role in guild.get_member(alice.id).roles)  # type: ignore[union-attr]
    await private.delete()
    assert fake.channel(private.id) is None
    fake.bot_permissions = 0
    with pytest.raises(discord.Forbidden):
        await guild.create_text_channel("nope")


async def test_history_pins_and_edits(fake: FakeDiscord, client: BareClient) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    sent = [await channel.send(f"m{i}") for i in range(7)]
    newest = [m.content async for m in channel.history(limit=3)]
    assert newest == ["m6", "m5", "m4"]
    after = [m.content async for m in channel.history(after=sent[1], limit=2)]
    assert after == ["m2", "m3"]
    await sent[0].pin()
    assert [m.id async for m in channel.pins()] == [sent[0].id]
    await sent[1].edit(content="edited")
    assert fake.message(sent[1].id).content == "edited"  # type: ignore[union-attr]
    await sent[2].delete()
    assert fake.message(sent[2].id) is None


async def test_auth_and_unhandled(fake: FakeDiscord, client: BareClient) -> None:
    bad = discord.Client(intents=discord.Intents.none())
    with pytest.raises(discord.LoginFailure):
        await bad.login("not-the-token")
    await bad.close()
    with pytest.raises(discord.NotFound):
        await client.http.request(discord.http.Route("GET", "/not/implemented"))
    assert fake.unhandled == ["GET /not/implemented"]
    fake.unhandled.clear()
    fake.assert_no_unhandled()


async def test_two_clients_get_events(fake: FakeDiscord, client: BareClient) -> None:
    other = BareClient()
    task = asyncio.create_task(other.start(fake.token))
    try:
        await asyncio.wait_for(other.ready.wait(), 10)
        assert fake.connected_clients == 2
        speaker = fake.add_member("speaker")
        await fake.post(fake.default_channel, speaker, "hello both")
        for c in (client, other):
            await fake.wait_for(lambda c=c: any(k == "message" for k, _ in c.events))  # type: ignore[misc]
    finally:
        await other.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 5)


async def test_reconnect_resumes(fake: FakeDiscord, client: BareClient) -> None:
    identified = fake.gateway.identify_count
    await fake.drop_connections()
    await fake.wait_for(lambda: fake.connected_clients == 1, timeout=10)
    late = fake.add_member("late")
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    await fake.wait_for(lambda: guild.get_member(late.id))
    assert fake.gateway.identify_count == identified  # resumed, not re-identified


async def test_late_callback_is_unknown_interaction(fake: FakeDiscord, client: BareClient) -> None:
    fake.interaction_deadline = 0.1
    fake.set_delay("POST", r"^/interactions/", 0.3, times=1)
    with pytest.raises(AssertionError, match="received callback=None"):
        await fake.slash("ping", timeout=1)
    [callback] = fake.matching("POST", r"^/interactions/")
    assert callback.status == 404


async def test_error_shapes_and_member_listing(fake: FakeDiscord, client: BareClient) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.NotFound) as info:
        await channel.fetch_message(1234)
    assert info.value.code == 10008
    guild = client.get_guild(fake.guild.id)
    assert guild is not None
    for i in range(5):
        fake.add_member(f"x{i}")
    fetched = [m async for m in guild.fetch_members(limit=None)]
    assert len(fetched) == len(fake.guild.members)
    with pytest.raises(discord.NotFound) as info:
        await guild.fetch_role(42)
    assert info.value.code == 10011
    fake.assert_no_unhandled()
