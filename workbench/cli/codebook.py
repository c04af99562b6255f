"""``workbench codebook import|export|diff|push|list|history|restore|add|rename|move|merge|delete``.

Every change to the codebook is recorded as a version (``codebook history``) that
``codebook restore`` can return to. Exports are written atomically (temporary file, then
rename) and audited; imports print what the file held that could not be imported.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.common import ProjectDir, UserOption, echo_warnings, handled, opened

CodeArg = Annotated[str, typer.Argument(help="A code: its GUID (or 4+ first characters), key or exact name.")]

codebook_app = typer.Typer(help="Edit, share and exchange the project's codebook (leads and admins edit).",
                           no_args_is_help=True)  # fmt: skip


@codebook_app.command("import")
def codebook_import(
    directory: ProjectDir,
    file: Annotated[Path, typer.Argument(help="A shared codebook (.yaml) or a REFI-QDA codebook (.qdc).")],
    user: UserOption = None,
) -> None:
    """Pull a codebook into the project: new codes are added, codes with the same GUID updated."""
    from workbench.errors import InvalidInputError
    from workbench.services.codebook.sync import import_codebook_file

    with handled():
        if not file.is_file():
            raise InvalidInputError(f"{file}: no such file.")
        with opened(directory, user) as ws:
            result = import_codebook_file(ws, file.name, file.read_bytes())
        echo_warnings(result.warnings)
        if result.version is None:
            typer.echo(f"{file.name}: the project already has all {result.unchanged} codes; nothing changed.")
        else:
            typer.echo(f"{file.name}: {len(result.added)} codes added, {len(result.updated)} updated, "
                       f"{result.unchanged} unchanged (codebook version {result.version}).")  # fmt: skip


@codebook_app.command("export")
def codebook_export(
    directory: ProjectDir,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.", show_default=False)],
    fmt: Annotated[str | None, typer.Option("--format", help="yaml or qdc (default: from the file name).")] = None,
    user: UserOption = None,
) -> None:
    """Write the codebook as a shared YAML file or a REFI-QDA .qdc file."""
    from workbench.services.atomic_file import write_atomically
    from workbench.services.codebook.sync import export_codebook

    with handled():
        chosen = fmt or ("qdc" if output.suffix.lower() == ".qdc" else "yaml")
        with opened(directory, user) as ws:
            data = export_codebook(ws, chosen)
        write_atomically(output, data)
        typer.echo(f"Wrote the codebook to {output} ({chosen}).")


@codebook_app.command("diff")
def codebook_diff(
    directory: ProjectDir,
    shared: Annotated[Path, typer.Argument(help="The shared codebook file (.yaml) to compare with.")],
    user: UserOption = None,
) -> None:
    """Show how the project's codebook differs from a shared file (exit 0 either way)."""
    from workbench.services.codebook.sync import compare_with_shared

    with handled():
        with opened(directory, user) as ws:
            comparison = compare_with_shared(ws, shared)
        if not comparison.lines:
            typer.echo(f"The project's codebook matches {shared.name} (version {comparison.file_version}).")
            return
        typer.echo(f"Compared with {shared.name} (version {comparison.file_version}), the project has:")
        for line in comparison.lines:
            typer.echo(line if line.startswith("    ") else f"  {line}")


@codebook_app.command("push")
def codebook_push(
    directory: ProjectDir,
    shared: Annotated[Path, typer.Argument(help="The shared codebook file (.yaml) to update.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of over SHARED.")] = None,
    user: UserOption = None,
) -> None:
    """Write the project's codebook back into a shared file as its next version (prints the diff)."""
    from workbench.services.codebook.sync import push_to_shared

    with handled():
        with opened(directory, user) as ws:
            result = push_to_shared(ws, shared, output)
        for line in result.lines:
            typer.echo(line if line.startswith("    ") else f"  {line}")
        typer.echo(f"Wrote version {result.version} of the codebook to {result.path}.")


@codebook_app.command("list")
def codebook_list(directory: ProjectDir, user: UserOption = None) -> None:
    """Print the code tree with GUIDs and coding counts."""
    from workbench.services.codebook.queries import codebook_overview

    with handled():
        with opened(directory, user) as ws:
            entries = codebook_overview(ws)
        for entry in entries:
            group = "" if entry.code.codable else " (group)"
            typer.echo(f"{entry.code.id[:8]}  {'  ' * entry.depth}{entry.code.name}{group}  [{entry.count}]")


@codebook_app.command("history")
def codebook_history(directory: ProjectDir, user: UserOption = None) -> None:
    """List the codebook's versions, newest first: who changed what, when."""
    from workbench.services.codebook.versions import codebook_history as history

    with handled():
        with opened(directory, user) as ws:
            versions = history(ws)
        for v in versions:
            typer.echo(f"{v.version:>4}  {v.created_at:%Y-%m-%d %H:%M}  {v.author:<12} {v.summary}")


@codebook_app.command("restore")
def codebook_restore(
    directory: ProjectDir,
    version: Annotated[int, typer.Argument(help="The version to return to (see `codebook history`).")],
    user: UserOption = None,
) -> None:
    """Make the codebook what it was at VERSION again (recorded as a new version; codings come back)."""
    from workbench.services.codebook.versions import restore_version

    with handled():
        with opened(directory, user) as ws:
            result = restore_version(ws, version)
        typer.echo(f"Restored version {version} as version {result.version}: {result.restored_codings} codings "
                   f"back, {result.archived_codings} archived.")  # fmt: skip


@codebook_app.command("add")
def codebook_add(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The new code's name.")],
    *,
    parent: Annotated[str | None, typer.Option(help="Parent code (default: top level).")] = None,
    color: Annotated[str, typer.Option(help="Highlight colour #RRGGBB.")] = "#999999",
    definition: Annotated[str, typer.Option(help="What the code means.")] = "",
    group: Annotated[bool, typer.Option("--group", help="A grouping node that is not applied to text.")] = False,
    user: UserOption = None,
) -> None:
    """Add a code."""
    from workbench.domain.models import Code
    from workbench.services.codebook.edits import create_code
    from workbench.services.codebook.queries import resolve_code

    with handled():
        with opened(directory, user) as ws:
            parent_id = resolve_code(ws, parent).id if parent else None
            code = create_code(ws, Code(str(uuid.uuid4()), name, parent_id=parent_id, color=color,
                                        definition=definition, codable=not group))  # fmt: skip
        typer.echo(f"Added {code.name!r} ({code.id}).")


@codebook_app.command("rename")
def codebook_rename(directory: ProjectDir, code: CodeArg, new_name: str, user: UserOption = None) -> None:
    """Rename a code (its codings stay)."""
    from dataclasses import replace

    from workbench.services.codebook.edits import update_code
    from workbench.services.codebook.queries import resolve_code

    with handled():
        with opened(directory, user) as ws:
            found = resolve_code(ws, code)
            update_code(ws, replace(found, name=new_name))
        typer.echo(f"Renamed {found.name!r} to {new_name!r}.")


@codebook_app.command("move")
def codebook_move(
    directory: ProjectDir,
    code: CodeArg,
    parent: Annotated[str | None, typer.Option(help="New parent code; leave out for the top level.")] = None,
    user: UserOption = None,
) -> None:
    """Move a code (with its sub-codes) under another code or to the top level."""
    from workbench.services.codebook.edits import move_code
    from workbench.services.codebook.queries import resolve_code

    with handled():
        with opened(directory, user) as ws:
            found = resolve_code(ws, code)
            move_code(ws, found.id, resolve_code(ws, parent).id if parent else None)
        typer.echo(f"Moved {found.name!r}.")


@codebook_app.command("merge")
def codebook_merge(
    directory: ProjectDir,
    code: CodeArg,
    into: Annotated[str, typer.Argument(help="The code that survives.")],
    user: UserOption = None,
) -> None:
    """Merge CODE into INTO: codings move over, overlapping duplicates collapse, CODE is deleted."""
    from workbench.services.codebook.edits import merge_codes
    from workbench.services.codebook.queries import resolve_code

    with handled():
        with opened(directory, user) as ws:
            source, target = resolve_code(ws, code), resolve_code(ws, into)
            result = merge_codes(ws, source.id, target.id)
        typer.echo(f"Merged {source.name!r} into {target.name!r}: {result.moved} codings moved, "
                   f"{result.collapsed} duplicates collapsed (version {result.version}).")  # fmt: skip
        if result.events:
            from workbench.i18n import ngettext

            typer.echo(ngettext("{count} life event now has the type {name!r}.",
                                "{count} life events now have the type {name!r}.",
                                result.events).format(count=result.events, name=target.name))  # fmt: skip


@codebook_app.command("delete")
def codebook_delete(
    directory: ProjectDir,
    code: CodeArg,
    yes: Annotated[
        bool, typer.Option("--yes", help="Delete even if the code has codings (they are archived).")
    ] = False,
    user: UserOption = None,
) -> None:
    """Delete a code; its sub-codes move up. A code with codings needs --yes; `codebook restore` undoes it."""
    from workbench.services.codebook.edits import delete_code
    from workbench.services.codebook.queries import resolve_code

    with handled():
        with opened(directory, user) as ws:
            found = resolve_code(ws, code)
            result = delete_code(ws, found.id, confirm=yes)
        typer.echo(f"Deleted {found.name!r} ({result.archived} codings archived); undo with "
                   f"`workbench codebook restore {directory} {result.version - 1}`.")  # fmt: skip
