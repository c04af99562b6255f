"""Entity types and detected spans, shared by the detectors, the store and the exports."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.i18n import gettext as _

# Tag labels, in the order the review page lists them. Presidio's own entity names are mapped
# onto these (``PRESIDIO_TYPES``) so a project sees one vocabulary.
ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "NAME",
    "CITY",
    "PLACE",
    "INSTITUTION",
    "ORGANIZATION",
    "ADDRESS",
    "PHONE",
    "EMAIL",
    "URL",
    "ID",
    "DATE",
    "AGE",
    "OTHER",
)

PRESIDIO_TYPES: dict[str, str] = {
    "PERSON": "PERSON",
    "LOCATION": "PLACE",
    "ORGANIZATION": "ORGANIZATION",
    "EMAIL_ADDRESS": "EMAIL",
    "URL": "URL",
    "PHONE_NUMBER": "PHONE",
    "HU_PHONE": "PHONE",
    "NANP_PHONE": "PHONE",
    "HU_TAJ": "ID",
    "HU_TAX_ID": "ID",
    "HU_PERSONAL_ID": "ID",
    "HU_ID_CARD": "ID",
    "US_SSN": "ID",
    "IBAN_CODE": "ID",
    "CREDIT_CARD": "ID",
    "IP_ADDRESS": "ID",
    "HU_ADDRESS": "ADDRESS",
    "ADDRESS": "ADDRESS",
    "PRISON": "INSTITUTION",
    "HU_SETTLEMENT": "CITY",
    "DATE": "DATE",
    "AGE": "AGE",
    "ID_NUMBER": "ID",  # workbench/deid/recognizers_en.py
    "USERNAME": "URL",
}


def entity_type(value: str) -> str:
    """A stored or typed entity type, checked against the project vocabulary."""
    upper = value.strip().upper()
    aliases = {"LOCATION": "PLACE", "TOWN": "CITY", "PRISON": "INSTITUTION", "ORG": "ORGANIZATION"}
    upper = aliases.get(upper, upper)
    if upper not in ENTITY_TYPES:
        from workbench.errors import InvalidInputError

        raise InvalidInputError(
            _("Unknown entity type {value!r}; use one of {ENTITY_TYPES}.").format(
                value=value, ENTITY_TYPES=", ".join(ENTITY_TYPES)
            )
        )
    return upper


@dataclass(frozen=True)
class Span:
    """One detected identifier: code-point offsets into the text, end exclusive."""

    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str
    term_key: str | None = None  # the known term (pseudonym) it matched, if any

    @property
    def length(self) -> int:
        return self.end - self.start


# Priority when spans overlap: known terms beat everything, then specific patterns, then models,
# then the high-recall candidate detector.
_PRIORITY = {"known": 3, "candidate": 0}


def _rank(span: Span) -> tuple[int, int, float]:
    return (_PRIORITY.get(span.recognizer, 1 if span.recognizer.startswith("spacy") else 2), span.length, span.score)


def resolve_overlaps(spans: list[Span]) -> list[Span]:
    """Non-overlapping spans covering every detected character (recall first).

    Overlapping spans are merged into their union, which keeps the type and recognizer of the
    highest-ranked member; a merged span never covers less than any of its parts did.
    """
    result: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if result and span.start < result[-1].end:
            last = result[-1]
            best = max(last, span, key=_rank)
            result[-1] = Span(last.start, max(last.end, span.end), best.entity_type, max(last.score, span.score),
                              best.recognizer, best.term_key)  # fmt: skip
        else:
            result.append(span)
    return result
