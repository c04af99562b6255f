"""Exchanging the codebook with shared files and other tools: install, pull, compare, push, export.

A pull adds new codes and updates codes with the same GUID; a push writes the project's codebook
back into the shared YAML file as its next version; REFI-QDA ``.qdc`` files go both ways.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.domain.codebook import (
    describe_changes,
    snapshot,
    tree_order,
)
from workbench.domain.models import Code
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError
from workbench.i18n import N_
from workbench.i18n import gettext as _
from workbench.refi.qdc import read_qdc, write_qdc
from workbench.services.atomic_file import write_atomically
from workbench.services.codebook.edits import clean_code
from workbench.services.codebook.file_format import (
    FORMAT,
    codes_from_document,
    dump_yaml,
    entries_by_guid,
    load_codebook_yaml,
    parse_codebook_yaml,
    read_codebook_file,
    yaml_tree,
)
from workbench.services.codebook.versions import CodebookChange, commit_change, occasion, reorder_codes
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo


@dataclass(frozen=True)
class PullResult:
    """What pulling a codebook file changed; ``version`` is None when nothing changed."""

    added: list[str]
    updated: list[str]
    unchanged: int
    version: int | None
    warnings: list[str] = field(default_factory=list)


def install_codebook(ws: Workspace, codes: list[Code], summary: str) -> int:
    """Add new codes to the project and record a new codebook version; returns the version."""
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        existing = repo.codebook.all_codes()
        clash = [c.name for c in codes if c.id in existing]
        if clash:
            raise InvalidInputError(
                _("These codes are already in the project: {clash}.").format(clash=", ".join(clash[:5]))
            )
        before = snapshot(repo.codebook.codes())
        change = CodebookChange(repo)
        for position, code in enumerate(codes, start=len(existing)):
            repo.codebook.add_code(clean_code(code), position)
        return commit_change(ws, change, before, summary, added=len(codes))


def pull_codebook(ws: Workspace, codes: Sequence[Code], source: str, warnings: Sequence[str] = ()) -> PullResult:
    """Bring a shared codebook into the project: new codes are added, codes with the same GUID updated.

    Codes the project has and the file lacks are left alone; a code that was
    deleted in the project comes back if the file has it.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    cleaned = [clean_code(c) for c in codes]
    with ws.write() as repo:
        existing = repo.codebook.all_codes()
        before = snapshot(repo.codebook.codes())
        change = CodebookChange(repo)
        added: list[str] = []
        updated: list[str] = []
        for code in cleaned:
            if code.id not in existing:
                repo.codebook.add_code(code, len(existing) + len(added))
                added.append(code.name)
            elif existing[code.id][1] or existing[code.id][0] != code:
                repo.codebook.write_code(code)
                updated.append(code.name)
        if not added and not updated:
            return PullResult([], [], len(cleaned), None, list(warnings))
        reorder_codes(repo, repo.codebook.codes())
        version = commit_change(ws, change, before, occasion(N_("Pulled {source}: {added} added, {updated} updated"),
                                                                  source=str(source), added=len(added),
                                                                  updated=len(updated)),
                          added=len(added), updated=len(updated))  # fmt: skip
    return PullResult(added, updated, len(cleaned) - len(added) - len(updated), version, list(warnings))


def merge_codes_in(ws: Workspace, repo: Repo, codes: Sequence[Code], summary: str) -> tuple[int, int | None]:
    """Inside the caller's transaction: add the codes the project lacks (reviving deleted ones) and
    record a version if anything changed. Returns (codes added, version or None)."""
    existing = repo.codebook.all_codes()
    before = snapshot(repo.codebook.codes())
    change = CodebookChange(repo)
    added = 0
    for code in (clean_code(c) for c in codes):
        if code.id not in existing:
            repo.codebook.add_code(code, len(existing) + added)
            added += 1
        elif existing[code.id][1]:
            repo.codebook.write_code(code)
            added += 1
    if not added:
        return 0, None
    reorder_codes(repo, repo.codebook.codes())
    return added, commit_change(ws, change, before, summary, added=added)


def import_codebook_file(ws: Workspace, name: str, data: bytes) -> PullResult:
    """Pull a ``.yaml`` shared codebook or a REFI-QDA ``.qdc`` file into the project."""
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return pull_codebook(ws, parse_codebook_yaml(name, data, ws.project.language), name)
    if suffix == ".qdc":
        codes, warnings = read_qdc(name, data)
        return pull_codebook(ws, codes, name, warnings)
    raise InvalidInputError(_("{name}: a codebook is a .yaml (workbench) or .qdc (REFI-QDA) file.").format(name=name))


@dataclass(frozen=True)
class Comparison:
    """The project's codebook against a shared file: readable lines, empty when they agree."""

    file_version: int
    lines: list[str]


def compare_with_shared(ws: Workspace, path: Path) -> Comparison:
    """How the project's codebook differs from a shared file (in the project's language)."""
    require(ws.user, Action.VIEW_STATUS)
    document = load_codebook_yaml(path.name, read_codebook_file(path))
    shared = snapshot(codes_from_document(path.name, document, ws.project.language))
    with ws.read() as repo:
        project = snapshot(_without_other_event_types(repo.codebook.codes(), {str(e["id"]) for e in shared}))
    lines = describe_changes(shared, project, detail=True)
    return Comparison(int(document.get("version") or 1), lines)


def _without_other_event_types(codes: list[Code], shared_ids: set[str]) -> list[Code]:
    """The project's codes less the life-event family when the shared file does not hold it.

    The event types are a shipped family of their own (``codebooks/life-events.yaml``, issue 15);
    comparing a project with another shared codebook should not list them as added codes.
    """
    from workbench.domain.codebook import descendants
    from workbench.domain.events import LIFE_EVENT_FAMILY_KEY

    family = {c.id for c in codes if c.key == LIFE_EVENT_FAMILY_KEY and c.id not in shared_ids}
    for family_id in list(family):
        family |= descendants(codes, family_id)
    return [c for c in codes if c.id not in family]


@dataclass(frozen=True)
class PushResult:
    path: Path
    version: int
    lines: list[str]


def push_to_shared(ws: Workspace, path: Path, output: Path | None = None) -> PushResult:
    """Write the project's codebook back into a shared file as its next version.

    The project's language texts replace the file's; the other language's texts
    are kept (review them where the diff shows a change); codes the project
    deleted leave the file. The file is replaced atomically and the push audited.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    raw = read_codebook_file(path)
    document = load_codebook_yaml(path.name, raw)
    language = ws.project.language
    shared = snapshot(codes_from_document(path.name, document, language))
    with ws.write() as repo:
        codes = tree_order(repo.codebook.codes())
        lines = describe_changes(shared, snapshot(codes), detail=True)
        if not lines:
            raise InvalidInputError(
                _("{path_name} already matches the project's codebook; nothing to push.").format(path_name=path.name)
            )
        entries = entries_by_guid(document.get("codes") or [])
        version = int(document.get("version") or 1) + 1
        document["version"] = version
        document["codes"] = yaml_tree(codes, entries, language)
        header = "".join(line + "\n" for line in raw.decode("utf-8-sig").splitlines() if line.startswith("#"))
        target = output or path
        write_atomically(target, (header + dump_yaml(document)).encode("utf-8"))
        ws.audit(repo, "codebook pushed", "codebook", str(repo.codebook.current_version()), file=target.name,
                 file_version=version, changes=len(lines))  # fmt: skip
    return PushResult(target, version, lines)


def export_codebook(ws: Workspace, fmt: str) -> bytes:
    """The project's codebook as a shared ``yaml`` file (project language) or a REFI-QDA ``qdc`` file."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.write() as repo:
        codes = tree_order(repo.codebook.codes())
        version = repo.codebook.current_version()
        ws.audit(repo, "codebook exported", "codebook", str(version), format=fmt)
    if fmt == "qdc":
        return write_qdc(codes)
    if fmt != "yaml":
        raise InvalidInputError(_("Unknown codebook format {fmt!r}; use yaml or qdc.").format(fmt=fmt))
    document = {
        "format": FORMAT,
        "id": re.sub(r"[^a-z0-9]+", "-", ws.project.name.lower()).strip("-") or "codebook",
        "version": version,
        "title": {ws.project.language: ws.project.name},
        "codes": yaml_tree(codes, {}, ws.project.language),
    }
    return dump_yaml(document).encode("utf-8")
