"""``workbench deid scan|entities|review|unflagged|dismiss|release``: de-identification review.

The review workflow: scan, known entities, decisions, unflagged words, release to report
writers (``workbench export`` then writes from the release). Detected names are printed only
by ``deid review list``, ``deid entities list`` and ``deid unflagged``, to the member who
asked, never into logs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.common import ProjectDir, UserOption, handled, opened

TypeOption = Annotated[str, typer.Option("--type", "-t", help="PERSON, CITY, PLACE, INSTITUTION, ORGANIZATION, ...")]

deid_app = typer.Typer(help="De-identification: scan, known names, review decisions, release.", no_args_is_help=True)
entities_app = typer.Typer(help="Names, places and institutions to protect everywhere.", no_args_is_help=True)
review_app = typer.Typer(help="Review detections: list, accept, reject, add a missed one.", no_args_is_help=True)
deid_app.add_typer(entities_app, name="entities")
deid_app.add_typer(review_app, name="review")


@deid_app.command("scan")
def scan_command(
    directory: ProjectDir,
    interview: Annotated[list[str] | None, typer.Option("--interview", "-i", help="Only these interviews.")] = None,
    user: UserOption = None,
) -> None:
    """Detect identifiers in every interview (or the given ones) and store them for review."""
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
    from workbench.services.deid import decide

    with handled():
        with opened(directory, user) as ws:
            count = decide(ws, ids, "reject")
        typer.echo(f"Rejected {count}; applied to the whole project.")


@review_app.command("add")
def review_add(directory: ProjectDir, text: Annotated[str, typer.Argument(help="The missed text.")],
               kind: TypeOption = "PERSON", user: UserOption = None) -> None:  # fmt: skip
    """Add a name the detector missed; it is found in every interview."""
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
    from workbench.services.deid_release import release

    with handled():
        with opened(directory, user) as ws:
            summary = release(ws, threshold=threshold, k=k, override_unreviewed=override_unreviewed)
        typer.echo(f"Released {summary.quotes} quotes from {summary.interviews} interviews and "
                   f"{summary.participants} participants ({summary.replaced} identifiers replaced); "
                   f"release {summary.id[:8]}.")  # fmt: skip
