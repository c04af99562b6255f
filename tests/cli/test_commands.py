"""The CLI as a whole: the README's command table, ``--version``, and a package without cycles.

The README's table under *Command line* is what users read first, so it must name every
command the CLI has and nothing it lacks. Its first column holds one or more backticked
usages separated by `` · ``; a usage's leading lowercase words are the command path
(``workbench`` may be left out after the first), and ``a\\|b`` lists alternatives.
"""

from __future__ import annotations

import ast
import itertools
import re
from importlib.metadata import version
from pathlib import Path

import typer
from typer.testing import CliRunner

from workbench.cli import app

ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[a-z][a-z-]*(?:\\\|[a-z][a-z-]*)*")


def _table_rows(readme: str) -> list[str]:
    section = readme.split("\n## Command line\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert len(rows) > 20, "the command table was not found under '## Command line'"
    return [re.split(r"(?<!\\)\|", row)[1] for row in rows]


def _paths_in(cell: str) -> set[tuple[str, ...]]:
    paths: set[tuple[str, ...]] = set()
    for usage in re.findall(r"`([^`]+)`", cell):
        words = usage.split()
        if words and words[0] == "workbench":
            words = words[1:]
        path = list(itertools.takewhile(WORD.fullmatch, words))
        if path:
            paths.update(itertools.product(*(word.split("\\|") for word in path)))
    return paths


def readme_commands() -> set[tuple[str, ...]]:
    cells = _table_rows((ROOT / "README.md").read_text(encoding="utf-8"))
    return set().union(*(_paths_in(cell) for cell in cells))


def cli_commands(command: object, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every leaf command's path (typer ships its own click, so groups are told by ``commands``)."""
    if not isinstance(getattr(command, "commands", None), dict):
        return {prefix}
    return set().union(*(cli_commands(sub, (*prefix, name)) for name, sub in command.commands.items()))  # type: ignore[attr-defined]


def test_the_parser_reads_alternatives_and_repeated_usages() -> None:
    cell = " `workbench user remove DIR NAME` · `user list DIR` · `workbench comparison open\\|close DIR [--x a\\|b]` "
    assert _paths_in(cell) == {("user", "remove"), ("user", "list"), ("comparison", "open"), ("comparison", "close")}


def test_the_readme_command_table_matches_the_cli() -> None:
    documented, real = readme_commands(), cli_commands(typer.main.get_command(app))
    assert not documented - real, f"in the README but not in the CLI: {sorted(documented - real)}"
    assert not real - documented, f"in the CLI but not in the README's table: {sorted(real - documented)}"


def test_version_prints_the_installed_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"workbench {version('workbench')}"
    assert "`workbench --version`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_no_command_module_imports_the_package_that_assembles_them() -> None:
    """``workbench.cli`` imports every command module; one importing it back would be a cycle."""
    offenders = []
    for path in sorted((ROOT / "workbench" / "cli").glob("*.py")):
        if path.name in {"__init__.py", "__main__.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            if "workbench.cli" in names:
                offenders.append(path.name)
    assert not offenders
