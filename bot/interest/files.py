"""The interest poll's answers as a table, one line per member who voted or has a
profile, in the guild's language; `bot.kit.sheets` writes it as `.xlsx` and `.csv`.

The member's Discord id is text (19 digits that no spreadsheet may round); the number
of themes chosen is a number; the profile's last change is a date in the guild's zone.
"""

from __future__ import annotations

from bot.kit.i18n import Tr
from bot.kit.sheets import Column, Kind, Table
from storage.models import MemberProfile, Office, Theme

HEADERS = ["member_id", "display_name", "themes", "theme_count", "office", "region", "mode",
           "facilitate", "take_notes", "profile_updated"]  # fmt: skip
KINDS = {"theme_count": Kind.INTEGER, "profile_updated": Kind.MOMENT}


def answers(
    tr: Tr,
    votes: dict[int, set[int]],
    profiles: dict[int, MemberProfile],
    offices: dict[str, Office],
    themes: dict[int, Theme],
    names: dict[int, str],
) -> Table:
    columns = [Column(tr(f"interest.sheet.{h}"), KINDS.get(h, Kind.TEXT)) for h in HEADERS]
    yes, no = tr("sheet.yes"), tr("sheet.no")
    rows = []
    for member in sorted(set(votes) | set(profiles)):
        profile = profiles.get(member)
        office = offices.get(profile.office) if profile and profile.office else None
        titles = sorted(themes[t].title for t in votes.get(member, set()) if t in themes)
        rows.append([
            str(member), names.get(member), " | ".join(titles) or None, len(titles),
            profile.office if profile and profile.office else None, office.region if office else None,
            tr(f"interest.sheet.mode.{profile.mode}") if profile and profile.mode else None,
            (yes if profile.facilitate else no) if profile else None,
            (yes if profile.take_notes else no) if profile else None,
            profile.updated_at if profile else None,
        ])  # fmt: skip
    return Table("answers", tr("interest.sheet.title"), columns, rows)
