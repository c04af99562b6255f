"""Codebooks as REFI-QDA .qdc files: what we write validates and reads back the same."""

from __future__ import annotations

import pytest

from tests.refi.schemas import validate
from workbench.domain.models import Code
from workbench.errors import InvalidInputError
from workbench.paths import CODEBOOKS_DIR
from workbench.refi.codes import compose_description, parse_description
from workbench.refi.qdc import read_qdc, write_qdc
from workbench.services.codebook.file_format import read_codebook


@pytest.mark.parametrize("name", ["radicalization-indicators.yaml", "life-path.yaml"])
@pytest.mark.parametrize("language", ["en", "hu"])
def test_shipped_codebooks_round_trip_through_qdc(name: str, language: str) -> None:
    codes = read_codebook(CODEBOOKS_DIR / name, language)
    data = write_qdc(codes)
    validate("codebook", data)
    back, warnings = read_qdc(name, data)
    assert warnings == []
    assert [(c.id, c.name, c.parent_id, c.color, c.codable) for c in back] == [
        (c.id, c.name, c.parent_id, c.color, c.codable) for c in codes
    ]
    assert [(c.definition, c.inclusion, c.exclusion, c.examples) for c in back] == [
        (c.definition, c.inclusion, c.exclusion, c.examples) for c in codes
    ]


def test_another_tools_description_becomes_the_definition() -> None:
    assert parse_description("Anything about jobs or taxes") == ("Anything about jobs or taxes", "", "", ())
    code = Code("a", "A", definition="D.", inclusion="In.", exclusion="Out.", examples=("one", "two"))
    assert parse_description(compose_description(code)) == ("D.", "In.", "Out.", ("one", "two"))


def test_atlas_style_codebook_with_braces_short_colours_and_sets() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti"><Codes>
<Code guid="{5215CC69-B628-4E02-AFB9-9BEEAEE55808}" name="Topics" isCodable="false">
  <Code guid="{D7AA29DA-519B-4946-9B90-253B6DB8FD0A}" name="Economy" isCodable="true" color="#ff0">
    <Description>Anything about jobs or taxes</Description></Code></Code>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Values" isCodable="true" color="red"/>
</Codes><Sets><Set guid="0dcef2f5-e55c-49da-8c33-9b0803c7aeb4" name="S"/></Sets></CodeBook>"""
    codes, warnings = read_qdc("atlas.qdc", data)
    # no colour stays no colour (screens show a default; exports do not invent one)
    assert [(c.id[:8], c.parent_id and c.parent_id[:8], c.color) for c in codes] == [
        ("5215cc69", None, None), ("d7aa29da", "5215cc69", "#FFFF00"), ("9fa9bcb7", None, None)]  # fmt: skip
    assert codes[1].definition == "Anything about jobs or taxes"
    assert any("code set" in w for w in warnings) and any("colour" in w for w in warnings)


def test_an_empty_codebook_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="no codes"):
        read_qdc("empty.qdc", b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    with pytest.raises(InvalidInputError, match="empty"):
        write_qdc([])


def test_vendored_schemas_are_the_official_ones() -> None:
    """The copies in tests/refi/xsd are byte-identical to the shared reference (where it exists here)."""
    from tests.refi.schemas import FILES, OFFICIAL, VENDORED

    for name in FILES.values():
        vendored = (VENDORED / name).read_bytes()
        assert b'targetNamespace="urn:QDA-XML:' in vendored
        if (OFFICIAL / name).is_file():
            assert vendored == (OFFICIAL / name).read_bytes(), f"{name} differs from {OFFICIAL}"
