"""Attack: a "billion laughs" YAML codebook built from nested anchors and aliases.

About 600 bytes of YAML whose ``examples`` refer to an anchor that refers to an
anchor ... expands to millions of examples when loaded (73 MB of project growth at
7 levels; 3.7 GB of memory and still running at 9). Every YAML read of untrusted
data goes through ``workbench.yaml_guard``, whose loader refuses anchors and
aliases outright (workbench files never need them) and bounds size and depth, so
the bomb is refused at its first anchor with a clear message.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.errors import InvalidInputError
from workbench.services.codebook.file_format import parse_codebook_yaml
from workbench.services.deid import import_known_entities
from workbench.services.workspace import Workspace
from workbench.yaml_guard import load_untrusted_yaml

GUID = "ae3900ae-243e-46ef-af4c-5b77fd8c7fa8"


def bomb(levels: int) -> str:
    """The codebook: level 0 holds nine strings, each further level nine aliases of the one before."""
    lines = ["format: workbench-codebook/1", "id: bomb", "laughs:", f"  l0: &l0 [{', '.join(['lol'] * 9)}]"]
    for level in range(1, levels):
        lines.append(f"  l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    lines += ["codes:", f'  - guid: "{GUID}"', "    name: Bomb", f"    examples: *l{levels - 1}"]
    return "\n".join(lines) + "\n"


def test_the_bomb_is_small() -> None:
    assert len(bomb(9).encode()) < 700


@pytest.mark.parametrize("levels", [2, 6])
def test_an_alias_bomb_codebook_is_refused(levels: int) -> None:
    with pytest.raises(InvalidInputError, match="anchors and aliases") as caught:
        parse_codebook_yaml("bomb.yaml", bomb(levels).encode(), "en")
    assert str(caught.value).startswith("bomb.yaml: ")


def test_the_nine_level_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    """In a child process with 1 GB of address space and 60 s: unprotected code runs out of either."""
    source = tmp_path / "bomb.yaml"
    source.write_text(bomb(9))
    script = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({1 << 30}, {1 << 30}))
        from workbench.errors import InvalidInputError
        from workbench.services.codebook.file_format import read_codebook
        try:
            codes = read_codebook(__import__("pathlib").Path({str(source)!r}), "en")
        except InvalidInputError as exc:
            print("REFUSED", exc)
            sys.exit(0)
        print("LOADED", sum(len(e) for c in codes for e in c.examples))
        sys.exit(1)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "REFUSED" in result.stdout, (result.stdout, result.stderr[-500:])


def test_known_entities_file_with_aliases_is_refused(project: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "known.yaml"
    path.write_text("base: &b {text: Kovács János, type: PERSON}\nentities: [*b, *b]\n")
    with pytest.raises(InvalidInputError, match="anchors and aliases"):
        import_known_entities(project, path)


@pytest.mark.parametrize(
    "document",
    ["a: &x 1\n", "a: !!python/object:os.system x\n", "[" * 2000 + "]" * 2000],
    ids=["anchor", "python-tag", "deep"],
)
def test_anchors_unsafe_tags_and_deep_nesting_are_refused(document: str) -> None:
    with pytest.raises(InvalidInputError):
        load_untrusted_yaml("x.yaml", document.encode(), what="YAML file", max_bytes=1 << 20)


def test_size_limit() -> None:
    with pytest.raises(InvalidInputError, match="larger than"):
        load_untrusted_yaml("big.yaml", b"a: " + b"x" * 2000, what="YAML file", max_bytes=1000)


def test_ordinary_yaml_still_loads() -> None:
    assert load_untrusted_yaml("ok.yaml", "a: [1, 2]\nb: {c: ő}\n".encode(), what="YAML file", max_bytes=1000) == {
        "a": [1, 2],
        "b": {"c": "ő"},
    }
