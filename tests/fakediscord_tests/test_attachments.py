"""Files with their description (alt text) in multipart posts, as Discord documents them:
kept with the attachment, at most 1,024 characters, and a post retried with its nonce
gives back the first message with its file."""

from __future__ import annotations

import io
import json
from typing import Any

import aiohttp
import discord
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord_tests.conftest import BareClient


def picture(description: str) -> discord.File:
    return discord.File(io.BytesIO(b"\x89PNG fake"), filename="chart.png", description=description)


async def test_a_file_keeps_its_description_and_a_nonce_keeps_one_message(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("results", file=picture("5 respondents"), nonce="close-1")
    second = await channel.send("results", file=picture("5 respondents"), nonce="close-1")
    assert first.id == second.id
    (stored,) = fake.messages_in(channel.id)
    assert [(a.filename, a.description) for a in stored.attachments] == [
        ("chart.png", "5 respondents")
    ]
    assert first.attachments[0].description == "5 respondents"
    assert len(fake.posts_by_nonce("close-")["close-1"]) == 2


async def test_a_description_over_1024_characters_is_refused(
    fake: FakeDiscord, client: BareClient
) -> None:
    channel = client.get_channel(fake.default_channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("fits", file=picture("x" * 1024))
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("too long", file=picture("x" * 1025))
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert [m.content for m in fake.messages_in(channel.id)] == ["fits"]


async def post_files(fake: FakeDiscord, files: list[tuple[str, bytes]]) -> tuple[int, Any]:
    """A multipart post as Discord documents it, sent raw: discord.py itself refuses more
    than 10 files before sending, and the fake must refuse them too."""
    form = aiohttp.FormData()
    meta = [{"id": n, "filename": name} for n, (name, _data) in enumerate(files)]
    form.add_field("payload_json", json.dumps({"content": "files", "attachments": meta}),
                   content_type="application/json")  # fmt: skip
    for n, (name, data) in enumerate(files):
        form.add_field(f"files[{n}]", data, filename=name, content_type="application/octet-stream")
    url = f"{fake.api_base}/channels/{fake.default_channel.id}/messages"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=form, headers={"Authorization": f"Bot {fake.token}"}) as response,
    ):
        return response.status, await response.json()


async def test_ten_files_and_ten_mebibytes_are_the_most_a_message_takes(
    fake: FakeDiscord, client: BareClient
) -> None:
    status, _body = await post_files(fake, [(f"f{n}.txt", b"x") for n in range(10)])
    assert status == 200
    status, body = await post_files(fake, [(f"f{n}.txt", b"x") for n in range(11)])
    assert (status, body["code"]) == (400, 50035)
    assert (
        body["errors"]["attachments"]["_errors"][0]["message"] == "Must be 10 or fewer in length."
    )
    half = b"x" * (5 * 1024 * 1024)
    status, _body = await post_files(fake, [("a.bin", half), ("b.bin", half)])
    assert status == 200  # 10 MiB exactly
    status, body = await post_files(fake, [("a.bin", half), ("b.bin", half + b"x")])
    assert (status, body["code"], body["message"]) == (413, 40005, "Request entity too large")
    assert len(fake.messages_in(fake.default_channel.id)) == 2
