"""``workbench search DIR "query"``: passages found by meaning across every interview you may read.

``--like CODING`` starts from a coded passage instead ("more like this"); ``--limit`` sets how
many results; ``--json`` prints them as JSON. Each result shows its rank and band (how far it
stands out from the query's similarity to every passage), never a raw cosine. Results are
interview text: they go to stdout only, as ``retrieve`` does; progress goes to stderr.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.cli.common import JsonOption, ProjectDir, UserOption, echo_json, handled, opened
from workbench.i18n import gettext as _

if TYPE_CHECKING:  # the service loads numpy and the embedding model: imported by the command
    from workbench.services.search import SearchResults


def search_command(
    directory: ProjectDir,
    query: Annotated[str | None, typer.Argument(help="What to look for, in any language.", show_default=False)] = None,
    *,
    like: Annotated[
        str | None,
        typer.Option("--like", help="Passages like this coding (its id as --json prints it, or a unique start of it)."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results.")] = 10,
    as_json: JsonOption = False,
    user: UserOption = None,
) -> None:
    """Find passages by meaning (Hungarian and English alike), or more like a coded one."""
    from workbench.errors import InvalidInputError
    from workbench.services.search import more_like_this, search

    with handled():
        if (query is None) == (like is None):
            raise InvalidInputError(_('Give either a query ("workbench search DIR \\"words\\"") or --like CODING.'))
        with opened(directory, user) as ws:
            if like is not None:
                results = more_like_this(ws, like, limit=limit)
            else:
                results = search(ws, query or "", limit=limit)
        _print(results, as_json=as_json)


def _print(results: SearchResults, *, as_json: bool) -> None:
    if as_json:
        echo_json({"searched": results.searched, "interviews": results.interviews, "model": results.model,
                   "hits": [asdict(h) for h in results.hits]})  # fmt: skip
        return
    typer.echo(
        _("{n} passages of {i} interviews searched (model {model}).").format(
            n=results.searched, i=results.interviews, model=results.model
        ),
        err=True,
    )
    if not results.hits:
        typer.echo(_("Nothing found."), err=True)
    for hit in results.hits:
        codes = f"  [{', '.join(hit.codes)}]" if hit.codes else ""
        typer.echo(f"{hit.rank:>3}. {hit.band:<16} {hit.participant_code or '-':<6} {hit.short_id} "
                   f"{hit.start}-{hit.end}{codes}")  # fmt: skip
        typer.echo(f"     {' '.join(hit.text.split())}")
