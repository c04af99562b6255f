"""Speaker-turn detection from the conventions transcribers actually use.

A turn starts at the beginning of a line with an optional timestamp
(``[00:12:31]``, ``(00:12)``, ``00:12:31``) and a speaker label followed by a
colon: ``Interviewer:``, ``I:``/``R:``, ``Q:``/``A:``, the Hungarian
``K:``/``V:`` (kérdező/válaszadó), a name such as ``Kovács Anna:``, or a
numbered speaker such as ``Speaker 2:``. The turn runs until the next label.
Offsets are code points over the normalised text; a turn's span covers what was
said, not the label. Text without labels is split into paragraphs, and a
bracketed timestamp opening a paragraph becomes that turn's time (subtitle cues
without a speaker are imported that way).

Roles come from the label when it is a known convention. For named speakers the
one who asks most questions is taken as the interviewer, which is right for
life-path interviews and can be corrected by the researcher later.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from workbench.domain.models import SpeakerRole

_TIMESTAMP = r"[\[(]?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]?"
_LABEL = r"(?P<label>[^\W\d_][\w.'’\- ]{0,38}?)"  # noqa: RUF001 - typographic apostrophe in names
_TURN_RE = re.compile(rf"^[ \t]*(?:{_TIMESTAMP}[ \t]*)?{_LABEL}[ \t]*:[ \t]+(?=\S)", re.MULTILINE)
_TS_ONLY_RE = re.compile(rf"^[ \t]*{_TIMESTAMP}[ \t]*$")
_TS_LEADING_RE = re.compile(r"[\[(](?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])][ \t]*")

_INTERVIEWER = {
    "interviewer", "i", "q", "k", "kérdező", "kerdezo", "researcher", "kutató", "moderator",
    "int", "riporter", "interjúkészítő",
}  # fmt: skip
_PARTICIPANT = {
    "participant", "r", "a", "v", "p", "válaszadó", "valaszado", "respondent", "interviewee",
    "resp", "alany", "interjúalany", "résztvevő",
}  # fmt: skip
_MAX_LABEL_WORDS = 4


@dataclass(frozen=True)
class Turn:
    """One speaker turn: what was said lies at ``text[start:end]``."""

    start: int
    end: int
    speaker: str
    role: SpeakerRole
    time_s: float | None = None


def parse_timestamp(raw: str) -> float:
    """``"01:02:03.5"`` -> 3723.5 seconds; two parts are minutes and seconds."""
    parts = raw.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds


def _plausible_label(label: str) -> bool:
    words = label.split()
    if not words or len(words) > _MAX_LABEL_WORDS:
        return False
    # Numbered speakers ("Speaker 2", "Beszélő 1") are what transcription tools write.
    return label.strip().lower() in _INTERVIEWER | _PARTICIPANT or all(w[0].isupper() or w.isdigit() for w in words)


def _known_role(label: str) -> SpeakerRole | None:
    key = label.strip().lower().rstrip(".")
    if key in _INTERVIEWER:
        return SpeakerRole.INTERVIEWER
    if key in _PARTICIPANT:
        return SpeakerRole.PARTICIPANT
    return None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def detect_turns(text: str) -> list[Turn]:
    """Split a normalised transcript into speaker turns.

    Text without any speaker labels is split into paragraphs with role OTHER, so
    that every transcript has units to code.
    """
    heads = [m for m in _TURN_RE.finditer(text) if _plausible_label(m.group("label"))]
    if len(heads) < 2:
        return _paragraph_turns(text)
    raw: list[tuple[int, int, str, float | None]] = []
    for i, match in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        start, end = _trim(text, match.end(), end)
        end = _strip_trailing_timestamp(text, start, end)
        ts = match.group("ts")
        if end > start:
            raw.append((start, end, match.group("label").strip(), parse_timestamp(ts) if ts else None))
    roles = _assign_roles(text, raw)
    return [Turn(s, e, label, roles[label], ts) for s, e, label, ts in raw]


def _strip_trailing_timestamp(text: str, start: int, end: int) -> int:
    """Drop a timestamp standing alone on the last line (it belongs to the next turn)."""
    last_break = text.rfind("\n", start, end)
    if last_break != -1 and _TS_ONLY_RE.match(text[last_break + 1 : end]):
        return _trim(text, start, last_break)[1]
    return end


def _assign_roles(text: str, turns: list[tuple[int, int, str, float | None]]) -> dict[str, SpeakerRole]:
    roles: dict[str, SpeakerRole] = {}
    questions: Counter[str] = Counter()
    for start, end, label, _ in turns:
        known = _known_role(label)
        if known is not None:
            roles[label] = known
        else:
            questions[label] += text.count("?", start, end)
            questions.setdefault(label, 0)
    unknown = [label for label, _ in questions.most_common()]
    has_interviewer = SpeakerRole.INTERVIEWER in roles.values()
    has_participant = SpeakerRole.PARTICIPANT in roles.values()
    for label in unknown:
        if not has_interviewer:
            roles[label], has_interviewer = SpeakerRole.INTERVIEWER, True
        elif not has_participant:
            roles[label], has_participant = SpeakerRole.PARTICIPANT, True
        else:
            roles[label] = SpeakerRole.OTHER
    return roles


def _paragraph_turns(text: str) -> list[Turn]:
    """Paragraphs as turns; a bracketed timestamp opening one (``[00:12:31]``) becomes its time."""
    turns = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        start, end = _trim(text, match.start(), match.end())
        time_s = None
        stamp = _TS_LEADING_RE.match(text, start, end)
        if stamp:
            time_s = parse_timestamp(stamp.group("ts"))
            start = _trim(text, stamp.end(), end)[0]
        if end > start:
            turns.append(Turn(start, end, "", SpeakerRole.OTHER, time_s))
    return turns
