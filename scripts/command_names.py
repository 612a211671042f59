"""The tables of command names in README.md and docs/guide.fr.md, generated from the
bot's command tree and its catalogues: each command as an English, a French and a Dutch
Discord client show it (a French client lists `/configurer rôles`, and typing
`/setup` there finds nothing).

    python -m scripts.command_names           rewrites the marked blocks
    python -m scripts.command_names --check   exits 1 when a block is out of date

The names are the ones Discord is given at sync: the tree is loaded as the bot loads it
(every cog, over a throwaway migrated SQLite database, without connecting) and each
command's payload is translated by the bot's own translator (bot/kit/translator.py).
Each file keeps one block between `<!-- commands:start -->` and `<!-- commands:end -->`;
tests/docs/test_command_tables.py fails when one differs from what this renders.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- commands:start -->", "<!-- commands:end -->"
SUBCOMMAND, GROUP = 1, 2
LANGUAGES = ("en", "fr", "nl")


@dataclass(frozen=True)
class Command:
    """One command a person types: its path and options, in each language."""

    path: Mapping[str, tuple[str, ...]]  # language -> ("configurer", "rôles")
    options: Mapping[str, tuple[str, ...]]  # language -> ("organisation", "[membre]")
    description: Mapping[str, str]

    def typed(self, language: str, *, with_options: bool = True) -> str:
        words = [*self.path[language], *(self.options[language] if with_options else ())]
        return "/" + " ".join(words)


def _name(part: Mapping[str, Any], language: str) -> str:
    if language == "en":
        return str(part["name"])
    return str((part.get("name_localizations") or {}).get(language) or part["name"])


def _description(part: Mapping[str, Any], language: str) -> str:
    if language == "en":
        return str(part.get("description") or "")
    found = (part.get("description_localizations") or {}).get(language)
    return str(found or part.get("description") or "")


def _leaves(
    payload: Mapping[str, Any], above: tuple[Mapping[str, Any], ...] = ()
) -> Iterator[Command]:
    chain = (*above, payload)
    options = list(payload.get("options") or [])
    nested = [o for o in options if o.get("type") in (SUBCOMMAND, GROUP)]
    if nested:
        for option in nested:
            yield from _leaves(option, chain)
        return
    yield Command(
        path={lang: tuple(_name(p, lang) for p in chain) for lang in LANGUAGES},
        options={
            lang: tuple(
                _name(o, lang) if o.get("required") else f"[{_name(o, lang)}]" for o in options
            )
            for lang in LANGUAGES
        },
        description={lang: _description(payload, lang) for lang in LANGUAGES},
    )


async def load_commands() -> list[Command]:
    """Every command of the tree, in the order the bot registers them."""
    from bot.app import EXTENSIONS, SipBot
    from bot.kit.clock import SystemClock
    from bot.kit.i18n import Catalog
    from bot.kit.translator import CommandTranslator
    from bot.services import Services
    from config.settings import Settings
    from storage.database import create_engine, migrate, session_factory

    with tempfile.TemporaryDirectory(prefix="sipbot-names-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'names.db'}"
        engine = create_engine(url)
        try:
            await migrate(engine)
            catalog = Catalog.load()
            services = Services(
                settings=Settings(database_url=url), engine=engine,
                db=session_factory(engine), clock=SystemClock(), catalog=catalog,
            )  # fmt: skip
            bot = SipBot(services)
            translator = CommandTranslator(catalog)
            try:
                await bot.tree.set_translator(translator)
                for name in EXTENSIONS:
                    await bot.load_extension(name)
                payloads = [
                    await command.get_translated_payload(bot.tree, translator)
                    for command in bot.tree.get_commands()
                ]
            finally:
                await bot.close()
        finally:
            await engine.dispose()
    return [leaf for payload in payloads for leaf in _leaves(payload)]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def readme_table(commands: list[Command]) -> str:
    lines = ["| English | Français | Nederlands |", "|---|---|---|"]
    lines += [
        "| " + " | ".join(f"`{_cell(c.typed(lang))}`" for lang in LANGUAGES) + " |"
        for c in commands
    ]
    return "\n".join(lines)


def guide_table(commands: list[Command]) -> str:
    lines = ["| commande | ce qu'elle fait | en anglais |", "|---|---|---|"]
    lines += [
        f"| `{_cell(c.typed('fr'))}` | {_cell(c.description['fr'])} | `{_cell(c.typed('en'))}` |"
        for c in commands
    ]
    return "\n".join(lines)


TABLES = {"README.md": readme_table, "docs/guide.fr.md": guide_table}


def with_block(text: str, table: str, where: str) -> str:
    """`text` with its marked block replaced by `table`."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"{where} must hold one {START} … {END} block")
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def rendered(commands: list[Command], root: Path = ROOT) -> dict[Path, tuple[str, str]]:
    """path -> (what it holds, what it should hold)."""
    out: dict[Path, tuple[str, str]] = {}
    for relative, table in TABLES.items():
        path = root / relative
        text = path.read_text("utf-8")
        out[path] = (text, with_block(text, table(commands), relative))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say whether they are up to date")
    args = parser.parse_args(argv)
    found = rendered(asyncio.run(load_commands()))
    stale = [path for path, (now, wanted) in found.items() if now != wanted]
    if args.check:
        for path in stale:
            sys.stderr.write(f"{path.relative_to(ROOT)}: command names out of date\n")
        return 1 if stale else 0
    for path in stale:
        path.write_text(found[path][1], "utf-8")
        sys.stdout.write(f"rewrote {path.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
