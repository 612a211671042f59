"""The general assembly's vote: options, ballots and the count (pure rules).

Options are typed in one field, separated by semicolons, or by commas when the text
has no semicolon (so "Horizon, après-crise; Égalité" keeps its comma). Between 2 and
25 options (a Discord select menu holds 25), each at most 100 characters, no two the
same once trimmed and compared without case. Options may also come from the cycle
(the shortlisted proposals, the themes that could be prolonged: bot/assembly/ballot.py),
typed ones after them; the same limits hold for the whole ballot.

Approval: a ballot is the set of options the member supports; an option scores one
point per ballot that names it.

Ranked (Borda count): with n options, a ballot's first choice gets n-1 points, the
second n-2, and so on. A member may stop ranking at any point: the options they left
out get 0 points from that ballot (ranking everything is how a member tells apart the
options they like least). So a full ranking hands out n(n-1)/2 points and a partial
one fewer.

The order of the results is total and reproducible: highest score first; equal scores
are ordered by first places (ranked only), then by the number of ballots naming the
option, then by the order in which the options were given. Options whose score equals
another's are flagged `tied`, so the post can say how the tie was broken. The winners
of a closed vote (the next cycle's themes) are the best placed options someone
supported, as many as there are seats, in that order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.kit.user_error import UserError

APPROVAL, RANKED = "approval", "ranked"
METHODS = (APPROVAL, RANKED)
MIN_OPTIONS, MAX_OPTIONS = 2, 25
OPTION_MAX = 100
TITLE_MAX = 100
_SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def split_options(text: str | None) -> list[str]:
    """The options typed by the organiser, in order, cleaned (none when nothing is typed)."""
    if not text:
        return []
    separator = ";" if ";" in text else ","
    options = [_clean(part) for part in text.split(separator)]
    return [option for option in options if option]


def check_options(options: Sequence[str]) -> list[str]:
    """The ballot's options as given, or a UserError saying what to fix."""
    if len(options) < MIN_OPTIONS:
        raise UserError("error.assembly.options.too_few", minimum=MIN_OPTIONS)
    if len(options) > MAX_OPTIONS:
        raise UserError("error.assembly.options.too_many", count=len(options), maximum=MAX_OPTIONS)
    seen: set[str] = set()
    for option in options:
        if len(option) > OPTION_MAX:
            raise UserError(
                "error.assembly.options.too_long", value=option + "…", maximum=OPTION_MAX
            )
        key = option.casefold()
        if key in seen:
            raise UserError("error.assembly.options.duplicate", value=option)
        seen.add(key)
    return list(options)


def parse_options(text: str) -> list[str]:
    """The options typed by the organiser, in order, or a UserError saying what to fix."""
    return check_options(split_options(text))


def option_label(text: str) -> str:
    """An option the bot words itself ("Prolonger : <a theme's title>"), held to the
    length of an option (a select menu's label) without cutting a word in the middle
    when it can help it."""
    label = _clean(text)
    if len(label) <= OPTION_MAX:
        return label
    cut = label.rfind(" ", 0, OPTION_MAX)
    return label[: cut if cut > OPTION_MAX // 2 else OPTION_MAX - 1].rstrip() + "…"


def check_title(text: str) -> str:
    title = _clean(text)
    if not title or len(title) > TITLE_MAX:
        raise UserError("error.assembly.title", maximum=TITLE_MAX)
    return title


def check_method(method: str) -> str:
    if method not in METHODS:
        raise UserError("error.assembly.method", value=method)
    return method


# ------------------------------------------------------------------ ballots
def approval_ballot(choices: Iterable[int], count: int) -> list[int]:
    """The stored form of an approval ballot: distinct option indexes, ascending."""
    chosen = sorted(set(choices))
    if any(not 0 <= index < count for index in chosen):
        raise UserError("error.assembly.ballot.invalid")
    return chosen


def add_preference(ranking: Sequence[int], option: int, count: int) -> list[int]:
    """The ranking with `option` as the next preference. An option already ranked stays
    where it is (a second click on a stale menu changes nothing)."""
    if not 0 <= option < count:
        raise UserError("error.assembly.ballot.invalid")
    if option in ranking:
        return list(ranking)
    return [*ranking, option]


def undo_preference(ranking: Sequence[int]) -> list[int]:
    return list(ranking[:-1])


def ranked_ballot(choices: Sequence[int], count: int) -> list[int]:
    """A stored ranking read back: out-of-range or repeated entries are refused."""
    if len(set(choices)) != len(choices) or any(not 0 <= c < count for c in choices):
        raise UserError("error.assembly.ballot.invalid")
    return list(choices)


# ------------------------------------------------------------------ counting
@dataclass(frozen=True)
class Standing:
    option: int  # index in the options as given
    label: str
    score: int  # approvals, or Borda points
    firsts: int  # ballots ranking it first (ranked only; 0 for approval)
    mentions: int  # ballots naming it at all
    place: int  # 1-based, after breaking ties
    tied: bool  # another option has the same score


@dataclass(frozen=True)
class Result:
    method: str
    ballots: int
    standings: tuple[Standing, ...]

    @property
    def tie_broken(self) -> bool:
        return any(s.tied for s in self.standings)


def borda_points(count: int, position: int) -> int:
    """Points for the option at `position` (0-based) of a ranking among `count` options."""
    return count - 1 - position


def tally(method: str, options: Sequence[str], ballots: Iterable[Sequence[int]]) -> Result:
    """Count ballots (each a list of option indexes; ranked: in order of preference)."""
    count = len(options)
    scores, firsts, mentions = [0] * count, [0] * count, [0] * count
    cast = 0
    for ballot in ballots:
        cast += 1
        for position, option in enumerate(ballot):
            mentions[option] += 1
            if method == RANKED:
                scores[option] += borda_points(count, position)
                if position == 0:
                    firsts[option] += 1
            else:
                scores[option] += 1
    order = sorted(range(count), key=lambda i: (-scores[i], -firsts[i], -mentions[i], i))
    score_counts: dict[int, int] = {}
    for score in scores:
        score_counts[score] = score_counts.get(score, 0) + 1
    standings = tuple(
        Standing(
            option=i,
            label=options[i],
            score=scores[i],
            firsts=firsts[i],
            mentions=mentions[i],
            place=place,
            tied=score_counts[scores[i]] > 1,
        )
        for place, i in enumerate(order, start=1)
    )
    return Result(method=method, ballots=cast, standings=standings)


@dataclass(frozen=True)
class Winners:
    standings: tuple[Standing, ...]  # in the results' order
    tie_at_cut: bool  # the first option left out scored as much as the last one taken


def winners(result: Result, seats: int) -> Winners:
    """The `seats` best placed options that someone supported (an option no ballot gave a
    point never wins), in the results' order: equal scores are decided by the count's own
    tie-breaks (first places, then ballots naming it, then the order given). Fewer when
    fewer options were supported."""
    if seats < 1:
        raise UserError("error.assembly.seats", value=seats)
    supported = [standing for standing in result.standings if standing.score > 0]
    chosen = tuple(supported[:seats])
    tie = len(supported) > seats and supported[seats].score == chosen[-1].score
    return Winners(chosen, tie)
