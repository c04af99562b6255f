"""Exchange files built from what each tool is documented to write (all content fictional).

``scheme_less``   plainTextPath="board.txt" without ``internal://`` (a command-line QDA tool), no source name
``missing_files`` text files named in the project but absent from the archive (their codings must be counted)
``conformant``    written to the standard (code points over LF text) with selections that start and end
                  mid-word, as people do select; none of it may be "converted"
``nvivo_users``   NVivo: a selection and its Coding name different users, the Coding's with the earlier date;
                  UTF-16 offsets over CR LF text with emoji; coder names with spaces
``maxqda``        MAXQDA: CR LF text; selections carrying only a Description (annotations); nameless cases
                  holding document variables
``atlas_flat``    ATLAS.ti: a hierarchy flattened into "Parent::Child" names; the inner file is not project.qde

Codes without a colour appear in every file. Each builder returns the archive bytes and the
quotes its coded selections were made on.
"""

from __future__ import annotations

import random
import re
import uuid
from xml.sax.saxutils import escape, quoteattr

from tests.refi.fixtures import _utf16, archive

ANNA = "3f2a4c1e-0b7d-4e59-9a61-2c8d7e6f5a41"
BENCE = "8b1e2d3c-4f5a-4b6c-8d7e-9f0a1b2c3d4e"
ENRIC = "c7d6e5f4-a3b2-4c1d-8e9f-0a1b2c3d4e5f"
FAMILY = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
PRISON = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"
WORK = "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f"

_SENTENCE = (
    "the old mill road was wet and the bus came late every winter morning my brother said we should leave "
    "for the city before the factory closed and nobody listened to him then"
)
_WORDS = tuple(_SENTENCE.split(" "))


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible fixtures, not secrets


def _g(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _text(rng: random.Random, lines: int) -> str:
    rows = []
    for number in range(lines):
        speaker = "I" if number % 2 == 0 else "R"
        rows.append(f"{speaker}: " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 14))) + ".")
    return "\n".join(rows) + "\n"


def _codebook(*extra: str) -> str:
    return ("<CodeBook><Codes>"
            f'<Code guid="{FAMILY}" name="Family" isCodable="true"/>'  # no colour
            f'<Code guid="{PRISON}" name="Prison" isCodable="true" color="#3366CC"/>'
            f'<Code guid="{WORK}" name="Work" isCodable="true"><Description>Jobs and plans.</Description></Code>'
            + "".join(extra) + "</Codes></CodeBook>")  # fmt: skip


def _users() -> str:
    return (f'<Users><User guid="{ANNA}" name="Anna Kovács"/><User guid="{BENCE}" name="Bence"/>'
            f'<User guid="{ENRIC}" name="Enric Llagostera"/></Users>')  # fmt: skip


def _coded(rng: random.Random, start: int, end: int, code: str, user: str = ANNA, *, name: str = "") -> str:
    named = f" name={quoteattr(name)}" if name else ""
    return (f'<PlainTextSelection guid="{_g(rng)}" startPosition="{start}" endPosition="{end}"{named} '
            f'creatingUser="{user}" creationDateTime="2022-03-01T10:00:00Z"><Coding guid="{_g(rng)}" '
            f'creatingUser="{user}" creationDateTime="2022-03-01T10:00:00Z"><CodeRef targetGUID="{code}"/>'
            "</Coding></PlainTextSelection>")  # fmt: skip


def _project(origin: str, body: str, codebook: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="fixture" '
            f'origin={quoteattr(origin)}>{_users()}{codebook or _codebook()}{body}</Project>').encode()  # fmt: skip


def _words(text: str, rng: random.Random, count: int) -> list[tuple[int, int]]:
    """``count`` spans of two or three whole words on one line, as a person selects."""
    words = [m.span() for m in re.finditer(r"\w+", text)]
    spans = []
    for index in sorted(rng.sample(range(len(words) - 3), count)):
        start, end = words[index][0], words[index + rng.randint(1, 2)][1]
        spans.append((start, end) if "\n" not in text[start:end] else words[index])
    return spans


def scheme_less() -> tuple[bytes, list[str]]:
    rng = _rng(1)
    board, second = _text(rng, 12), _text(rng, 8)
    spans = _words(board, rng, 6)
    selections = "".join(_coded(rng, s, e, (FAMILY, PRISON, WORK)[i % 3]) for i, (s, e) in enumerate(spans))
    extra_span = _words(second, rng, 1)[0]
    extra = _coded(rng, *extra_span, WORK)
    body = (f'<Sources><TextSource guid="{_g(rng)}" plainTextPath="board.txt">{selections}</TextSource>'
            f'<TextSource guid="{_g(rng)}" name="Second" plainTextPath="sources/second.txt">{extra}</TextSource>'
            "</Sources>")  # fmt: skip
    data = archive({"project.qde": _project("qdacli 0.3", body), "sources/board.txt": board.encode(),
                    "sources/second.txt": second.encode()})  # fmt: skip
    return data, [board[s:e] for s, e in spans] + [second[slice(*extra_span)]]


def missing_files() -> tuple[bytes, list[str]]:
    rng = _rng(2)
    present = _text(rng, 6)
    sources = []
    for _ in range(2):  # 8 codings each, their files not in the archive
        gone = _text(rng, 10)
        selections = "".join(_coded(rng, s, e, PRISON) for s, e in _words(gone, rng, 8))
        guid = _g(rng)
        sources.append(f'<TextSource guid="{guid}" name="gone" plainTextPath="internal://{guid}.txt">'
                       f"{selections}</TextSource>")  # fmt: skip
    here = _g(rng)
    spans = _words(present, rng, 2)
    coded = "".join(_coded(rng, s, e, FAMILY) for s, e in spans)
    sources.append(f'<TextSource guid="{here}" name="here" plainTextPath="internal://{here}.txt">{coded}</TextSource>')
    body = "<Sources>" + "".join(sources) + "</Sources>"
    data = archive({"project.qde": _project("qdacli 0.3", body), f"sources/{here}.txt": present.encode()})
    return data, [present[s:e] for s, e in spans]


def conformant(sources: int = 40, per_source: int = 5, origin: str = "qdacli 0.3") -> tuple[bytes, list[str]]:
    """Code points over LF text, selections from and to arbitrary characters (often mid-word)."""
    rng = _rng(3)
    entries: dict[str, bytes] = {}
    parts, quotes = [], []
    for _ in range(sources):
        text = _text(rng, 14)
        guid = _g(rng)
        entries[f"sources/{guid}.txt"] = text.encode()
        selections = []
        for _ in range(per_source):
            start = rng.randrange(0, len(text) - 40)
            end = start + rng.randint(5, 40)
            selections.append(_coded(rng, start, end, rng.choice((FAMILY, PRISON, WORK))))
            quotes.append(text[start:end])
        parts.append(f'<TextSource guid="{guid}" name="S{len(parts) + 1:03d}" plainTextPath="internal://{guid}.txt">'
                     + "".join(selections) + "</TextSource>")  # fmt: skip
    entries["project.qde"] = _project(origin, "<Sources>" + "".join(parts) + "</Sources>")
    return archive(entries), quotes


NVIVO_TEXT = ("Interviewer: Tell me about your work. \U0001f642\r\n"
              "Participant: I worked at the mill until the fire, then I drove a bus.\r\n"
              "Interviewer: And your family? \U0001f600\r\n"
              "Participant: My sister kept writing to me the whole time I was inside.\r\n")  # fmt: skip
NVIVO_QUOTES = ["worked at the mill", "drove a bus", "My sister kept writing"]


def nvivo_users() -> tuple[bytes, list[str]]:
    """NVivo 12: the selection's creatingUser (Bence, later) differs from its Coding's (Anna, earlier)."""
    rng = _rng(4)
    guid = _g(rng)
    selections = []
    for number, quote in enumerate(NVIVO_QUOTES):
        start = NVIVO_TEXT.index(quote)
        s, e = _utf16(NVIVO_TEXT, start), _utf16(NVIVO_TEXT, start + len(quote))
        coder = ANNA if number < 2 else ENRIC
        selections.append(
            f'<PlainTextSelection guid="{_g(rng)}" startPosition="{s}" endPosition="{e}" creatingUser="{BENCE}" '
            f'creationDateTime="2022-05-02T09:00:00Z"><Coding guid="{_g(rng)}" creatingUser="{coder}" '
            f'creationDateTime="2022-04-01T09:00:00Z"><CodeRef targetGUID="{(WORK, WORK, FAMILY)[number]}"/>'
            "</Coding></PlainTextSelection>"
        )
    body = (f'<Sources><TextSource guid="{guid}" name="Interview 7" plainTextPath="internal://{guid}.txt">'
            + "".join(selections) + "</TextSource></Sources>")  # fmt: skip
    data = archive({"project.qde": _project("NVivo 12 (Windows) 12.6.1.970", body),
                    f"sources/{guid}.txt": NVIVO_TEXT.encode()})  # fmt: skip
    return data, NVIVO_QUOTES


MAXQDA_TEXT = ("I: Where did you work before?\r\nR: At the bakery on the square, nights mostly.\r\n"
               "I: And after you came out?\r\nR: My uncle found me a place at the depot.\r\n")  # fmt: skip
MAXQDA_QUOTES = ["At the bakery on the square", "My uncle found me a place"]
MAXQDA_ANNOTATED = ["nights mostly", "at the depot"]


def maxqda() -> tuple[bytes, list[str]]:
    """MAXQDA 24: CR LF text (offsets count the CR, as code points do), annotations, nameless cases."""
    rng = _rng(5)
    guid, age, town = _g(rng), _g(rng), _g(rng)
    coded = "".join(_coded(rng, MAXQDA_TEXT.index(q), MAXQDA_TEXT.index(q) + len(q), WORK, BENCE)
                    for q in MAXQDA_QUOTES)  # fmt: skip
    notes = "".join(
        f'<PlainTextSelection guid="{_g(rng)}" startPosition="{MAXQDA_TEXT.index(q)}" '
        f'endPosition="{MAXQDA_TEXT.index(q) + len(q)}" creatingUser="{BENCE}" '
        f'creationDateTime="2023-01-0{i + 1}T08:00:00Z"><Description>{escape(f"Check this: {q}")}</Description>'
        "</PlainTextSelection>"
        for i, q in enumerate(MAXQDA_ANNOTATED)
    )
    other = _g(rng)
    other_text = "R: Nothing to add.\r\n"
    cases = (f'<Variables><Variable guid="{age}" name="Age" typeOfVariable="Integer"/>'
             f'<Variable guid="{town}" name="Town" typeOfVariable="Text"/></Variables><Cases>'
             f'<Case guid="{_g(rng)}" name=""><VariableValue><VariableRef targetGUID="{age}"/><IntegerValue>41'
             f'</IntegerValue></VariableValue><VariableValue><VariableRef targetGUID="{town}"/><TextValue>Ózd'
             f'</TextValue></VariableValue><SourceRef targetGUID="{guid}"/></Case>'
             f'<Case guid="{_g(rng)}"><VariableValue><VariableRef targetGUID="{age}"/><IntegerValue>29'
             f'</IntegerValue></VariableValue><SourceRef targetGUID="{other}"/></Case></Cases>')  # fmt: skip
    body = (
        f'{cases}<Sources><TextSource guid="{guid}" name="Interview bakery" '
        f'plainTextPath="internal://{guid}.txt">{coded}{notes}</TextSource>'
        f'<TextSource guid="{other}" name="Interview short" plainTextPath="internal://{other}.txt"/></Sources>'
    )
    data = archive(
        {
            "project.qde": _project("MAXQDA 24 Release 24.1.0", body),
            f"sources/{guid}.txt": MAXQDA_TEXT.encode(),
            f"sources/{other}.txt": other_text.encode(),
        }
    )
    return data, MAXQDA_QUOTES


MOTHER = "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70"
FATHER = "e5f6a7b8-c9d0-4e1f-9a2b-3c4d5e6f7081"
CELL = "f6a7b8c9-d0e1-4f2a-8b3c-4d5e6f708192"


def atlas_flat() -> tuple[bytes, list[str]]:
    """ATLAS.ti 23: "Family::Mother" names instead of a tree; named selections; inner "Mein Projekt.qde"."""
    rng = _rng(6)
    text = _text(rng, 10)
    spans = _words(text, rng, 4)
    codes = (MOTHER, FATHER, CELL, PRISON)
    selections = "".join(_coded(rng, s, e, codes[i], BENCE, name=text[s : s + 10]) for i, (s, e) in enumerate(spans))
    flat = (f'<Code guid="{MOTHER}" name="Kin::Mother" isCodable="true" color="#AA0000"/>'
            f'<Code guid="{FATHER}" name="Kin::Father" isCodable="true"/>'
            f'<Code guid="{CELL}" name="Prison::Cell" isCodable="true"/>')  # fmt: skip
    guid = _g(rng)
    body = (f'<Sources><TextSource guid="{guid}" name="P03" plainTextPath="internal://{guid}.txt">{selections}'
            "</TextSource></Sources>")  # fmt: skip
    data = archive({"Mein Projekt.qde": _project("ATLAS.ti 23.2.1", body, _codebook(flat)),
                    f"sources/{guid}.txt": text.encode()})  # fmt: skip
    return data, [text[s:e] for s, e in spans]


def crlf_counted_two(origin: str = "NVivo 12 (Windows)") -> tuple[bytes, list[str]]:
    """LF text files whose offsets count every line end as two (as NVivo and ATLAS.ti on Windows do): four
    sources with three selections each, which decide by themselves, and two with a single selection, which
    are too small to and must follow the rest of the file."""
    rng = _rng(8)
    entries: dict[str, bytes] = {}
    parts, quotes = [], []
    for count in (3, 3, 3, 3, 1, 1):
        text = _text(rng, 14)
        spans = _words(text[text.index("\n", 200) :], rng, count)
        offset = text.index("\n", 200)
        guid = _g(rng)
        entries[f"sources/{guid}.txt"] = text.encode()
        selections = ""
        for s, e in ((s + offset, e + offset) for s, e in spans):
            selections += _coded(rng, s + text[:s].count("\n"), e + text[:e].count("\n"), WORK)
            quotes.append(text[s:e])
        parts.append(f'<TextSource guid="{guid}" name="T{len(parts) + 1}" plainTextPath="internal://{guid}.txt">'
                     f"{selections}</TextSource>")  # fmt: skip
    entries["project.qde"] = _project(origin, "<Sources>" + "".join(parts) + "</Sources>")
    return archive(entries), quotes
