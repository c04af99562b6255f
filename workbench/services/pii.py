"""``workbench pii detect``: the identifier detector on any texts, without a project."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

if TYPE_CHECKING:
    from workbench.deid.engine import Detector


def detect_lines(lines: Iterable[str], language: str) -> Iterator[dict[str, object]]:
    """``workbench pii detect``: spans per JSON line ``{"id", "text"}``, offsets in code points.

    Needs no project (no known names, no decisions): the models, patterns and candidates only.
    Records are detected ``DETECT_BATCH`` at a time so the model runs batched (``detect_many``).
    """
    if language not in ("en", "hu"):
        raise InvalidInputError(_("Unsupported language {language!r}; use en or hu.").format(language=language))
    from workbench.deid.engine import shared_detector

    detector = shared_detector()
    batch: list[dict[str, Any]] = []
    for record in _records(lines):
        batch.append(record)
        if len(batch) == DETECT_BATCH:
            yield from _detected(detector, batch, language)
            batch = []
    yield from _detected(detector, batch, language)


DETECT_BATCH = 64


def _records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InvalidInputError(_("Line {number} is not JSON.").format(number=number)) from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InvalidInputError(_('Line {number}: expected an object with "id" and "text".').format(number=number))
        yield record


def _detected(detector: Detector, records: list[dict[str, Any]], language: str) -> Iterator[dict[str, object]]:
    found = detector.detect_many([r["text"] for r in records], language)
    for record, spans in zip(records, found, strict=True):
        yield {"id": record.get("id"), "spans": [{"start": s.start, "end": s.end, "type": s.entity_type,
                                                   "score": round(s.score, 3)} for s in spans]}  # fmt: skip
