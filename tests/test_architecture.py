"""The house's rules (/work/shared/ARCHITECTURE.md), read from the source with `ast`.

Pure rules stay pure; a feature reaches another only through its pure rules or its
package; storage knows nothing of Discord or the bot, the kit nothing of the features;
files stay under 400 lines; no module imports one that imports it back, not even for
the type checker. No project module is imported here, so a module that no longer
imports is still judged. Imports inside functions and under `if TYPE_CHECKING:` count
like any other: the type checker follows them too.

That no two commands share a full name needs the loaded cogs: it is held by
tests/kit/test_commands_and_catalogues.py (test_localised_names_follow_discord_rules...).

Each checker takes the root of a tree, so the tests at the end run it on a tiny tree
with one violation and see it reported: a checker that finds nothing is not trusted.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("bot", "cogs", "storage", "config")
IO_LIBRARIES = {"discord", "aiohttp", "sqlalchemy", "alembic", "yarl"}
MAX_LINES = 400
# The wiring beside bot/app.py, bot/services.py and bot/__main__.py: the command line puts
# the app and the features together (`sipbot check` runs /setup check), as the app does.
WIRING = ("cli",)
# Pure besides every bot/<feature>/rules.py: no discord, no storage, no I/O.
ALSO_PURE = (
    "bot/groups/proposal.py",
    "bot/groups/consent.py",
    "bot/groups/sharing.py",
    "bot/groups/samples.py",
    "bot/groups/guest_rules.py",
    "bot/kit/user_error.py",
    "bot/kit/dates.py",
    "bot/kit/text.py",
    "bot/kit/jsonout.py",
)


@dataclass(frozen=True)
class Import:
    path: str  # the importing file, relative to the root
    line: int
    target: str  # the module imported (`from a import b` is a.b when b is a module)

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.target}"


def module_of(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources(root: Path, *layers: str) -> list[Path]:
    return sorted(p for layer in layers for p in (root / layer).rglob("*.py"))


def known_modules(root: Path) -> set[str]:
    return {module_of(root, path) for path in sources(root, *LAYERS)}


def imports_of(root: Path, path: Path, modules: set[str]) -> list[Import]:
    name = module_of(root, path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    relative = str(path.relative_to(root))
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=relative)):
        if isinstance(node, ast.Import):
            found += [Import(relative, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            origin = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{origin}.{alias.name}"
                found.append(
                    Import(relative, node.lineno, submodule if submodule in modules else origin)
                )
    return list(dict.fromkeys(found))  # `from a import b, c` is one import of a


def all_imports(root: Path, *layers: str) -> Iterator[Import]:
    modules = known_modules(root)
    for path in sources(root, *layers):
        yield from imports_of(root, path, modules)


def top(target: str) -> str:
    return target.split(".")[0]


def within(target: str, module: str) -> bool:
    return target == module or target.startswith(module + ".")


# ------------------------------------------------------------------ the checkers
def pure_modules(root: Path) -> list[Path]:
    return sorted(root.glob("bot/*/rules.py")) + [root / p for p in ALSO_PURE]


def impure_imports(root: Path) -> list[str]:
    pure = pure_modules(root)
    missing = [str(p.relative_to(root)) for p in pure if not p.exists()]
    if missing:
        return [f"{p}: listed as pure but does not exist" for p in missing]
    allowed = {module_of(root, p) for p in pure}
    modules = known_modules(root)
    wrong: list[str] = []
    for path in pure:
        for imported in imports_of(root, path, modules):
            if top(imported.target) in IO_LIBRARIES:
                wrong.append(
                    f"{imported}: pure rules never touch Discord, the network or a database"
                )
            elif top(imported.target) in LAYERS and imported.target not in allowed:
                wrong.append(f"{imported}: pure rules import only other pure modules")
    return wrong


def features(root: Path) -> set[str]:
    """The packages under bot/ but the kit, and the cogs (cogs/<feature>.py or a package)."""
    packages = {p.parent.name for p in root.glob("bot/*/__init__.py")}
    cog_files = {p.stem for p in root.glob("cogs/*.py")}
    cog_packages = {p.parent.name for p in root.glob("cogs/*/__init__.py")}
    return (packages | cog_files | cog_packages) - {"kit", "__init__", *WIRING}


def owner(path: str) -> tuple[str, bool] | None:
    """(feature, whether the file is one of its cogs), or None outside the features."""
    parts = Path(path).parts
    if parts[0] == "bot" and len(parts) > 2 and parts[1] not in ("kit", *WIRING):
        return parts[1], False
    if parts[0] == "cogs" and parts[1] != "__init__.py":
        return Path(parts[1]).stem, True
    return None


def feature_refusal(imported: Import, known: set[str]) -> str | None:
    """Why a feature's file may not import this, or None when it may."""
    found = owner(imported.path)
    if found is None or top(imported.target) not in LAYERS:
        return None
    feature, in_cogs = found
    target = imported.target
    parts = target.split(".")
    if top(target) in ("storage", "config") or within(target, "bot.kit"):
        return None
    if target == "bot.services" or within(target, f"bot.{feature}"):
        return None
    if within(target, f"cogs.{feature}"):
        return None
    if target == "bot.app":
        return None if in_cogs else "only the cogs know the app; take bot.kit.host.Host"
    if parts[0] == "bot" and len(parts) > 1 and parts[1] in known:
        if len(parts) == 2 or parts[2:] == ["rules"]:
            return None
        return (
            f"feature {feature} reaches into feature {parts[1]}: only bot.{parts[1]}.rules or "
            f"the package bot.{parts[1]} are open to others; share through bot/kit/ or dispatch "
            "an event the other listens to"
        )
    if parts[0] == "cogs":
        return f"feature {feature} imports another feature's commands"
    return f"feature {feature} may import only the kit, bot.services, storage, config, itself"


def cross_feature_imports(root: Path) -> list[str]:
    known = features(root)
    return [
        f"{imported}: {why}"
        for imported in all_imports(root, "bot", "cogs")
        if (why := feature_refusal(imported, known)) is not None
    ]


def kit_imports_of_features(root: Path) -> list[str]:
    known = features(root)
    wrong: list[str] = []
    for imported in all_imports(root, "bot/kit"):
        parts = imported.target.split(".")
        if parts[0] == "cogs" or (parts[0] == "bot" and len(parts) > 1 and parts[1] in known):
            wrong.append(f"{imported}: the kit serves every feature and imports none")
        elif parts[0] == "bot" and len(parts) > 1 and parts[1] in WIRING:
            wrong.append(f"{imported}: the kit serves the command line and imports it not")
        elif imported.target == "bot.app":
            wrong.append(
                f"{imported}: the kit takes bot.kit.host.Host, not the app that imports it"
            )
    return wrong


def storage_imports_of_discord_or_bot(root: Path) -> list[str]:
    return [
        f"{imported}: storage knows neither Discord nor the bot"
        for imported in all_imports(root, "storage")
        if top(imported.target) in ("discord", "aiohttp", "bot", "cogs")
    ]


def long_files(root: Path) -> list[str]:
    found = []
    for path in sources(root, *LAYERS):
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            found.append(f"{path.relative_to(root)}: {count} lines (at most {MAX_LINES})")
    return found


def import_cycles(root: Path) -> list[str]:
    graph: dict[str, set[str]] = {}
    modules = known_modules(root)
    for imported in all_imports(root, *LAYERS):
        source = module_of(root, root / imported.path)
        if imported.target in modules and imported.target != source:
            graph.setdefault(source, set()).add(imported.target)
    return ["import cycle: " + " -> ".join(cycle) for cycle in _cycles(graph)]


def _cycles(graph: dict[str, set[str]]) -> Iterable[list[str]]:
    """One shortest cycle per knot of modules that all reach each other."""
    reach = {module: _reachable(graph, module) for module in graph}
    reported: set[str] = set()
    for start in sorted(graph):
        if start in reported or start not in reach[start]:
            continue
        reported |= {m for m in reach[start] if start in reach.get(m, set())}
        path = _shortest_path(graph, start, start)
        assert path is not None
        yield path


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def _shortest_path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph.get(node, ())):
                if nxt == goal:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), goal]
                if nxt not in came_from and nxt != start:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    return None


# ------------------------------------------------------------------ the rules
def broken(found: list[str]) -> None:
    """Every violation on a line of its own: the file, the import, the rule."""
    assert not found, "\n" + "\n".join(found)


def test_pure_rules_import_neither_discord_nor_storage_nor_any_impure_module() -> None:
    broken(impure_imports(ROOT))


def test_a_feature_reaches_another_only_through_its_rules_or_its_package() -> None:
    broken(cross_feature_imports(ROOT))


def test_the_kit_imports_no_feature_no_cog_and_not_the_app() -> None:
    broken(kit_imports_of_features(ROOT))


def test_storage_imports_neither_discord_nor_the_bot() -> None:
    broken(storage_imports_of_discord_or_bot(ROOT))


def test_no_source_file_is_over_400_lines() -> None:
    broken(long_files(ROOT))


def test_no_modules_import_each_other_not_even_for_the_type_checker() -> None:
    broken(import_cycles(ROOT))


def test_every_feature_is_known_to_the_rules() -> None:
    assert {"setup", "themes", "groups", "drafts", "synthesis", "help"} <= features(ROOT)


# ------------------------------------------------------------------ the checkers catch
def tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A tiny project: the pure modules the rules expect, and `files`."""
    for name in ("bot/__init__.py", "bot/kit/__init__.py", "cogs/__init__.py", *ALSO_PURE):
        files.setdefault(name, "")
    for name in ("themes", "drafts"):
        files.setdefault(f"bot/{name}/__init__.py", "")
        files.setdefault(f"bot/{name}/rules.py", "")
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


TYPE_ONLY = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    {}\n"


@pytest.mark.parametrize(
    ("files", "check", "expected"),
    [
        ({"bot/themes/rules.py": "import discord\n"}, impure_imports, "imports discord"),
        ({"bot/groups/sharing.py": "from storage import groups\n"}, impure_imports, "storage"),
        ({"bot/kit/text.py": "from bot.kit import ui\n", "bot/kit/ui.py": ""}, impure_imports, "bot.kit.ui"),
        ({"bot/drafts/posts.py": "", "bot/themes/objects.py": "from bot.drafts import posts\n"},
         cross_feature_imports, "imports bot.drafts.posts: feature themes reaches into feature drafts"),
        ({"bot/drafts/posts.py": "", "cogs/themes.py": TYPE_ONLY.format("from bot.drafts.posts import x")},
         cross_feature_imports, "cogs/themes.py:3 imports bot.drafts.posts"),
        ({"bot/app.py": "", "bot/drafts/service.py": TYPE_ONLY.format("from bot.app import SipBot")},
         cross_feature_imports, "only the cogs know the app"),
        ({"bot/kit/forms.py": "from bot.themes import rules\n"}, kit_imports_of_features, "imports none"),
        ({"bot/kit/forms.py": "import cogs.themes\n", "cogs/themes.py": ""}, kit_imports_of_features, "cogs.themes"),
        ({"bot/kit/forms.py": "from bot.cli import run\n", "bot/cli/__init__.py": "", "bot/cli/run.py": ""},
         kit_imports_of_features, "imports it not"),
        ({"bot/cli/__init__.py": "", "bot/cli/run.py": "", "bot/themes/objects.py": "from bot.cli import run\n"},
         cross_feature_imports, "feature themes may import only"),
        ({"storage/groups.py": "import discord\n"}, storage_imports_of_discord_or_bot, "discord"),
        ({"storage/groups.py": "from bot.kit.text import pack\n"}, storage_imports_of_discord_or_bot, "bot.kit.text"),
        ({"config/data.py": "x = 1\n" * 401}, long_files, "config/data.py: 401 lines"),
        ({"bot/app.py": "from bot.kit import errors\n", "bot/kit/errors.py": TYPE_ONLY.format("from bot.app import SipBot")},
         import_cycles, "bot.app -> bot.kit.errors -> bot.app"),
    ],
)  # fmt: skip
def test_each_checker_reports_a_violation(
    tmp_path: Path, files: dict[str, str], check: object, expected: str
) -> None:
    found = check(tree(tmp_path, files))  # type: ignore[operator]
    assert any(expected in line for line in found), found


def test_the_checkers_accept_what_the_rules_allow(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "bot/app.py": "from bot.kit import host\n",
            "bot/kit/host.py": TYPE_ONLY.format("from bot.services import Services"),
            "bot/services.py": "from bot.kit import checkup\n",
            "bot/kit/checkup.py": "import discord\nfrom storage.models import GuildConfig\n",
            "bot/drafts/rules.py": "from bot.kit.user_error import UserError\n",
            "bot/themes/objects.py": "from bot.drafts.rules import STATUSES\nimport bot.drafts\n",
            "cogs/themes.py": "from bot.app import SipBot\nfrom bot.themes import objects\n",
            "bot/cli/__init__.py": "",
            "bot/cli/check.py": "from bot.app import SipBot\nfrom bot.drafts import posts\n",
            "bot/drafts/posts.py": "",
            "storage/models.py": "import sqlalchemy\n",
        },
    )
    checkers = (impure_imports, cross_feature_imports, kit_imports_of_features,
                storage_imports_of_discord_or_bot, long_files, import_cycles)  # fmt: skip
    assert [line for check in checkers for line in check(root)] == []
