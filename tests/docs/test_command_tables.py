"""The tables of command names in README.md and docs/guide.fr.md are what the command
tree and its catalogues give today (regenerated in memory, as
`python -m scripts.command_names` would write them), and every command the prose names
exists under that name: in the README in any of the three languages (it shows a French
name here and there), in the French guide in French, as a French client shows them."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from scripts import command_names
from scripts.command_names import END, START, Command

ROOT = Path(__file__).resolve().parents[2]
CITED = re.compile(r"`(/[^`]+)`")
# backticked paths that are not commands: the HTTP pages of "Watching it"
NOT_COMMANDS = {"/healthz", "/metrics"}


@pytest.fixture(scope="module")
def commands() -> list[Command]:
    return asyncio.run(command_names.load_commands())


def test_the_generated_tables_are_up_to_date(commands: list[Command]) -> None:
    stale = [
        str(path.relative_to(ROOT))
        for path, (now, wanted) in command_names.rendered(commands, ROOT).items()
        if now != wanted
    ]
    assert not stale, f"run `python -m scripts.command_names`: {stale} out of date"


def test_the_tables_give_the_french_and_dutch_names_beside_the_english(
    commands: list[Command],
) -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "| `/setup roles [organiser] [member] [board]` | `/configurer rôles" in readme
    assert "| `/help` | `/aide` | `/hulp` |" in readme
    guide = (ROOT / "docs/guide.fr.md").read_text("utf-8")
    assert "| `/configurer vérifier` | Vérifier les permissions du bot" in guide
    assert len(commands) >= 50 and len({c.typed("fr") for c in commands}) == len(commands)


def prose(text: str) -> str:
    """The text outside the generated block."""
    head, rest = text.split(START, 1)
    return head + rest.split(END, 1)[1]


def unknown(cited: str, paths: set[tuple[str, ...]]) -> bool:
    """A cited command ("/configurer rôles [organisation]", "/groupes …") that does not
    start with a command or a group of commands of the tree."""
    words = cited.split()
    words[0] = words[0].removeprefix("/")
    prefixes = {path[:n] for path in paths for n in range(1, len(path) + 1)}
    depth = 0
    while depth < len(words) and tuple(words[: depth + 1]) in prefixes:
        depth += 1
    if depth == 0:
        return True
    whole = tuple(words[:depth]) in paths
    return not whole and depth < len(words) and words[depth] not in ("…", "...")


@pytest.mark.parametrize(
    ("document", "languages"), [("README.md", ("en", "fr", "nl")), ("docs/guide.fr.md", ("fr",))]
)
def test_every_command_the_prose_names_exists_under_that_name(
    commands: list[Command], document: str, languages: tuple[str, ...]
) -> None:
    paths = {c.path[language] for c in commands for language in languages}
    text = prose((ROOT / document).read_text("utf-8"))
    cited = {" ".join(m.split()) for m in CITED.findall(text)} - NOT_COMMANDS
    assert cited, f"{document} names no command"
    wrong = sorted(c for c in cited if "/" not in c[1:] and unknown(c, paths))
    assert not wrong, f"{document} names commands that do not exist in {languages}: {wrong}"
