"""The export hooks: how an exporter lets another service rewrite what it writes, without knowing how.

The REFI-QDA exporter (``refi_export``) takes an ``ExportHooks``; de-identification
(``workbench.services.deid_release.qdpx_hooks``) builds one that replaces names in transcripts and memos and
generalizes attributes. A text hook returns the new text and, for every offset of the old text,
its offset in the new one, so selections are carried over (a selection whose text was removed
entirely is dropped and counted in the warnings).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Transformed:
    """A transcript after a transform; ``offsets[i]`` is where old offset ``i`` lands (len(old) + 1 entries)."""

    text: str
    offsets: Sequence[int]


TextTransform = Callable[[str, str], Transformed]
"""(interview id, transcript text) -> the text to export and its offset mapping."""


NoteTransform = Callable[[str], str]


AttributeTransform = Callable[[str, Mapping[str, object]], Mapping[str, object]]
"""(participant code, attributes) -> the attributes to export."""


@dataclass(frozen=True)
class ExportHooks:
    """What an exporter calls on the way out; a hook left as ``None`` leaves that part unchanged."""

    text: TextTransform | None = None
    note: NoteTransform | None = None
    attributes: AttributeTransform | None = None
