"""The checks features register for `/setup check`: run in the order registered, a
name registered again replaces its check, an unregistered one no longer runs."""

from __future__ import annotations

from typing import Any, cast

from bot.kit.checkup import Checkup, Finding


def check_saying(key: str) -> Any:
    async def check(guild: object, config: object) -> list[Finding]:
        return [Finding("error", key, {"guild": guild})]

    return check


async def test_checks_run_in_the_order_registered_and_a_name_counts_once() -> None:
    checkup = Checkup()
    checkup.register("themes", check_saying("check.theme.missing"))
    checkup.register("groups", check_saying("check.group.missing"))
    checkup.register("themes", check_saying("check.theme.again"))  # a reloaded cog
    guild, config = cast(Any, "guild"), cast(Any, "config")
    found = await checkup.run(guild, config)
    assert [f.key for f in found] == ["check.theme.again", "check.group.missing"]
    assert found[0].params == {"guild": "guild"}
    checkup.unregister("themes")
    checkup.unregister("unknown")  # unloading twice is harmless
    assert [f.key for f in await checkup.run(guild, config)] == ["check.group.missing"]
