"""Coding suggestions: uncoded participant sentences close to a code's coded examples.

``suggestions`` ranks, for each code, the uncoded participant sentences that are semantically
close to the code's coded examples (embedded with the project's theme model, stored per text in
``repo.embeddings``); ``accept_suggestion`` turns one into a normal coding by the acting
researcher (marked ``suggested``), ``reject_suggestion`` remembers a no. Blind coding is respected:
examples and "uncoded" are judged only from the codings the acting user may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from workbench.domain.models import Code, Coding, SegmentKind
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.nlp import embed
from workbench.services.themes import (
    ProgressFn,
    Unit,
    embed_units,
    live_interviews,
    model_for,
    participant_units,
    save_vectors,
    unit_covers,
    visible_codings,
)
from workbench.services.visibility import coders_visible_to
from workbench.services.workspace import Workspace

SUGGESTION_Z = 1.0
"""A sentence is suggested when its similarity to a code's examples is this many standard
deviations above the average sentence's: a threshold that means the same for every model."""


@dataclass(frozen=True)
class Suggestion:
    code_id: str
    code_name: str
    interview_id: str
    interview_title: str
    participant_code: str | None
    start: int
    end: int
    text: str
    score: float
    example: str
    """The coded example the sentence is closest to."""


def suggestions(
    ws: Workspace,
    *,
    code_id: str | None = None,
    per_code: int = 5,
    embedder: embed.Embedder | None = None,
    on_progress: ProgressFn | None = None,
) -> list[Suggestion]:
    """Uncoded participant sentences close to each code's coded examples, best first per code."""
    require(ws.user, Action.CODE)
    with ws.read() as repo:
        interviews = live_interviews(repo)
        codings = visible_codings(repo, interviews, coders_visible_to(ws))
        codes = [c for c in repo.codebook.codes() if c.codable and (code_id is None or c.id == code_id)]
        if code_id is not None and not codes:
            raise NotFoundError(_("There is no codable code with the id {code_id}.").format(code_id=code_id))
        sentences = participant_units(repo, interviews, SegmentKind.SENTENCE)
        examples = _examples(codings, {c.id for c in codes})
        decided = repo.embeddings.decided(ws.user.id)
        embedder = embedder or embed.load_embedder(model_for(ws, repo))
        units = sentences + [u for group in examples.values() for u in group]
        vectors, new = embed_units(repo, units, embedder, on_progress)
    per_code_vectors: dict[str, np.ndarray[Any, np.dtype[np.float32]]] = {}
    offset = len(sentences)
    for key, group in examples.items():
        per_code_vectors[key] = vectors[offset : offset + len(group)]
        offset += len(group)
    found = _rank(codes, sentences, examples, sentence_vectors=vectors[: len(sentences)],
                  example_vectors=per_code_vectors, codings=codings, decided=decided, per_code=per_code)  # fmt: skip
    titles = {i.id: (i.title, i.participant_code) for i in interviews}
    with ws.write() as repo:
        save_vectors(repo, embedder.model_id, new)
        ws.audit(repo, "suggestions listed", "code", code_id or "", suggestions=len(found))
    return [
        Suggestion(code.id, code.name, unit.interview_id, *titles[unit.interview_id], unit.start, unit.end, unit.text,
                   score, example.text)
        for code, unit, score, example in found
    ]  # fmt: skip


def _examples(codings: dict[str, list[Coding]], code_ids: set[str]) -> dict[str, list[Unit]]:
    found: dict[str, dict[tuple[str, int, int], Unit]] = defaultdict(dict)
    for interview_id, items in codings.items():
        for c in items:
            if c.code_id in code_ids:
                found[c.code_id].setdefault((interview_id, c.start, c.end), Unit(interview_id, c.start, c.end, c.text))
    return {code_id: list(spans.values()) for code_id, spans in found.items()}


def _rank(
    codes: Sequence[Code],
    sentences: Sequence[Unit],
    examples: dict[str, list[Unit]],
    *,
    sentence_vectors: np.ndarray[Any, np.dtype[np.float32]],
    example_vectors: dict[str, np.ndarray[Any, np.dtype[np.float32]]],
    codings: dict[str, list[Coding]],
    decided: set[tuple[str, str, int, int]],
    per_code: int,
) -> list[tuple[Code, Unit, float, Unit]]:
    found: list[tuple[Code, Unit, float, Unit]] = []
    for code in codes:
        group = examples.get(code.id, [])
        if not group or not sentences:
            continue
        sims = sentence_vectors @ example_vectors[code.id].T
        open_ = [i for i, unit in enumerate(sentences) if not _taken(unit, code.id, codings, decided)]
        for index, score in _best(sims.max(axis=1), open_, per_code):
            found.append((code, sentences[index], score, group[int(sims[index].argmax())]))
    return found


def _taken(unit: Unit, code_id: str, codings: dict[str, list[Coding]], decided: set[tuple[str, str, int, int]]) -> bool:
    """Already coded with the code (by a visible coder), or accepted or rejected before."""
    if (code_id, unit.interview_id, unit.start, unit.end) in decided:
        return True
    return any(c.code_id == code_id and unit_covers(unit, c) for c in codings.get(unit.interview_id, []))


def _best(scores: np.ndarray[Any, Any], candidates: list[int], count: int) -> list[tuple[int, float]]:
    """The top ``count`` candidates that stand out: above mean + z * sd of all the candidates' scores."""
    if len(candidates) < 2:
        return []
    pool = scores[candidates]
    cutoff = float(pool.mean() + SUGGESTION_Z * pool.std())
    ranked = sorted(candidates, key=lambda i: (-float(scores[i]), i))
    return [(i, round(float(scores[i]), 4)) for i in ranked[:count] if float(scores[i]) > cutoff]


def accept_suggestion(ws: Workspace, suggestion: Suggestion) -> Coding:
    """Code the suggested sentence for the acting user; the coding is marked ``suggested``."""
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        code = next((c for c in repo.codebook.codes() if c.id == suggestion.code_id), None)
        if code is None or not code.codable:
            raise NotFoundError(_("There is no codable code with the id {code_id}.").format(code_id=suggestion.code_id))
        span = (suggestion.interview_id, suggestion.start, suggestion.end)
        mine = [c for c in repo.codings.of_interview(suggestion.interview_id) if c.coder == ws.user.name]
        if any(c.code_id == code.id and (c.start, c.end) == span[1:] for c in mine):
            raise InvalidInputError(_("You have already coded this passage with this code."))
        transcript = repo.interviews.transcript(suggestion.interview_id)
        coding = repo.codings.add(transcript, code.id, ws.user.id, suggestion.start, suggestion.end, suggested=True)
        repo.embeddings.decide(ws.user.id, code.id, span, "accepted")
        ws.audit(repo, "suggestion accepted", "coding", coding.id, interview=suggestion.interview_id, code=code.id)
    return coding


def reject_suggestion(ws: Workspace, suggestion: Suggestion) -> None:
    """Remember that the acting user does not want this sentence suggested for this code again."""
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        repo.interviews.resolve(suggestion.interview_id)
        span = (suggestion.interview_id, suggestion.start, suggestion.end)
        repo.embeddings.decide(ws.user.id, suggestion.code_id, span, "rejected")
        ws.audit(repo, "suggestion rejected", "code", suggestion.code_id, interview=suggestion.interview_id)
