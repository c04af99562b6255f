"""Coding by search: find turns or sentences by words or a phrase, then code the chosen ones at once.

Segments are decrypted in memory for the search and never written anywhere in the clear; the
audit log records that a search happened and how many segments it looked at, never the query
(it may name a person) nor any text.

Matching is made for Hungarian as much as for English: words match at the *start* of a word,
so ``börtön`` finds ``börtönben`` and ``börtönből`` (suffixes), and the accent-insensitive
option folds ``ő``/``ö``/``o`` together (decomposition, then combining marks dropped). Case
folding uses ``str.casefold``. Offsets of matches are code points into the original text,
mapped back through the folding, so they stay right when folding changes a length (``ß``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from workbench.domain.models import SegmentKind, SpeakerRole
from workbench.domain.permissions import Action, require
from workbench.domain.text import normalize
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.services.coding import codable_codes, insert_new_codings
from workbench.services.workspace import Workspace

MAX_QUERY_CHARS = 200
DEFAULT_LIMIT = 500


class MatchMode(StrEnum):
    ALL_WORDS = "all words"
    ANY_WORD = "any word"
    PHRASE = "phrase"


@dataclass(frozen=True)
class SearchOptions:
    mode: MatchMode = MatchMode.ALL_WORDS
    match_case: bool = False
    match_accents: bool = False
    kind: SegmentKind = SegmentKind.TURN
    interview_ids: tuple[str, ...] | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class SearchHit:
    """One matching segment; ``matches`` are code-point spans relative to ``text``."""

    interview_id: str
    interview_label: str
    segment_id: str
    kind: SegmentKind
    position: int
    start: int
    end: int
    speaker: str
    role: SpeakerRole
    text: str
    matches: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    searched: int
    truncated: bool


@dataclass(frozen=True)
class Passage:
    """A span to code: interview id and code-point offsets."""

    interview_id: str
    start: int
    end: int


@dataclass(frozen=True)
class BulkCodingResult:
    added: int
    skipped: int


# -- matching (pure) ------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(char: str, match_case: bool, match_accents: bool) -> str:
    folded = char
    if not match_accents:
        folded = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    if not match_case:
        folded = folded.casefold()
    return folded


def fold(text: str, *, match_case: bool, match_accents: bool) -> tuple[str, list[int]]:
    """The folded text and, for each of its characters, the index of the original character."""
    if match_case and match_accents:
        return text, list(range(len(text)))
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char, match_case, match_accents)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def compile_query(query: str, options: SearchOptions) -> list[re.Pattern[str]]:
    """One pattern per term (or one for the phrase), each anchored at the start of a word."""
    query = normalize(query).strip()
    if not query:
        raise InvalidInputError(_("Type a word or a phrase to search for."))
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInputError(
            _("A search may be at most {MAX_QUERY_CHARS} characters long.").format(MAX_QUERY_CHARS=MAX_QUERY_CHARS)
        )
    folded = fold(query, match_case=options.match_case, match_accents=options.match_accents)[0]
    terms = [folded] if options.mode is MatchMode.PHRASE else list(dict.fromkeys(folded.split()))
    return [re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in term.split())) for term in terms]


def find_matches(text: str, patterns: Sequence[re.Pattern[str]], options: SearchOptions) -> list[tuple[int, int]]:
    """Code-point spans of the matches in ``text``; empty when the segment does not match."""
    folded, origin = fold(text, match_case=options.match_case, match_accents=options.match_accents)
    spans: list[tuple[int, int]] = []
    found_terms = 0
    for pattern in patterns:
        found = [(origin[m.start()], origin[m.end() - 1] + 1) for m in pattern.finditer(folded) if m.end() > m.start()]
        found_terms += bool(found)
        spans.extend(found)
    if not spans or (options.mode is MatchMode.ALL_WORDS and found_terms < len(patterns)):
        return []
    return sorted(set(spans))


# -- services ------------------------------------------------------------------------


def search_segments(ws: Workspace, query: str, options: SearchOptions | None = None) -> SearchResult:
    """Every turn (or sentence) matching the query across the readable interviews, in order."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    options = options or SearchOptions()
    patterns = compile_query(query, options)
    with ws.read() as repo:
        labels = {i.id: _label(i.participant_code, i.wave, i.title) for i in repo.interviews.summaries()}
        segments = repo.interviews.segments_of_kind(options.kind, options.interview_ids)
    hits: list[SearchHit] = []
    for item in segments:
        seg = item.segment
        matches = find_matches(seg.text, patterns, options)
        if matches:
            hits.append(
                SearchHit(item.interview_id, labels.get(item.interview_id, item.interview_id[:8]), seg.id, seg.kind,
                          seg.position, seg.start, seg.end, seg.speaker, seg.role, seg.text, tuple(matches))
            )  # fmt: skip
    truncated = len(hits) > options.limit
    hits = hits[: options.limit]
    with ws.write() as repo:
        ws.audit(repo, "segments searched", "project", ws.project.id, kind=options.kind.value,
                 searched=len(segments), hits=len(hits))  # fmt: skip
    return SearchResult(hits, len(segments), truncated)


def code_passages(ws: Workspace, code_ids: Sequence[str], passages: Sequence[Passage]) -> BulkCodingResult:
    """Apply codes to many passages (across interviews) in one transaction: all or nothing.

    Passages the user already coded with a code are passed over and counted as skipped.
    """
    require(ws.user, Action.CODE)
    if not passages:
        raise InvalidInputError(_("Choose at least one passage to code."))
    added = 0
    wanted = 0
    with ws.write() as repo:
        codes = codable_codes(repo, code_ids)
        by_interview: dict[str, list[tuple[str, int, int]]] = {}
        for p in passages:
            by_interview.setdefault(repo.interviews.resolve(p.interview_id), []).extend(
                (c.id, p.start, p.end) for c in codes
            )
        for interview_id, spans in by_interview.items():
            text = repo.interviews.text(interview_id)
            wanted += len(set(spans))
            created = insert_new_codings(ws, repo, interview_id, text, spans)
            added += len(created)
            if created:
                ws.audit(repo, "codings added by search", "interview", interview_id, codes=[c.id for c in codes],
                         codings=len(created))  # fmt: skip
    return BulkCodingResult(added, wanted - added)


def _label(participant: str | None, wave: int | None, title: str) -> str:
    return f"{participant or '-'} · wave {wave or '-'} · {title}"
