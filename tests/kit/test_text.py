from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.kit.text import EXCERPT, excerpt, pack, split_text


@given(
    st.text(alphabet=st.sampled_from("ab \n"), max_size=9000),
    st.integers(min_value=10, max_value=2000),
)
def test_chunks_rebuild_the_text_and_respect_the_limit(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert "".join(chunks) == text
    assert all(len(chunk) <= limit for chunk in chunks)


def test_splits_at_a_space_not_inside_a_word() -> None:
    text = ("mot " * 600).strip()
    chunks = split_text(text, 2000)
    assert len(chunks) == 2
    assert all(not chunk.startswith("ot") for chunk in chunks)
    assert chunks[0].endswith(" ")


@given(
    st.lists(st.text(alphabet=st.sampled_from("ab <@>"), min_size=1, max_size=60), max_size=200),
    st.integers(min_value=60, max_value=1024),
)
def test_pack_keeps_every_token_whole_and_in_order(tokens: list[str], limit: int) -> None:
    blocks = pack(tokens, limit, ", ")
    assert all(len(block) <= limit for block in blocks)
    assert ", ".join(blocks) == ", ".join(tokens)


@given(st.text(max_size=7000))
def test_an_excerpt_is_one_short_line_that_begins_like_the_value(value: str) -> None:
    quoted = excerpt(value)
    assert len(quoted) <= EXCERPT
    assert "\n" not in quoted and "\r" not in quoted
    flat = " ".join(value.split())
    assert quoted == flat or (quoted.endswith("…") and flat.startswith(quoted[:-1]))


def test_a_six_thousand_character_value_is_quoted_as_a_hundred() -> None:
    quoted = excerpt("5m," * 2000)
    assert len(quoted) == EXCERPT and quoted.startswith("5m,5m,") and quoted.endswith("…")
