"""Validation against the official REFI-QDA schemas.

The two XSDs of the REFI-QDA 1.5 standard are vendored in ``tests/refi/xsd/`` (unchanged copies
of the reference material in ``../shared/refi-qda``, so a clean clone on any machine validates;
``test_vendored_schemas_are_the_official_ones`` checks they still match where that folder exists).
Set REFI_QDA_SCHEMAS to use another folder. A missing schema fails the test rather
than skipping it: "every file we write validates" must never pass unchecked.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from lxml import etree

from tests.conftest import REPO_ROOT

VENDORED = Path(__file__).with_name("xsd")
OFFICIAL = REPO_ROOT.parent / "shared" / "refi-qda"
SCHEMA_DIR = Path(os.environ.get("REFI_QDA_SCHEMAS", VENDORED))
FILES = {"codebook": "Codebook.xsd", "project": "Project.xsd"}


@cache
def _schema(kind: str) -> etree.XMLSchema:
    path = SCHEMA_DIR / FILES[kind]
    assert path.is_file(), f"the REFI-QDA schema {path} is missing (set REFI_QDA_SCHEMAS)"
    return etree.XMLSchema(etree.parse(str(path)))


def validate(kind: str, data: bytes) -> None:
    schema = _schema(kind)
    document = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    if not schema.validate(document):
        raise AssertionError(f"{kind} does not validate: {schema.error_log}")
