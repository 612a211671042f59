"""`/privacy export` read back as a member's browser reads it: the ids the database holds
(as strings, none rounded into another), and each record saying what it is, in French.

The member is a group's facilitator who voted in the interest poll (a reaction), scheduled
a session and answered it (a button), and voted in the assembly (the select menu): all
through the fake Discord, then the attached file parsed with `parse_int=float`."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.jsonout import is_id_key
from storage.database import session_factory
from storage.models import AssemblyVote, Ballot, GroupSession, InterestVote, Rsvp, WorkGroup
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.fakediscord.state import Channel, Member, Message
from tests.harness import eventually
from tests.sessions.helpers import Group, published_group

OPTIONS = ["Logement", "Retraites", "Mobilité"]


async def interest_vote(
    fake: FakeDiscord, bot: SipBot, engine: AsyncEngine, annonces: Channel, who: Member
) -> None:
    res = await fake.slash(
        "interest open", user=fake.owner, options={"deadline": "25/01/2027 18h00"}
    )
    assert (res.content or "").startswith("Sondage d'intérêt publié"), res.content
    poll = next(m for m in fake.messages_in(annonces.id) if m.embeds)
    await fake.wait_for(lambda: len(fake.world.messages[poll.id].reactions) == 1, what="reaction")
    (emoji,) = fake.world.messages[poll.id].reactions
    await fake.react(poll, emoji, who)
    cog: Any = bot.get_cog("InterestCog")

    async def stored() -> bool:
        await cog.recorder.flush()
        async with session_factory(engine)() as db:
            return bool((await db.execute(select(InterestVote))).scalars().all())

    await eventually(stored, "the interest vote to be stored")


async def ballot(fake: FakeDiscord, annonces: Channel, who: Member) -> None:
    res = await fake.slash(
        "assembly open",
        user=fake.owner,
        options={"title": "Thématiques 2027-2028", "options": "; ".join(OPTIONS),
                 "deadline": "01/02/2027 18h00", "method": "approval"},
    )  # fmt: skip
    assert (res.content or "").startswith("Vote publié dans"), res.content
    card: Message = next(
        m
        for m in fake.messages_in(annonces.id)
        if m.embeds and m.embeds[0]["title"].startswith("🗳️ Vote de l'assemblée")
    )
    approve = card.components[0]["components"][0]["custom_id"]
    cast = await fake.click(fake.world.messages[card.id], approve, user=who, values=[0, 2])
    assert (cast.content or "").startswith("**Votre bulletin**"), cast.content


async def scheduled_and_answered(fake: FakeDiscord, group: Group) -> None:
    res = await fake.slash("session schedule", user=group.facilitator, channel=group.channel,
                           options={"start": "20/01/2027 18h00"})  # fmt: skip
    assert res.ephemeral, res.content
    post = next(m for m in fake.messages_in(group.channel.id) if m.components)
    rsvp = post.components[0]["components"][0]["custom_id"]  # in person
    await fake.click(post, rsvp, user=group.facilitator)


def ids_left_as_numbers(value: Any, key: object = None) -> list[str]:
    """Every id written as a number (read here as a float, as a browser does)."""
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in ids_left_as_numbers(v, k)]
    if isinstance(value, list):
        return [found for item in value for found in ids_left_as_numbers(item, key)]
    return [f"{key}={value}"] if is_id_key(key) and isinstance(value, float) else []


async def test_the_export_gives_the_database_ids_and_tells_each_record_in_french(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    me, secretary = group.facilitator, group.secretary
    annonces = fake.add_text_channel("annonces")
    await fake.slash("setup channel", user=fake.owner, options={"announcements": annonces})
    await interest_vote(fake, bot, sqlite_engine, annonces, me)
    await scheduled_and_answered(fake, group)
    await ballot(fake, annonces, me)

    res = await fake.slash("privacy export", user=me)
    assert res.ephemeral
    ((name, data),) = res.attachments
    assert name == "sipbot-my-data.json"
    exported = json.loads(data, parse_int=float)  # what a browser or jq does with numbers
    assert exported == json.loads(data)  # ... and nothing is read differently for it
    assert ids_left_as_numbers(exported) == []

    # the machine-readable rows: the database's ids, as strings
    records = exported["records"]
    tables = records["tables"]
    assert records["member_id"] == str(me.id) and records["language"] == "fr"
    async with session_factory(sqlite_engine)() as db:
        row = await db.get(WorkGroup, group.id)
        session = (await db.execute(select(GroupSession))).scalar_one()
        vote = (await db.execute(select(InterestVote))).scalar_one()
        cast = (await db.execute(select(Ballot))).scalar_one()
        answer = (await db.execute(select(Rsvp))).scalar_one()
        assembly = (await db.execute(select(AssemblyVote))).scalar_one()
    assert row is not None
    (written,) = tables["work_group"]
    assert {k: written[k] for k in ("id", "guild_id", "facilitator_id", "secretary_id",
                                    "channel_id", "role_id")} == {
        "id": str(row.id), "guild_id": str(fake.guild.id), "facilitator_id": str(me.id),
        "secretary_id": str(secretary.id), "channel_id": str(group.channel.id),
        "role_id": str(group.role.id),
    }  # fmt: skip
    people = {written["guild_id"], written["facilitator_id"], written["secretary_id"]}
    assert len(people) == 3  # member (the facilitator), guild and secretary never collapse
    assert [r["member_id"] for r in tables["group_member"]] == [str(me.id)]
    assert tables["group_session"][0]["event_id"] == str(session.event_id)
    assert tables["rsvp"][0]["session_id"] == str(answer.session_id) == str(session.id)
    assert (tables["interest_vote"][0]["poll_id"], tables["interest_vote"][0]["theme_id"]) == (
        str(vote.poll_id), str(vote.theme_id))  # fmt: skip
    assert tables["ballot"][0]["vote_id"] == str(cast.vote_id) == str(assembly.id)
    assert tables["ballot"][0]["choices"] == [0.0, 2.0]  # option indexes: numbers, not ids

    # the readable part: French section names, each record saying what it is
    assert list(exported)[:3] == ["À propos de ce fichier", "Votre identifiant Discord",
                                  "Exporté le"]  # fmt: skip
    assert exported["Votre identifiant Discord"] == str(me.id)
    assert exported["Vos votes d'intérêt pour les thématiques"] == [
        {"Thématique": "Accompagnement", "Cycle": "2026-2027",
         "Enregistré le": "2027-01-10T11:00:00+01:00"}
    ]  # fmt: skip
    (membership,) = exported["Vos groupes"]
    assert membership["Groupe"] == "Ouest – Rennes" and membership["Thématique"] == "Accompagnement"
    assert membership["Votre rôle"] == "animateur·trice"
    (answered,) = exported["Vos réponses aux séances"]
    assert answered == {
        "Groupe": "Ouest – Rennes", "Séance n°": 1.0, "Date": "2027-01-20T18:00:00+01:00",
        "Date (UTC)": "2027-01-20T17:00:00Z", "Votre réponse": "Présentiel",
        "Dernière modification": "2027-01-10T11:00:00+01:00",
    }  # fmt: skip
    (scheduled,) = exported["Séances que vous avez programmées"]
    assert scheduled["Date"] == "2027-01-20T18:00:00+01:00" and scheduled["État"] == "programmée"
    (mine,) = exported["Vos bulletins aux votes de l'assemblée"]
    assert mine["Vote"] == "Thématiques 2027-2028" and mine["Votre bulletin"] == [
        "Logement", "Mobilité"]  # fmt: skip
    assert mine["État"] == "ouvert"
    facilitated = exported["Groupes que vous animez ou dont vous êtes secrétaire"]
    assert facilitated == [{"Groupe": "Ouest – Rennes", "Thématique": "Accompagnement",
                            "Votre rôle": "animateur·trice", "Mode de participation": "en présentiel",
                            "Bureau": "Rennes"}]  # fmt: skip

    # the reply says what the file holds
    content = res.content or ""
    count = sum(len(rows) for rows in tables.values())
    assert content.startswith(f"Le fichier joint (JSON, UTF-8) contient les {count} enregistrement")
    assert (
        "• Vos groupes : 1" in content and "• Vos bulletins aux votes de l'assemblée : 1" in content
    )
