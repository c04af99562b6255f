"""Semantic search: passages found by meaning across every interview the user may read.

- ``search``: a query in any language the project's model covers (the multilingual model puts a
  Hungarian question and an English answer about one thing close together) against every
  participant sentence of every live interview.
- ``more_like_this``: the same, starting from a coded passage the user may see.
- ``code_hit``: code a result in place (``services/coding.py``, so the same checks and audit).

Roles and blind coding: reading transcripts is required (report writers read only released,
de-identified material), and the codes shown on each result, like the coding a "more like this"
starts from, are only the codings ``coders_visible_to`` lets the user see; a coding the user
may not see is reported as not found, exactly like one that does not exist.

Languages: each passage's vector is taken relative to the mean of its interview language's
passages, and the query relative to the mean of the language it is closest to
(``_Index.query_vector``), the correction themes make (``nlp.themes.center_by_group``), so a
Hungarian query reaches English passages on the same topic.

Speed: the sentences and their vectors come from the encrypted store (``repo.embeddings``, the
same vectors coding suggestions use, computed once per text), decrypted into an index kept on
the session's own ``Workspace`` (dropped with it on sign-out, as the Code page's transcript is)
and rebuilt when the set of live interviews or the model changes. A query then costs one
embedding of the query and one matrix-vector product (bench/search_bench.py).

Scores: a raw cosine tells a reader nothing (with E5 every passage scores 0.8-0.9). Each result
shows its rank and a band from how far its similarity stands above the query's similarity to
all searched passages, in standard deviations (``BANDS``): a rule that means the same for every
model and corpus size, like the cut-off of coding suggestions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.domain.models import Coding, InterviewSummary, SegmentKind
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.nlp import embed
from workbench.nlp.themes import center_by_group
from workbench.services.coding import apply_codes
from workbench.services.themes import (
    ProgressFn,
    Unit,
    embed_units,
    live_interviews,
    model_for,
    participant_units,
    save_vectors,
    unit_covers,
)
from workbench.services.visibility import coders_visible_to
from workbench.services.workspace import Workspace

Matrix = npt.NDArray[np.float32]
MAX_QUERY_CHARS = 500
DEFAULT_LIMIT = 20
MAX_LIMIT = 200
BANDS: tuple[tuple[float, str], ...] = ((4.0, "very close"), (3.0, "close"), (2.0, "related"))
"""(standard deviations above the query's mean similarity, band); below the last: ``LOOSE``."""
LOOSE = "loosely related"
_INDEX_ATTR = "_semantic_search_index"


@dataclass(frozen=True)
class Hit:
    """One passage found: its rank (1 = best), band, source and the codes the user may see on it."""

    rank: int
    band: str
    interview_id: str
    short_id: str
    interview_title: str
    participant_code: str | None
    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    """Names of the codes on the passage, from the codings the user may see."""
    coding_ids: tuple[str, ...] = ()
    """Those codings' ids (a "more like this" can start from any of them)."""


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    searched: int
    """Passages searched (participant sentences of the readable interviews)."""
    interviews: int
    model: str
    embedded: int = 0
    """Passages embedded for the first time by this search (the rest came from the store)."""


@dataclass
class _Index:
    key: tuple[str, tuple[str, ...]]
    units: list[Unit]
    vectors: Matrix
    """Each passage's vector minus its language's mean vector, at unit length (``center_by_group``)."""
    means: dict[str, Matrix]
    """Mean vector of each interview language's passages."""
    interviews: dict[str, InterviewSummary]

    def query_vector(self, vector: npt.NDArray[Any]) -> Matrix:
        """The query moved as its passages were: minus the mean of the language it lies closest to.

        A multilingual model still puts each language in a region of its own, so uncentred a
        Hungarian query ranks every Hungarian sentence above any English one. The query's own
        language is the one whose mean it is most similar to (no language detector is reliable
        on a few words).
        """
        q = np.asarray(vector, dtype=np.float32)
        if not self.means:
            return q
        mean = max(self.means.values(), key=lambda m: float(m @ q))
        moved = q - mean
        return np.asarray(moved / (np.linalg.norm(moved) or 1.0), dtype=np.float32)


def band(z: float) -> str:
    """The band of a similarity ``z`` standard deviations above the query's mean (translated)."""
    return next((_(name) for cutoff, name in BANDS if z >= cutoff), _(LOOSE))


def search(
    ws: Workspace,
    query: str,
    *,
    limit: int = DEFAULT_LIMIT,
    embedder: embed.Embedder | None = None,
    on_progress: ProgressFn | None = None,
) -> SearchResults:
    """The passages closest in meaning to ``query``, best first."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    text = " ".join(query.split())
    if not text:
        raise InvalidInputError(_("Type what you are looking for: a word, a phrase or a question."))
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidInputError(_("A search can be at most {n} characters; shorten it.").format(n=MAX_QUERY_CHARS))
    index, embedder, embedded = _index(ws, embedder, on_progress)
    vector = embedder.encode([text])[0]
    return _answer(
        ws,
        index,
        embedder.model_id,
        vector,
        limit=_limit(limit),
        source=None,
        embedded=embedded,
        action="semantic search",
    )


def more_like_this(
    ws: Workspace,
    coding_id: str,
    *,
    limit: int = DEFAULT_LIMIT,
    embedder: embed.Embedder | None = None,
    on_progress: ProgressFn | None = None,
) -> SearchResults:
    """Passages closest in meaning to a coded passage the user may see (the passage itself left out)."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    coding = _visible_coding(ws, coding_id)
    index, embedder, embedded = _index(ws, embedder, on_progress)
    unit = Unit(coding.interview_id, coding.start, coding.end, coding.text)
    with ws.read() as repo:
        vectors, new = embed_units(repo, [unit], embedder, None)
    if new:
        with ws.write() as repo:
            save_vectors(repo, embedder.model_id, new)
    return _answer(
        ws,
        index,
        embedder.model_id,
        vectors[0],
        limit=_limit(limit),
        source=unit,
        embedded=embedded,
        action="more like this",
    )


def code_hit(ws: Workspace, hit: Hit, code_ids: Sequence[str]) -> list[Coding]:
    """Code a result in place for the acting user (the Code page's rules and audit)."""
    return apply_codes(ws, hit.interview_id, code_ids, hit.start, hit.end)


def forget_index(ws: Workspace) -> None:
    """Drop the decrypted index from the workspace (the next search rebuilds it)."""
    if hasattr(ws, _INDEX_ATTR):
        delattr(ws, _INDEX_ATTR)


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(_("Ask for between 1 and {n} results.").format(n=MAX_LIMIT))
    return limit


def _visible_coding(ws: Workspace, coding_id: str) -> Coding:
    visible = coders_visible_to(ws)
    ref = coding_id.strip().lower()
    missing = NotFoundError(_("There is no coding {ref} that you can see.").format(ref=ref[:12] or "-"))
    if len(ref) < 8:
        raise missing
    with ws.read() as repo:
        live = {i.id for i in live_interviews(repo)}
        records = [r for r in repo.codings.refs() if r.id.startswith(ref) and r.interview_id in live]
        if len(records) > 1:  # coding ids rise with time: codings made together share their first characters
            raise NotFoundError(
                _("{ref} is the start of several codings' ids; give more of it (or all 32 characters).").format(
                    ref=ref[:40]
                )
            )
        if not records:
            raise missing
        found = next((c for c in repo.codings.of_interview(records[0].interview_id) if c.id == records[0].id), None)
    if found is None or (visible is not None and found.coder not in visible):
        raise missing
    return found


def _index(
    ws: Workspace, embedder: embed.Embedder | None, on_progress: ProgressFn | None
) -> tuple[_Index, embed.Embedder, int]:
    """The session's decrypted index, built (and new vectors stored) when missing or out of date."""
    with ws.read() as repo:
        interviews = live_interviews(repo)
        embedder = embedder or embed.load_embedder(model_for(ws, repo))
        key = (embedder.model_id, tuple(sorted(i.id for i in interviews)))
        cached: _Index | None = getattr(ws, _INDEX_ATTR, None)
        if cached is not None and cached.key == key:
            return cached, embedder, 0
        units = participant_units(repo, interviews, SegmentKind.SENTENCE)
        vectors, new = embed_units(repo, units, embedder, on_progress)
    stored = 0
    if new:
        with ws.write() as repo:
            stored = save_vectors(repo, embedder.model_id, new)
    by_id = {i.id: i for i in interviews}
    languages = [by_id[u.interview_id].language for u in units]
    means = {code: vectors[[i for i, c in enumerate(languages) if c == code]].mean(axis=0) for code in set(languages)}
    centred = center_by_group(vectors, languages) if units else vectors
    index = _Index(key, units, np.ascontiguousarray(centred, dtype=np.float32), means, by_id)
    setattr(ws, _INDEX_ATTR, index)  # the session's own workspace: dropped on sign-out
    return index, embedder, stored


def _answer(
    ws: Workspace,
    index: _Index,
    model: str,
    vector: npt.NDArray[Any],
    *,
    limit: int,
    source: Unit | None,
    embedded: int,
    action: str,
) -> SearchResults:
    n = len(index.units)
    if n == 0:
        return SearchResults([], 0, len(index.interviews), model, embedded)
    scores = index.vectors @ index.query_vector(vector)
    mean, spread = float(scores.mean()), float(scores.std()) or 1.0
    if source is not None:  # the passage itself (and the sentences it spans) is no result
        for i, unit in enumerate(index.units):
            if unit.interview_id == source.interview_id and unit.start < source.end and source.start < unit.end:
                scores[i] = -np.inf
    take = min(limit, n)
    top = np.argpartition(-scores, take - 1)[:take]
    order = [int(i) for i in sorted(top, key=lambda i: (-float(scores[i]), int(i))) if np.isfinite(scores[i])]
    hits = _hits(ws, index, order, [(float(scores[i]) - mean) / spread for i in order])
    with ws.write() as repo:
        ws.audit(repo, action, "project", ws.project.id, results=len(hits), searched=n)
    return SearchResults(hits, n, len(index.interviews), model, embedded)


def _hits(ws: Workspace, index: _Index, order: list[int], zs: list[float]) -> list[Hit]:
    visible = coders_visible_to(ws)
    wanted = {index.units[i].interview_id for i in order}
    with ws.read() as repo:
        names = {c.id: c.name for c in repo.codebook.codes()}
        codings = {
            iid: [c for c in repo.codings.of_interview(iid) if visible is None or c.coder in visible] for iid in wanted
        }
    hits = []
    for rank, (i, z) in enumerate(zip(order, zs, strict=True), start=1):
        unit = index.units[i]
        summary = index.interviews[unit.interview_id]
        on_it = [c for c in codings[unit.interview_id] if c.code_id in names and unit_covers(unit, c)]
        codes = tuple(sorted({names[c.code_id] for c in on_it}))
        hits.append(Hit(rank, band(z), unit.interview_id, summary.short_id, summary.title, summary.participant_code,
                        unit.start, unit.end, unit.text, codes, tuple(c.id for c in on_it)))  # fmt: skip
    return hits
