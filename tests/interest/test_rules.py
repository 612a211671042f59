"""The interest tally: every vote counted once per theme and once in its region x mode."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from bot.interest.rules import NO_MODE, NO_REGION, tally


@dataclass(frozen=True)
class Profile:
    office: str | None
    mode: str | None


@dataclass(frozen=True)
class Office:
    region: str


OFFICES = {"Rennes": Office("Bretagne"), "Gent": Office("Vlaanderen")}


def test_members_without_a_complete_profile_count_and_are_listed_apart() -> None:
    votes = {1: {10, 11}, 2: {10}, 3: {11}}
    profiles = {1: Profile("Rennes", "online"), 2: Profile("Gent", None)}
    result = tally(votes, profiles, OFFICES)
    assert result.voters == 3
    assert result.per_theme == {10: 2, 11: 2}
    assert result.per_region[10] == {("Bretagne", "online"): 1, ("Vlaanderen", NO_MODE): 1}
    assert result.per_region[11] == {("Bretagne", "online"): 1, (NO_REGION, NO_MODE): 1}
    assert result.without_profile == {2, 3}


profiles_st = st.dictionaries(
    st.integers(0, 30),
    st.builds(
        Profile,
        st.sampled_from([None, "Rennes", "Gent", "Atlantis"]),
        st.sampled_from([None, "online", "in_person"]),
    ),
)


@given(st.dictionaries(st.integers(0, 30), st.sets(st.integers(0, 5), min_size=1)), profiles_st)
def test_each_theme_counts_its_voters_and_regions_add_up(
    votes: dict[int, set[int]], profiles: dict[int, Profile]
) -> None:
    result = tally(votes, profiles, OFFICES)
    assert result.voters == len(votes)
    for theme, count in result.per_theme.items():
        assert count == sum(1 for themes in votes.values() if theme in themes)
        assert sum(result.per_region[theme].values()) == count
    assert result.without_profile <= set(votes)
