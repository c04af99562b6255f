"""URLs and bare domains in linear time: Presidio's ``UrlRecognizer`` replaced for hostile input.

Presidio's URL pattern (``[a-z0-9.\\-]{1,253}[.](?:com|edu|…)``, some 600 top-level domains in one
alternation) backtracks over up to 253 characters and every alternative at each position of a
long dotted run: ``1.1.1.…`` of 10,000 characters kept it busy for about 27 s, and a transcript
(or an imported file) may hold such runs (IP lists, version numbers, ellipses of dots). This
recognizer finds the same things without a backtracking pattern: the text is cut into runs of
characters a URL can hold (one linear regex scan, no nested repetition), and each run is checked
by string operations: a scheme (``http://``, ``https://``, ``ftp://``) makes it a URL, otherwise
its host part must be dot-separated labels ending in one of Presidio's own top-level domains
(taken from its pattern) or a public suffix of tldextract's bundled list (*.biz*, *.co.uk*).
Each run is examined a bounded number of times, so the work is linear in the text's length.

Unlike Presidio's pattern, a domain must end at the end of its label (*example.community* is
not *example.com* plus *munity*), and the host part of an e-mail address is left to the e-mail
recognizer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import UrlRecognizer

NAME = "UrlRecognizer"  # reported as "urlrecognizer", as Presidio's own was
SCHEME_SCORE = 0.6  # Presidio's scores: 0.6 with a scheme, 0.5 without
DOMAIN_SCORE = 0.5
CONTEXT = ["url", "website", "link", "honlap", "weboldal"]
# Characters a URL may hold here; quotes, brackets and angle brackets end one (as in Presidio's path).
_RUN = re.compile(r"[^\s<>\"'()\[\]{}|\\^`\u201c\u201d\u201e\u2018\u2019\u00ab\u00bb]+")
_SCHEME = re.compile(r"(?i)(?:https?|ftp)://")
# A host label: letters (any script, as in internationalized names: *bäckerei-schmidt.de*), digits,
# hyphens and underscores (not valid in host names, but people write them), starting with a letter or digit.
_LABEL = re.compile(r"[^\W_][\w\-]{0,62}")
_EDGE = ".,;:!?*-_=+&#%~"  # stripped from a run's ends (sentence punctuation around a URL)
_MAX_HOST = 253
_MAX_LABELS = 127


@lru_cache(maxsize=1)
def top_level_domains() -> frozenset[str]:
    """Presidio's top-level domains, read from its URL pattern (``(?:com)|(?:edu)|…``)."""
    return frozenset(re.findall(r"\(\?:([a-z]+)\)", UrlRecognizer.BASE_URL_REGEX))


@lru_cache(maxsize=1)
def _public_suffixes() -> Any:
    # tldextract's bundled public-suffix snapshot (as the e-mail recognizer uses): .biz, .co.uk, .xyz ...
    from workbench.deid.recognizers import offline_tld_extractor

    return offline_tld_extractor()


def _known_suffix(name: str, last: str) -> bool:
    return last in top_level_domains() or bool(_public_suffixes()(name).suffix)


def _is_domain(host: str) -> bool:
    """``host`` (port allowed) is labels joined by dots, ending in a known top-level domain or public suffix."""
    name, _, port = host.partition(":")
    if port and not port.isdigit():
        return False
    if not 3 < len(name) <= _MAX_HOST or name.count(".") >= _MAX_LABELS:
        return False
    labels = name.casefold().split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    return _known_suffix(name.casefold(), labels[-1])


def _url_in(run: str) -> tuple[int, int, float] | None:
    """The URL a run holds, as (start, end, score) within the run, or None."""
    start, end = 0, len(run)
    while start < end and run[start] in _EDGE:
        start += 1
    while end > start and run[end - 1] in _EDGE:
        end -= 1
    scheme = _SCHEME.search(run, start, end)
    if scheme is not None:
        host_start = scheme.end()
        host = run[host_start:end].split("/", 1)[0].rpartition("@")[2]
        return (scheme.start(), end, SCHEME_SCORE) if host else None
    label, colon, rest = run[start:end].partition(":")
    if colon and "." not in label and rest[:1].isalpha():
        start += len(label) + 1  # a label before a bare domain: url:example.com, web:www.example.org
    host = run[start:end].split("/", 1)[0]
    if "@" in host or not _is_domain(host):
        return None
    return start, end, DOMAIN_SCORE


def find_urls(text: str) -> list[tuple[int, int, float]]:
    """(start, end, score) of every URL or bare domain in ``text``, in linear time."""
    found = []
    for run in _RUN.finditer(text):
        value = run.group()
        if "." not in value and ":" not in value:
            continue  # most words: no domain and no scheme
        hit = _url_in(value)
        if hit is not None:
            found.append((run.start() + hit[0], run.start() + hit[1], hit[2]))
    return found


class LinearUrlRecognizer(EntityRecognizer):
    """Presidio recognizer for URLs (``URL``), linear in the text's length (see the module)."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=["URL"], supported_language=supported_language, name=NAME,
                         context=CONTEXT)  # fmt: skip

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Any]:
        # An explanation is required: Presidio's context enhancement records the context word in it.
        return [
            RecognizerResult("URL", start, end, score,
                             analysis_explanation=AnalysisExplanation(NAME, score, textual_explanation="URL shape"))
            for start, end, score in find_urls(text)
        ]  # fmt: skip
