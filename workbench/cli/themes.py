"""``workbench themes``: theme clustering for a project, or for any JSON-lines file of texts.

- ``workbench themes run DIR [--code-family NAME] [--json OUT]`` clusters the project's
  participant turns (or the passages coded under one code family), stores the run encrypted,
  and prints each theme's size, keywords and codes. Quotes are printed only with ``--quotes``
  and written to ``--json`` OUT, because they are interview text.
- ``workbench themes cluster IN.jsonl -o OUT.jsonl [--model M]`` reads ``{"id": ..., "text": ...}``
  lines and writes ``{"id": ..., "theme": n}`` lines (-1: outlier), with the same pipeline.
  Without ``--model`` the texts' detected language picks the model (English: MiniLM; anything
  else: multilingual-e5-small).

Both commands print a warning to stderr when the model is known not to cover a language that
holds a tenth or more of the text (MiniLM on Hungarian transcripts, say).
- ``workbench themes model DIR [NAME_OR_FOLDER]`` shows or sets the project's embedding model.

Progress goes to stderr, results to stdout.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from workbench.cli.common import ProjectDir, UserOption, handled, opened

if TYPE_CHECKING:  # the services load numpy, torch and scikit-learn: imported by the commands
    from workbench.services.themes import ThemeReport

SeedOption = Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same themes.")]
MAX_INPUT_LINES = 200_000

themes_app = typer.Typer(help="Theme clustering with sentence embeddings.", no_args_is_help=True)


@themes_app.command("run")
def run_command(
    directory: ProjectDir,
    *,
    code_family: Annotated[
        str | None,
        typer.Option("--code-family", help="Cluster only passages coded under this code (key, id or name)."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the full result (with quotes) here.")
    ] = None,
    quotes: Annotated[bool, typer.Option("--quotes", help="Print each theme's representative quotes.")] = False,
    seed: SeedOption = 42,
    user: UserOption = None,
) -> None:
    """Cluster a project's participant turns into themes (leads and admins)."""
    from workbench.nlp.themes import ThemeParams
    from workbench.services.themes import report_json, run_themes

    with handled():
        with opened(directory, user) as ws, _Progress() as progress:
            report = run_themes(ws, code_family=code_family, params=ThemeParams(seed=seed), on_progress=progress.update)
        if report.warning:
            typer.echo(f"Warning: {report.warning}", err=True)
        typer.echo(_summary(report, quotes=quotes))
        if json_out is not None:
            _write_json(json_out, report_json(report))
            typer.echo(f"Wrote {json_out} (it contains interview text: keep it on encrypted storage).")


def _summary(report: ThemeReport, *, quotes: bool) -> str:
    lines = [
        f"{len(report.themes)} themes in {len(report.items)} {report.scope} ({report.outliers} outliers); "
        f"model {report.model}; {report.embedded} texts newly embedded."
    ]
    for theme in report.themes:
        codes = ", ".join(f"{name} {count}" for name, count in list(theme.codes.items())[:3]) or "no codes"
        lines.append(f"  theme {theme.id:>2}  {theme.size:>4} items  {theme.label}  [{codes}]")
        if quotes:
            lines.extend(f"      “{q[:200]}”" for q in theme.quotes)
    return "\n".join(lines)


def _write_json(path: Path, data: Any) -> None:
    from workbench.services.atomic_file import write_atomically

    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))


@themes_app.command("cluster")
def cluster_command(
    source: Annotated[Path, typer.Argument(help='JSON lines: {"id": ..., "text": ...}.', show_default=False)],
    *,
    output: Annotated[Path, typer.Option("--output", "-o", help='JSON lines: {"id": ..., "theme": n}.')],
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="all-MiniLM-L6-v2, multilingual-e5-small or a local model folder; "
            "default: chosen by the texts' detected language.",
        ),
    ] = None,
    seed: SeedOption = 42,
) -> None:
    """Cluster arbitrary texts (no project needed); -1 marks outliers."""
    from workbench.nlp.themes import ThemeParams
    from workbench.services.themes import cluster_texts

    with handled():
        ids, texts = _read_jsonl(source)
        with _Progress() as progress:
            found = cluster_texts(texts, model=model, params=ThemeParams(seed=seed), on_progress=progress.update)
        if found.warning:
            typer.echo(f"Warning: {found.warning}", err=True)
        result = found.clustering
        lines = [json.dumps({"id": i, "theme": t}, ensure_ascii=False) for i, t in zip(ids, result.labels, strict=True)]
        from workbench.services.atomic_file import write_atomically

        write_atomically(output, ("\n".join(lines) + "\n").encode("utf-8"))
        outliers = sum(1 for t in result.labels if t == -1)
        shares = (
            ", ".join(f"{code} {share:.0%}" for code, share in list(found.languages.items())[:3]) or "none detected"
        )
        typer.echo(
            f"{len(result.themes)} themes in {len(texts)} texts ({outliers} outliers); model {found.model} "
            f"(languages: {shares}); wrote {output}."
        )


def _read_jsonl(path: Path) -> tuple[list[object], list[str]]:
    from workbench.errors import InvalidInputError

    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path.name}: cannot read it as UTF-8 text ({type(exc).__name__}).") from exc
    ids: list[object] = []
    texts: list[str] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        if len(ids) >= MAX_INPUT_LINES:
            raise InvalidInputError(f"{path.name}: more than {MAX_INPUT_LINES} lines; split the file.")
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            raise InvalidInputError(f"{path.name}, line {number}: not valid JSON.") from None
        if not isinstance(record, dict) or "id" not in record or not isinstance(record.get("text"), str):
            raise InvalidInputError(f'{path.name}, line {number}: expected {{"id": ..., "text": "..."}}.')
        ids.append(record["id"])
        texts.append(record["text"])
    if len(set(map(json.dumps, ids))) != len(ids):
        raise InvalidInputError(f"{path.name}: two lines share an id.")
    return ids, texts


@themes_app.command("model")
def model_command(
    directory: ProjectDir,
    model: Annotated[
        str | None,
        typer.Argument(help="all-MiniLM-L6-v2, multilingual-e5-small or a local folder; omit to show the current one."),
    ] = None,
    user: UserOption = None,
) -> None:
    """Show or set the project's embedding model (setting it: leads and admins)."""
    from workbench.services.themes import set_theme_model, theme_model

    with handled(), opened(directory, user) as ws:
        if model is None:
            typer.echo(theme_model(ws))
        else:
            typer.echo(f"Theme model set to {set_theme_model(ws, model)}; the next run embeds with it.")


class _Progress:
    """A progress bar on stderr, one task per stage (reading, embedding, clustering, saving)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=Console(stderr=True), transient=True,
        )  # fmt: skip
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _Progress:
        self._bar.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._bar.stop()

    def update(self, stage: str, done: int, total: int) -> None:
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)
