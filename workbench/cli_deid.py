"""``workbench deid``, ``workbench export`` and ``workbench pii``: de-identification and anonymized exports.

Registered on the main app by ``workbench.cli``. ``deid`` commands run the review workflow
(scan, known entities, decisions, unflagged words, release); ``export`` writes anonymized tables or a report
from the latest release and refuses (exit 1, nothing written) when a disclosure check fails,
or exit 2 when the acting user may not do what was asked (a ``.qdpx`` by a writer, a threshold
or k below the release's minimums);
``pii detect`` runs the detector over a JSON-lines file without a project, for benchmarks and
batch use. Detected names are printed only by ``deid review list`` and ``entities list``, to
the member who asked, never into logs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

ProjectDir = Annotated[Path, typer.Argument(help="The project directory.", show_default=False)]
UserOption = Annotated[
    str | None,
    typer.Option("--user", "-u", envvar="WORKBENCH_USER", help="Acting user (default: the project's creator)."),
]
TypeOption = Annotated[str, typer.Option("--type", "-t", help="PERSON, CITY, PLACE, INSTITUTION, ORGANIZATION, ...")]

deid_app = typer.Typer(help="De-identification: scan, known names, review decisions, release.", no_args_is_help=True)
entities_app = typer.Typer(help="Names, places and institutions to protect everywhere.", no_args_is_help=True)
review_app = typer.Typer(help="Review detections: list, accept, reject, add a missed one.", no_args_is_help=True)
pii_app = typer.Typer(help="Run the PII detector on files, without a project.", no_args_is_help=True)
deid_app.add_typer(entities_app, name="entities")
deid_app.add_typer(review_app, name="review")


def register(app: typer.Typer) -> None:
    app.add_typer(deid_app, name="deid")
    app.add_typer(pii_app, name="pii")
    app.command("export")(export_command)


@deid_app.command("scan")
def scan_command(
    directory: ProjectDir,
    interview: Annotated[list[str] | None, typer.Option("--interview", "-i", help="Only these interviews.")] = None,
    user: UserOption = None,
) -> None:
    """Detect identifiers in every interview (or the given ones) and store them for review."""
    from workbench.cli import handled, opened
    from workbench.services.deid import scan

    with handled():
        with opened(directory, user) as ws:
            report = scan(ws, interview or None)
        typer.echo(f"Scanned {report.interviews} interview(s): {report.detections} detections, "
                   f"{report.pending} waiting for review.")  # fmt: skip


@entities_app.command("add")
def entities_add(
    directory: ProjectDir,
    text: Annotated[str, typer.Argument(help="The name as written, e.g. 'Horváth Zsolt'.")],
    *,
    kind: TypeOption = "PERSON",
    participant: Annotated[
        str | None, typer.Option("--participant", "-p", help="The participant it belongs to.")
    ] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", "-a", help="Nickname or other spelling.")] = None,
    user: UserOption = None,
) -> None:
    """Protect a name everywhere, in every inflected form; prints its tag."""
    from workbench.cli import handled, opened
    from workbench.services.deid import add_known_entity

    with handled():
        with opened(directory, user) as ws:
            label = add_known_entity(ws, text, kind, participant_code=participant, aliases=alias or ())
        typer.echo(f"Protected as {label}.")


@entities_app.command("import")
def entities_import(
    directory: ProjectDir,
    file: Annotated[Path, typer.Argument(help="YAML: entities: [{text, type, participant, aliases}]")],
    user: UserOption = None,
) -> None:
    """Load known entities from a YAML file (all or none)."""
    from workbench.cli import handled, opened
    from workbench.services.deid import import_known_entities

    with handled():
        with opened(directory, user) as ws:
            count = import_known_entities(ws, file)
        typer.echo(f"{count} known entities loaded from {file.name}.")


@entities_app.command("list")
def entities_list(
    directory: ProjectDir,
    rejected: Annotated[bool, typer.Option("--rejected", help="Also list rejected false alarms.")] = False,
    user: UserOption = None,
) -> None:
    """List protected names with their tags (shows real names: for reviewers only)."""
    from workbench.cli import handled, opened
    from workbench.services.deid import list_known_entities

    with handled():
        with opened(directory, user) as ws:
            entities = list_known_entities(ws, include_rejected=rejected)
        for e in entities:
            owner = f"  ({e.participant_code})" if e.participant_code else ""
            typer.echo(f"{e.tag:<18} {' | '.join(e.texts)}{owner}")


@review_app.command("list")
def review_list(
    directory: ProjectDir,
    status: Annotated[str, typer.Option(help="pending, accepted, rejected or all.")] = "pending",
    interview: Annotated[str | None, typer.Option("--interview", "-i", help="Only this interview.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    user: UserOption = None,
) -> None:
    """List detections in context (id, type, text); accept or reject them by id."""
    from workbench.cli import handled, opened
    from workbench.services.deid import review_items

    with handled():
        with opened(directory, user) as ws:
            items = review_items(ws, status=None if status == "all" else status, interview_ref=interview, limit=limit)
        for i in items:
            context = f"…{i.before[-30:]}[{i.text}]{i.after[:30]}…".replace("\n", " ")
            typer.echo(
                f"{i.id[:8]}  {i.interview_id[:8]}  {i.status:<8} {i.entity_type:<12} {i.recognizer:<10} {context}"
            )
        typer.echo(f"{len(items)} detection(s).")


@review_app.command("accept")
def review_accept(
    directory: ProjectDir,
    ids: Annotated[list[str], typer.Argument(help="Detection ids (or unique prefixes).")],
    kind: Annotated[str | None, typer.Option("--type", "-t", help="Change the type while accepting.")] = None,
    user: UserOption = None,
) -> None:
    """Accept detections: the text is then protected in every interview."""
    from workbench.cli import handled, opened
    from workbench.services.deid import decide

    with handled():
        with opened(directory, user) as ws:
            count = decide(ws, ids, "accept", kind=kind)
        typer.echo(f"Accepted {count}; applied to the whole project.")


@review_app.command("reject")
def review_reject(
    directory: ProjectDir,
    ids: Annotated[list[str], typer.Argument(help="Detection ids (or unique prefixes).")],
    user: UserOption = None,
) -> None:
    """Reject false alarms: the same text is never proposed again."""
    from workbench.cli import handled, opened
    from workbench.services.deid import decide

    with handled():
        with opened(directory, user) as ws:
            count = decide(ws, ids, "reject")
        typer.echo(f"Rejected {count}; applied to the whole project.")


@review_app.command("add")
def review_add(directory: ProjectDir, text: Annotated[str, typer.Argument(help="The missed text.")],
               kind: TypeOption = "PERSON", user: UserOption = None) -> None:  # fmt: skip
    """Add a name the detector missed; it is found in every interview."""
    from workbench.cli import handled, opened
    from workbench.services.deid import add_missed

    with handled():
        with opened(directory, user) as ws:
            label = add_missed(ws, text, kind)
        typer.echo(f"Protected as {label}.")


@deid_app.command("unflagged")
def unflagged_command(
    directory: ProjectDir,
    interview: Annotated[str | None, typer.Option("--interview", "-i", help="Only this interview.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    user: UserOption = None,
) -> None:
    """List capitalised words and numbers nothing flagged (shows interview words: for reviewers only).

    Protect one with `deid review add TEXT --type ...` or dismiss it with `deid dismiss`; a
    release is refused while any is left.
    """
    from workbench.cli import handled, opened
    from workbench.services.deid import unflagged_words

    with handled():
        with opened(directory, user) as ws:
            words = unflagged_words(ws, interview)
        for w in words:
            if as_json:
                typer.echo(json.dumps({"interview": w.interview_id, "text": w.text, "kind": w.kind,
                                       "count": w.count}, ensure_ascii=False))  # fmt: skip
            else:
                typer.echo(f"{w.interview_id[:8]}  {w.kind:<6} {w.count:>4}x  {w.text}")
        if not as_json:
            typer.echo(f"{len(words)} unreviewed candidate(s).")


@deid_app.command("dismiss")
def dismiss_command(
    directory: ProjectDir,
    words: Annotated[list[str], typer.Argument(help="Candidates exactly as `deid unflagged` lists them.")],
    user: UserOption = None,
) -> None:
    """Dismiss unflagged candidates as not identifiers (project-wide, remembered, all or none)."""
    from workbench.cli import handled, opened
    from workbench.services.deid import dismiss_unflagged

    with handled():
        with opened(directory, user) as ws:
            count = dismiss_unflagged(ws, words)
        typer.echo(f"Dismissed {count}; not listed again in any interview.")


@deid_app.command("release")
def release_command(
    directory: ProjectDir,
    threshold: Annotated[int, typer.Option(help="Minimum suppression threshold for every export.")] = 5,
    k: Annotated[int, typer.Option("--k", help="Minimum k (k-anonymity) for every export.")] = 5,
    override_unreviewed: Annotated[
        bool, typer.Option("--override-unreviewed", help="Release despite unreviewed unflagged words (audited).")
    ] = False,
    user: UserOption = None,
) -> None:
    """Release de-identified quotes and tables to report writers (leads and admins).

    The minimums bind every export of the release by anyone who may not release: they may
    raise them, never lower them. Refused (exit 1, nothing released) while an interview has
    unflagged words nobody protected or dismissed, unless ``--override-unreviewed``.
    """
    from workbench.cli import handled, opened
    from workbench.services.deid import release

    with handled():
        with opened(directory, user) as ws:
            summary = release(ws, threshold=threshold, k=k, override_unreviewed=override_unreviewed)
        typer.echo(f"Released {summary.quotes} quotes from {summary.interviews} interviews and "
                   f"{summary.participants} participants ({summary.replaced} identifiers replaced); "
                   f"release {summary.id[:8]}.")  # fmt: skip


def export_command(
    directory: ProjectDir,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx, docx or qdpx.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.", show_default=False)],
    *,
    threshold: Annotated[
        int | None, typer.Option(help="Suppress counts below this (default and minimum: the release's).")
    ] = None,
    k: Annotated[
        int | None, typer.Option("--k", help="k-anonymity of exported attributes (default, minimum: the release's).")
    ] = None,
    table: Annotated[list[str] | None, typer.Option("--table", help="quotes, codes, code_by_attribute.")] = None,
    attribute: Annotated[
        list[str] | None, typer.Option("--attribute", "-a", help="Participant attribute to include.")
    ] = None,
    user: UserOption = None,
) -> None:
    """Write an anonymized export of the latest release; refused (nothing written) if a check fails."""
    from workbench.cli import handled, opened
    from workbench.services.exports import TABLES, ExportOptions, export_to_file

    with handled():
        options = ExportOptions(fmt.lower(), tuple(table or TABLES), tuple(attribute or ()), threshold, k)
        with opened(directory, user) as ws:
            export = export_to_file(ws, options, output)
        typer.echo(f"Wrote {output} ({', '.join(export.tables)}; sha256 {export.sha256[:16]}…).")
        if export.check:
            typer.echo(export.check)


@pii_app.command("detect")
def pii_detect(
    source: Annotated[Path, typer.Argument(help='JSON lines: {"id": ..., "text": ...}.')],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON lines with the spans found.")],
    lang: Annotated[str, typer.Option("--lang", help="en or hu.")] = "hu",
) -> None:
    """Detect identifiers line by line (offsets in code points, end exclusive)."""
    from workbench.cli import handled
    from workbench.services.atomic_file import write_atomically
    from workbench.services.deid import detect_lines

    with handled():
        lines = source.read_text(encoding="utf-8").splitlines()
        write_atomically(
            output, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in detect_lines(lines, lang)).encode()
        )
        typer.echo(f"Wrote {output}.")
