"""The interest poll's answers as a CSV file, one line per member who voted or has a
profile: semicolons and a BOM, what spreadsheet software in France and Belgium opens
as is."""

from __future__ import annotations

import csv
import io

from storage.models import MemberProfile, Office, Theme

COLUMNS = [
    "member_id", "display_name", "themes", "office", "region", "mode", "facilitate", "take_notes",
]  # fmt: skip


def export_csv(
    votes: dict[int, set[int]],
    profiles: dict[int, MemberProfile],
    offices: dict[str, Office],
    themes: dict[int, Theme],
    names: dict[int, str],
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    for member in sorted(set(votes) | set(profiles)):
        profile = profiles.get(member)
        office = offices.get(profile.office) if profile and profile.office else None
        titles = sorted(themes[t].title for t in votes.get(member, set()) if t in themes)
        writer.writerow([
            str(member), names.get(member, ""), " | ".join(titles),
            profile.office if profile and profile.office else "", office.region if office else "",
            profile.mode if profile and profile.mode else "",
            "yes" if profile and profile.facilitate else "no", "yes" if profile and profile.take_notes else "no",
        ])  # fmt: skip
    return buffer.getvalue().encode("utf-8-sig")
