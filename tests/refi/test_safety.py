"""Hostile exchange files are refused or defused before anything is stored."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.refi.fixtures import MINIMAL_QDE, archive
from workbench.errors import InvalidInputError
from workbench.refi.qdc import read_qdc
from workbench.refi.qdpx import read_qdpx
from workbench.refi.safety import RefiLimits

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="11111111-2222-4333-8444-555555555555"
 name="&lol2;" isCodable="true"/></Codes></CodeBook>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>"""


def test_entity_expansion_is_refused_in_a_codebook() -> None:
    with pytest.raises(InvalidInputError, match="DOCTYPE"):
        read_qdc("bomb.qdc", BILLION_LAUGHS)


def test_external_entities_are_refused_inside_an_archive() -> None:
    with pytest.raises(InvalidInputError, match="DOCTYPE"):
        read_qdpx("xxe.qdpx", archive({"project.qde": EXTERNAL_ENTITY}))


def test_path_traversal_entries_are_ignored_and_reported() -> None:
    qde = MINIMAL_QDE.replace(
        "</CodeBook>",
        '</CodeBook><Sources><TextSource guid="21111111-2222-4333-8444-555555555555" name="t" '
        'plainTextPath="internal://../../etc/passwd"/></Sources>',
    )
    data = archive({"project.qde": qde.encode(), "../../evil.txt": b"x", "/abs/evil.txt": b"x"})
    project, warnings = read_qdpx("traversal.qdpx", data)
    assert project.sources == []
    assert any("with an unsafe path" in w and w.startswith("2 ") for w in warnings)
    assert project.account.sources.skipped == {"file missing from the archive": 1}


def test_a_zip_bomb_member_is_refused_before_inflating() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", b"<" + b" " * (3 * 1024 * 1024) + b"/>")
    with pytest.raises(InvalidInputError, match="zip bomb"):
        read_qdpx("bomb.qdpx", buffer.getvalue())


def test_limits_on_size_and_member_count() -> None:
    data = archive({"project.qde": MINIMAL_QDE.encode(), **{f"sources/{i}.txt": b"x" for i in range(5)}})
    with pytest.raises(InvalidInputError, match="6 entries"):
        read_qdpx("many.qdpx", data, RefiLimits(max_members=5))
    with pytest.raises(InvalidInputError, match="above the limit"):
        read_qdpx("big.qdpx", data, RefiLimits(max_archive=100))
    with pytest.raises(InvalidInputError, match="above the limit"):
        read_qdpx("big.qdpx", data, RefiLimits(max_xml=10))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip at all", "zip container is damaged"),
        (archive({"readme.txt": b"hello"}), "no .qde file"),
        (archive({"project.qde": b"<Project"}), "not well-formed"),
        (archive({"project.qde": b"<CodeBook xmlns='urn:QDA-XML:codebook:1.0'/>"}), "root element"),
    ],
)
def test_broken_archives_get_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_qdpx("broken.qdpx", data)


def test_codes_need_valid_unique_guids() -> None:
    dup = MINIMAL_QDE.replace("</Codes>", '<Code guid="{11111111-2222-4333-8444-555555555555}" name="B" '
                              'isCodable="true"/></Codes>')  # fmt: skip
    with pytest.raises(InvalidInputError, match="used by two codes"):
        read_qdpx("dup.qdpx", archive({"project.qde": dup.encode()}))
    bad = MINIMAL_QDE.replace("11111111-2222-4333-8444-555555555555", "not-a-guid")
    with pytest.raises(InvalidInputError, match="malformed guid"):
        read_qdpx("bad.qdpx", archive({"project.qde": bad.encode()}))
