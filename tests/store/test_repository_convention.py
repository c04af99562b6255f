"""The store's one convention: one repository per kind of data, in its own module, reached from the unit of work."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from workbench.services.workspace import Workspace

STORE = Path(__file__).resolve().parents[2] / "workbench" / "store"

# repo attribute -> (module, class): the table in ARCHITECTURE.md
KINDS = {
    "project": ("workbench.store.project", "ProjectRepo"),
    "users": ("workbench.store.users", "UserRepo"),
    "accounts": ("workbench.store.accounts", "AccountRepo"),
    "settings": ("workbench.store.settings", "SettingsRepo"),
    "participants": ("workbench.store.participants", "ParticipantRepo"),
    "interviews": ("workbench.store.interviews", "InterviewRepo"),
    "codebook": ("workbench.store.codebook", "CodebookRepo"),
    "codings": ("workbench.store.codings", "CodingRepo"),
    "memos": ("workbench.store.memos", "MemoRepo"),
    "deid": ("workbench.store.deid", "DeidRepo"),
    "embeddings": ("workbench.store.embeddings", "EmbeddingRepo"),
}


def test_each_kind_is_one_repository_class_cached_on_the_unit_of_work(project: Workspace) -> None:
    with project.read() as repo:
        for attribute, (module, name) in KINDS.items():
            found = getattr(repo, attribute)
            assert type(found) is getattr(importlib.import_module(module), name), attribute
            assert getattr(repo, attribute) is found, f"repo.{attribute} is made once per transaction"
            assert found.repo is repo


def test_no_store_module_offers_functions_that_take_a_repo() -> None:
    """The old conventions (module functions over a Repo or a bare connection) do not come back."""
    offenders = []
    for path in sorted(STORE.glob("*.py")):
        if path.name in ("keys.py", "audit.py", "sealing.py", "store.py", "schema.py"):  # not kinds of data
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                first = node.args.args[0].annotation if node.args.args else None
                if isinstance(first, ast.Name) and first.id in ("Repo", "Connection"):
                    offenders.append(f"{path.name}:{node.name}")
    assert offenders == []
