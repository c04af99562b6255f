"""Hand-built ``.qdpx`` files that imitate what other QDA programs write (all content fictional).

``nvivo_like``: the inner project file has another name, sources live in ``Sources/``
with upper-case names, GUIDs are upper case in braces, the text file has CR LF line
ends and an emoji, and selections count UTF-16 code units over that text.
``atlas_like``: ``Project.qde``, the text file has bare LF line ends but selections
count every line end as two characters (CR LF), selections carry names (their
opening words), and the file holds sets, graphs, a picture and a PDF with a text
representation. ``nfd_like``: text in decomposed form (as macOS tools write it),
offsets in code points of that decomposed text.

Each builder returns the archive bytes and the quotes the selections were made on,
in order, so a test can check that every imported coding landed on its intended text.
"""

from __future__ import annotations

import io
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

NVIVO_TEXT = (
    "Interviewer: Where did you grow up? \U0001f642\r\n"
    "Participant: In Kisrétfalva, behind the old tannery, where the marmalade trams stopped.\r\n"
    "Interviewer: And later on? \U0001d11e\r\n"
    "Participant: Prison changed everything for me. My cellmate talked about justice every night.\r\n"
    "Interviewer: What do you plan now? \U0001f600\U0001f600\r\n"
    "Participant: I want to work with my uncle and stay away from the old crowd.\r\n"
)
NVIVO_QUOTES = ["behind the old tannery", "Prison changed everything for me",
                "talked about justice every night", "work with my uncle"]  # fmt: skip

ATLAS_TEXT = (
    "K: Hol nőtt fel?\n"
    "V: Egy bádogtetős tanyán, ahol a kék kecske minden reggel bekiabált.\n"
    "K: És a börtön?\n"
    "V: Ott ismertem meg azokat, akik szerint mindenért a rendszer a hibás.\n"
    "K: Mit tervez?\n"
    "V: Szeretnék hazamenni a lányomhoz, és rendes munkát találni.\n"
)
ATLAS_QUOTES = ["bádogtetős tanyán", "mindenért a rendszer a hibás", "hazamenni a lányomhoz",
                "rendes munkát találni"]  # fmt: skip

NFD_TEXT = unicodedata.normalize("NFD", "Participant: Az életem Kisrétfalván kezdődött, a fűzfás udvaron.\n")
NFD_QUOTES = ["fűzfás udvaron", "Kisrétfalván"]


@dataclass(frozen=True)
class Ids:
    code_grievance: str = "5342A837-43B0-40A4-B1BC-5C3C705AC6D7"
    code_personal: str = "9C5A2266-342B-4793-9C19-E5B197937E03"
    code_turning: str = "0A3B4C5D-6E7F-4A8B-9C0D-1E2F3A4B5C6D"
    user_anna: str = "AD68FBE7-E1EE-4A82-A279-23CC698C89EB"
    user_bence: str = "C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B"


IDS = Ids()


def _g() -> str:
    return str(uuid.uuid4()).upper()


def _utf16(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2


def _crlf_two(text: str, index: int) -> int:
    return index + text[:index].count("\n")


def _selections(text: str, quotes: list[str], unit: object, *, names: bool, code: str, user: str) -> str:
    parts = []
    for number, quote in enumerate(quotes):
        start = text.index(quote)
        end = start + len(quote)
        s, e = unit(text, start), unit(text, end)  # type: ignore[operator]
        name = f" name={quoteattr(quote[:12] + '…')}" if names else ""
        target = code if number % 2 == 0 else IDS.code_turning
        parts.append(
            f'<PlainTextSelection guid="{{{_g()}}}" startPosition="{s}" endPosition="{e}"{name} '
            f'creatingUser="{user}" creationDateTime="2021-03-0{number + 1}T10:00:00Z">'
            f'<Coding guid="{_g()}" creatingUser="{user}" creationDateTime="2021-03-0{number + 1}T10:00:00Z">'
            f'<CodeRef targetGUID="{target}"/></Coding></PlainTextSelection>'
        )
    return "".join(parts)


def _codebook() -> str:
    return (
        "<CodeBook><Codes>"
        f'<Code guid="{{{IDS.code_grievance}}}" name="Grievance" isCodable="false" color="#E57373">'
        "<Description>Experiences of wrong.</Description>"
        f'<Code guid="{IDS.code_personal}" name="Personal grievance" isCodable="true" color="#f99">'
        "<Description>A wrong done to the narrator.\n\nUse when: they still resent it.</Description></Code>"
        "</Code>"
        f'<Code guid="{IDS.code_turning}" name="Turning point" isCodable="true" color="teal"/>'
        "</Codes></CodeBook>"
    )


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def nvivo_like() -> tuple[bytes, list[str]]:
    source, note, case, age, offence = _g(), _g(), _g(), _g(), _g()
    selections = _selections(NVIVO_TEXT, NVIVO_QUOTES, _utf16, names=False, code=IDS.code_personal,
                             user=IDS.user_anna)  # fmt: skip
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="NVivo export" origin="NVivo 14">
<Users><User guid="{IDS.user_anna}" name="Anna Kovács"/><User guid="{IDS.user_bence}" name="Bence"/></Users>
{_codebook()}
<Variables><Variable guid="{age}" name="Age" typeOfVariable="Integer"/>
<Variable guid="{offence}" name="Offence" typeOfVariable="Text"/></Variables>
<Cases><Case guid="{case}" name="Robert Smith"><VariableValue><VariableRef targetGUID="{age}"/>
<IntegerValue>34</IntegerValue></VariableValue><VariableValue><VariableRef targetGUID="{offence}"/>
<TextValue>burglary</TextValue></VariableValue><SourceRef targetGUID="{source}"/></Case></Cases>
<Sources><TextSource guid="{{{source}}}" name="Robert interview.docx" plainTextPath="internal://{source}.txt"
 creatingUser="{IDS.user_bence}">{selections}<NoteRef targetGUID="{note}"/></TextSource></Sources>
<Notes><Note guid="{note}" name="Memo" creatingUser="{IDS.user_bence}" creationDateTime="2021-02-01T09:00:00Z">
<PlainTextContent>Robert spoke calmly throughout.</PlainTextContent></Note></Notes>
</Project>"""
    data = _zip({"NVivo Project Export.qde": qde.encode("utf-8"),
                 f"Sources/{source.upper()}.TXT": NVIVO_TEXT.encode("utf-8")})  # fmt: skip
    return data, NVIVO_QUOTES


def atlas_like() -> tuple[bytes, list[str]]:
    source, pdf, picture = _g(), _g(), _g()
    selections = _selections(ATLAS_TEXT, ATLAS_QUOTES, _crlf_two, names=True, code=IDS.code_personal,
                             user=IDS.user_bence)  # fmt: skip
    qde = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="ATLAS.ti export" origin="ATLAS.ti 23">
<Users><User guid="{IDS.user_bence}" name="Bence"/></Users>
{_codebook()}
<Sources>
<TextSource guid="{source}" name="P07 interju" plainTextPath="internal://{source}.txt">{selections}</TextSource>
<PictureSource guid="{picture}" name="drawing" path="internal://{picture}.png"/>
<PDFSource guid="{pdf}" name="letter.pdf" path="internal://{pdf}.pdf"><PDFSelection guid="{_g()}" page="1"
 firstX="0" firstY="0" secondX="90" secondY="40"><Coding guid="{_g()}"><CodeRef targetGUID="{IDS.code_turning}"/>
</Coding></PDFSelection><Representation guid="{_g()}"
 name="letter"><PlainTextContent>Dear mother, I am well.</PlainTextContent></Representation></PDFSource>
</Sources>
<Sets><Set guid="{_g()}" name="Set A"/></Sets>
<Graphs><Graph guid="{_g()}" name="Network"/></Graphs>
</Project>"""
    data = _zip({"Project.qde": qde.encode("utf-8"), f"Sources/{source}.txt": ATLAS_TEXT.encode("utf-8"),
                 f"Sources/{picture}.png": b"\x89PNG\r\n\x1a\nnot really"})  # fmt: skip
    return data, ATLAS_QUOTES


def nfd_like() -> tuple[bytes, list[str]]:
    source = _g()
    quotes = [unicodedata.normalize("NFD", q) for q in NFD_QUOTES]
    selections = _selections(NFD_TEXT, quotes, lambda _t, i: i, names=False, code=IDS.code_personal,
                             user=IDS.user_anna)  # fmt: skip
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="mac export"><Users><User guid="{IDS.user_anna}" name="anna"/></Users>
{_codebook()}<Sources><TextSource guid="{source}" name="nfd" plainTextPath="internal://{source}.txt">{selections}
</TextSource></Sources></Project>"""
    return _zip({"project.qde": qde.encode("utf-8"), f"sources/{source}.txt": NFD_TEXT.encode("utf-8")}), NFD_QUOTES


def archive(entries: dict[str, bytes]) -> bytes:
    return _zip(entries)


MINIMAL_QDE = (
    '<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>'
    '<Code guid="11111111-2222-4333-8444-555555555555" name="A" isCodable="true"/></Codes></CodeBook></Project>'
)
