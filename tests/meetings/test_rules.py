"""The seat rule (bot/meetings/rules.py), on any sequence of clicks: never more seated
than seats, no free seat while someone waits, the waitlist served first come first
served, online never holding a seat; and what may be scheduled."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.kit.user_error import UserError
from bot.meetings import rules
from bot.meetings.rules import Spot


@dataclass
class Roll:
    """The registrations of one meeting, changed only through the rules, as seats.py does."""

    capacity: int | None
    spots: dict[int, Spot] = field(default_factory=dict)
    counter: int = 0

    def taken(self) -> frozenset[int]:
        return frozenset(s.seat for s in self.spots.values() if s.seat is not None)

    def waiting(self) -> list[tuple[int, Spot]]:
        found = [(m, s) for m, s in self.spots.items() if s.state == rules.WAITLISTED]
        return sorted(found, key=lambda pair: pair[1].seq)

    def click(self, member: int, wanted: str) -> rules.Move:
        self.counter += 1
        move = rules.move(
            self.capacity, self.spots.get(member), wanted, seq=self.counter,
            taken=self.taken(), queue=len(self.waiting()),
        )  # fmt: skip
        if move.changed and move.spot is not None:
            self.spots[member] = move.spot
            line = self.waiting()
            for seat, (who, spot) in zip(
                rules.serve(self.capacity, self.taken(), len(line)), line, strict=False
            ):
                self.spots[who] = rules.seated(spot, seat)
        return move


clicks = st.lists(
    st.tuples(st.integers(0, 11), st.sampled_from(rules.CHOICES)), min_size=1, max_size=60
)


@settings(max_examples=300, deadline=None)
@given(capacity=st.one_of(st.none(), st.integers(1, 6)), script=clicks)
def test_any_sequence_of_clicks_keeps_the_seats_and_the_waitlist_right(
    capacity: int | None, script: list[tuple[int, str]]
) -> None:
    roll = Roll(capacity)
    for member, wanted in script:
        before = dict(roll.spots)
        try:
            move = roll.click(member, wanted)
        except UserError as refusal:
            # only a cancel from someone not registered is refused, and it changes nothing
            assert refusal.key == "error.meeting.not_registered" and wanted == rules.CANCEL
            assert roll.spots == before
            continue
        seats = [s.seat for s in roll.spots.values() if s.seat is not None]
        assert len(seats) == len(set(seats))
        assert all(1 <= seat <= (capacity or 0) for seat in seats)
        waiting = roll.waiting()
        if waiting:
            assert capacity is not None and len(seats) == capacity  # no idle seat
        for spot in roll.spots.values():
            if spot.mode == rules.ONLINE or spot.state != rules.REGISTERED:
                assert spot.seat is None
            elif capacity is not None:
                assert spot.seat is not None
        assert len({s.seq for s in roll.spots.values()}) == len(roll.spots)
        if not move.changed:
            assert roll.spots == before
        line = sorted((s.seq, m) for m, s in before.items() if s.state == rules.WAITLISTED)
        seated_now = {m for m, s in roll.spots.items() if s.seat is not None}
        seated_before = {m for m, s in before.items() if s.seat is not None}
        newly = seated_now - seated_before - {member}
        # first come, first served: those given a seat are the first in line, in order
        assert newly == {m for _seq, m in line[: len(newly)]}
        # and nobody jumps the line: a click gets a seat only when nobody was waiting
        if member in seated_now - seated_before:
            assert not [m for _seq, m in line if m != member]


def test_three_seats_five_members_then_one_cancels() -> None:
    roll = Roll(3)
    for member in range(5):
        roll.click(member, rules.IN_PERSON)
    assert [(m, s.state, s.seat) for m, s in sorted(roll.spots.items())] == [
        (0, "registered", 1), (1, "registered", 2), (2, "registered", 3),
        (3, "waitlisted", None), (4, "waitlisted", None),
    ]  # fmt: skip
    move = roll.click(1, rules.CANCEL)
    assert move.freed == 2
    assert (roll.spots[3].state, roll.spots[3].seat) == ("registered", 2)
    assert roll.spots[4].state == "waitlisted"


def test_a_click_on_the_same_choice_changes_nothing_and_keeps_the_place_in_line() -> None:
    roll = Roll(1)
    roll.click(0, rules.IN_PERSON)
    roll.click(1, rules.IN_PERSON)
    place = roll.spots[1]
    assert not roll.click(1, rules.IN_PERSON).changed
    assert roll.spots[1] == place


def test_going_online_frees_the_seat_and_coming_back_queues_at_the_end() -> None:
    roll = Roll(1)
    roll.click(0, rules.IN_PERSON)
    roll.click(1, rules.IN_PERSON)
    assert roll.click(0, rules.ONLINE).freed == 1
    assert roll.spots[1].seat == 1
    roll.click(0, rules.IN_PERSON)
    assert roll.spots[0].state == rules.WAITLISTED


def test_what_a_meeting_needs() -> None:
    with pytest.raises(UserError, match=r"error.meeting.nowhere"):
        rules.check_where(None, False, None)
    with pytest.raises(UserError, match=r"error.meeting.capacity_without_place"):
        rules.check_where(None, True, 10)
    rules.check_where("Lyon", False, 10)
    assert rules.check_title("  Webinaire\n égalité ") == "Webinaire égalité"
    with pytest.raises(UserError, match=r"error.meeting.title_empty"):
        rules.check_title(" ")
    assert rules.check_url(" https://visio.example.org/a ") == "https://visio.example.org/a"
    assert rules.check_url("") is None
    with pytest.raises(UserError, match=r"error.meeting.visio"):
        rules.check_url("javascript:alert(1)")
    assert rules.offered(True, False) == ("in_person", "cancel")
    assert rules.offered(False, True) == ("online", "cancel")
    assert rules.seats_left(3, 5) == 0 and rules.seats_left(None, 5) is None
