"""The pictures of `/groups propose` and `/groups status` through the fake, with the real
client: a PNG that opens (Pillow) at the size its rows ask for, the groups under their
region's heading, their sizes against the bounds, and the figures in its description."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.kit.charts.model import BLUE, MUTED, ORANGE
from tests.charts.images import count_near, keep, png
from tests.clock import MovableClock
from tests.fakediscord import FakeDiscord
from tests.groups.helpers import make_world, propose, stored_groups
from tests.groups.invitation_helpers import ACCEPT, DECLINE, dms, invitations, published

BAND_FILL = "#D5EDE4"


def height(bars: int, sections: int) -> int:
    return 190 + 40 * bars + 36 * sections


async def test_the_proposal_comes_with_its_groups_by_region_against_the_bounds(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    world = await make_world(fake, clock, sqlite_engine)
    res = await propose(fake, world.theme_a)
    (picture,) = res.files
    assert picture.filename == "groups-proposed.png"
    keep("groups-proposed.png", picture.data)
    image = png(picture.data)
    stored = await stored_groups(sqlite_engine, world.theme_a.id)
    regions = {"online" if g.mode == "online" else g.region or g.office for g, _m in stored}
    assert image.size == (1000, height(len(stored), len(regions)))
    assert count_near(image, BLUE) > 5_000 and count_near(image, BAND_FILL, 2) > 5_000
    assert picture.description == (
        "Accompagnement : 5 groupes, leurs tailles face aux bornes de 5 à 12, par région. "
        "Centre-Est (Centre-Est) : 5 membres. Ouest – Rennes (Ouest) : 5 membres. "
        "Île-de-France – Paris 1 (Île-de-France) : 7 membres. "
        "Île-de-France – Paris 2 (Île-de-France) : 7 membres. 100% visio 1 (En visio) : 8 membres."
    )
    assert [len(m) for _g, m in stored] == [5, 5, 7, 7, 8]
    assert "Centre-Est" in res.text  # the text stays beside the picture

    smaller = await propose(fake, world.theme_a, min_size=6, max_size=8)
    (picture,) = smaller.files
    assert "face aux bornes de 6 à 8" in (picture.description or "")
    assert "sous le minimum" not in (picture.description or "")


async def test_status_stacks_accepted_pending_and_declined_per_group(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    invited, _res = await published(fake, clock, sqlite_engine)
    group, people = invited.group, invited.people
    stored = await invitations(sqlite_engine, group.id)
    first, second = people[0], people[1]
    (dm,) = dms(fake, first)
    await (await fake.click(dm, ACCEPT.format(stored[first.id].id), user=first)).wait_followup()
    (dm,) = dms(fake, second)
    await fake.click(dm, DECLINE.format(stored[second.id].id), user=second)
    answer = await fake.submit_modal(
        f"sip:inv:{stored[second.id].id}:reason", {"reason": "Pas le soir."}, user=second
    )
    await answer.wait_followup()
    res = await fake.slash(
        "groups status", options={"theme": f"#{invited.world.theme_b.id}"}, locale="en-US"
    )
    assert res.ephemeral and "1 group: 1 in it, 3 not answered yet, 1 declined" in res.text
    (picture,) = res.files
    assert picture.filename == "groups-status.png"
    keep("groups-status.png", picture.data)
    image = png(picture.data)
    assert image.size == (1000, height(1, 1))
    for colour in (BLUE, ORANGE, MUTED):  # accepted, not answered, declined
        assert count_near(image, colour) > 400, colour
    assert picture.description == (
        "Horizon post-crise: 1 group; per group, who accepted, who has not answered yet and "
        "who declined, the places (accepted and not answered) against the bounds of 5 to 12. "
        "100% visio 1 (Online): 1 accepted, 3 not answered, 1 declined, 0 let the deadline "
        "pass; 4 places, under the minimum of 5."
    )
