"""The whole of `/setup check` for one server, and its words: what `/setup check` shows
in Discord and `sipbot check` prints on a terminal, from the same findings.

`gather` runs setup's own checks (checkup.py), then every feature's registered with
bot/kit/checkup.py, then the scheduled work in trouble; `line` words one finding in a
reader's language.
"""

from __future__ import annotations

from datetime import timedelta

import discord

from bot.kit import ui
from bot.kit.checkup import Finding
from bot.kit.i18n import Tr
from bot.services import Services
from bot.setup import checkup
from storage import work as work_store
from storage.models import GuildConfig

LEVEL_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}
# /setup check lists work failing after this many attempts, or refused for good this recently
TROUBLED_ATTEMPTS = 3
TROUBLED_SINCE = timedelta(days=30)


async def gather(services: Services, guild: discord.Guild, config: GuildConfig) -> list[Finding]:
    findings = checkup.diagnose(guild, config)
    findings += await services.checkup.run(guild, config)
    async with services.db() as db:
        since = services.clock.now() - TROUBLED_SINCE
        findings += checkup.check_work(
            await work_store.troubled(db, guild.id, min_attempts=TROUBLED_ATTEMPTS, since=since)
        )
    return findings


def summary(tr: Tr, findings: list[Finding]) -> str:
    errors = sum(1 for f in findings if f.level == "error")
    return tr("check.summary.bad", count=errors) if errors else tr("check.summary.ok")


def permission_list(tr: Tr, names: list[str]) -> str:
    return ", ".join(f"**{tr('permname.' + name)}**" for name in names)


def line(tr: Tr, finding: Finding) -> str:
    params = dict(finding.params)
    if "permission" in params:
        params["permission"] = tr("permname." + params["permission"])
        params["why"] = tr(params["why"])
    if "missing" in params:
        params["missing"] = permission_list(tr, params["missing"])
    if "objects" in params:
        params["objects"] = ", ".join(tr(f"check.object.{kind}") for kind in params["objects"])
    if "kind" in params:
        params["kind"] = work_kind(tr, params["kind"])
    if "due" in params:
        params["due"] = ui.timestamp(params["due"])
    return f"{LEVEL_ICON[finding.level]} {tr(finding.key, **params)}"


def work_kind(tr: Tr, kind: str) -> str:
    """A kind of scheduled work in the reader's words; one this version does not know
    (added by a newer one sharing the database) is named generically."""
    key = f"check.work.kind.{kind}"
    if tr.catalog.has(tr.language, key) or tr.catalog.has("en", key):
        return tr(key)
    return tr("check.work.kind.other", kind=kind)
