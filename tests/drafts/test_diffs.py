"""The unified diff between two versions of a draft, applied with GNU `patch`: the old
text patched gives the new one byte for byte — last line changed, added or removed,
with or without a final newline, CRLF, unicode — inline in Discord or attached."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import SipBot
from bot.drafts.rules import NO_NEWLINE, diff_lines, unified_diff
from tests.clock import MovableClock
from tests.drafts.helpers import drafts, revise, versions, write_draft
from tests.drafts.patching import apply_patch
from tests.fakediscord import FakeDiscord
from tests.sessions.helpers import published_group

LAST = "24. Un référent par région, proposé par Étienne."
BEFORE = "Propositions du groupe :\n\n1. Un budget.\n" + LAST
AFTER = "Propositions du groupe :\n\n1. Un budget.\n24. [v3] Un référent par région."

CASES = {
    "last line changed": (BEFORE, AFTER),
    "last line added": (BEFORE, BEFORE + "\n25. Une charte."),
    "last line removed": (BEFORE, BEFORE.rsplit("\n", 1)[0]),
    "final newline added": (BEFORE, BEFORE + "\n"),
    "final newline removed": (BEFORE + "\n", BEFORE),
    "both with a final newline": (BEFORE + "\n", AFTER + "\n"),
    "first line changed only": ("a\nb\nc", "A\nb\nc"),
    "crlf, last line changed": (BEFORE.replace("\n", "\r\n"), AFTER.replace("\n", "\r\n")),
    "crlf to lf": (BEFORE.replace("\n", "\r\n"), BEFORE),
    "unicode separators kept inside a line": ("a\u2028b\x0bc\x1cd\re", "a\u2028B\x0bc\x1cd\re"),
    "emoji and rtl": ("🙂 שלום\né", "🙂 שלום\nè\u200b"),
    "diff-looking lines": ("--- a\n+++ b\n@@ -1 +1 @@\n\\ x", "--- a\n+++ c\n@@ -1 +1 @@\n\\ y"),
    "one line to one line": ("seule", "unique"),
}


@pytest.mark.parametrize(("old", "new"), list(CASES.values()), ids=list(CASES))
def test_patch_turns_the_old_text_into_the_new_one_exactly(old: str, new: str) -> None:
    diff = unified_diff(old, new, "Un référent v1", "Un référent v2")
    assert diff.endswith("\n") and "\n\n" not in diff.replace("\n \n", "")
    assert apply_patch(old, diff) == new


def test_a_changed_last_line_gets_the_marker_on_both_sides() -> None:
    diff = unified_diff(BEFORE, AFTER, "v1", "v2")
    assert diff.endswith(
        f" 1. Un budget.\n-{LAST}\n{NO_NEWLINE}+24. [v3] Un référent par région.\n{NO_NEWLINE}"
    )
    assert "Étienne.+24." not in diff  # the glued line of the issue
    assert unified_diff(BEFORE + "\n", AFTER + "\n", "v1", "v2").count(NO_NEWLINE) == 0


def test_lines_are_cut_at_newlines_only_and_headers_stay_on_one_line() -> None:
    assert diff_lines("a\r\nb\u2028c\n\nd") == ["a\r\n", "b\u2028c\n", "\n", "d"]
    assert diff_lines("a\n") == ["a\n"] and diff_lines("") == []
    diff = unified_diff("a", "b", "Titre\nsur deux\tlignes v1", "  v2 ")
    assert diff.startswith("--- Titre sur deux lignes v1\n+++ v2\n@@ -1 +1 @@\n")
    assert unified_diff("même", "même", "v1", "v2") == ""


PIECES = ("\n", "\n", "\r\n", "\r", "a", "b", " ", "\t", "é", "🙂", "\u2028", "\x0b",
          "--- x", "+++ y", "@@ -1 +1 @@", "\\ No newline at end of file", "-", "+", "Étienne.")  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)


@settings(max_examples=40, deadline=None)
@given(old=texts, edit=st.tuples(st.integers(0, 200), st.integers(0, 200)), insert=texts)
@example(old=BEFORE, edit=(len(BEFORE) - 8, len(BEFORE)), insert="Marie.")
@example(old="a\nb", edit=(3, 3), insert="\n")
def test_any_edit_applies_exactly_with_patch(old: str, edit: tuple[int, int], insert: str) -> None:
    start, end = sorted(edit)
    new = old[:start] + insert + old[end:]
    diff = unified_diff(old, new, "v1", "v2")
    assert (diff == "") == (old == new)
    if diff:
        assert apply_patch(old, diff) == new


async def test_history_diff_inline_and_attached_apply_with_patch(
    fake: FakeDiscord, bot: SipBot, clock: MovableClock, sqlite_engine: AsyncEngine
) -> None:
    group = await published_group(fake, sqlite_engine, clock)
    await write_draft(fake, group, group.members[3], "Un référent", BEFORE)
    (draft,) = await drafts(sqlite_engine)
    await revise(fake, draft.id, group.secretary, AFTER, group.channel)
    long_text = "\n".join(f"{n}. Proposition numéro {n}, à discuter." for n in range(1, 80))
    await revise(fake, draft.id, group.secretary, long_text, group.channel)
    v1, v2, v3 = (v.text for v in await versions(sqlite_engine, draft.id))
    assert (v1, v2) == (BEFORE, AFTER)  # stored as typed: no final newline

    async def history(old: int, new: int) -> tuple[str, list[tuple[str, bytes]]]:
        res = await fake.slash(
            "draft history", user=group.members[5], channel=group.channel,
            options={"draft": f"#{draft.id}", "compare_from": old, "compare_to": new},
            locale="en-US",
        )  # fmt: skip
        shown = await res.wait_followup(1)
        return shown.content, [(a.filename, a.data) for a in shown.attachments]

    content, files = await history(1, 2)
    assert files == [] and len(content) <= 2000
    title, fenced = content.split("\n", 1)
    assert title == "Changes from version 1 to version 2:"
    assert fenced.startswith("```diff\n--- Un référent v1\n") and fenced.endswith("\n```")
    inline = fenced.removeprefix("```diff\n").removesuffix("```")
    assert inline == unified_diff(v1, v2, "Un référent v1", "Un référent v2")
    assert apply_patch(v1, inline) == v2  # what a member copies from Discord applies too

    content, files = await history(2, 3)
    assert content.splitlines() == [
        "Changes from version 2 to version 3:",
        "The changes are long: they are in the attached file.",
    ]
    ((name, data),) = files
    assert name == f"draft-{draft.id}-v2-v3.diff"
    assert len(data.decode()) > 1900 and apply_patch(v2, data.decode()) == v3
