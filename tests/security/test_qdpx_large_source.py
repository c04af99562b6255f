"""Attack: a .qdpx whose text source is far larger than any transcript (300 MB that compresses to a
few hundred kB), meant to exhaust memory or, failing that, to be mislabelled and slip past review.

The archive is built in memory without ever holding the 300 MB: the member is streamed into the
zip in chunks, so only its compressed form exists. The source must be skipped before it is
inflated, reported as too large (not as "not plain text"), and its codings counted as skipped
for that reason, while the rest of the project is imported.
"""

from __future__ import annotations

import io
import random
import zipfile

from workbench.refi.safety import RefiLimits
from workbench.services.refi_import import import_qdpx
from workbench.services.workspace import Workspace

BIG = "a1b2c3d4-0000-4000-8000-000000000001"
SMALL = "a1b2c3d4-0000-4000-8000-000000000002"
CODE = "a1b2c3d4-0000-4000-8000-0000000000c0"
_CHUNK = b"R: the same line again and again\n" * 32_768  # about 1 MB, compresses ~1000:1
_VARIED = bytes(random.Random(7).choices(b"abcdefgh ijklmnop\n", k=2**20))  # noqa: S311 - compresses ~2:1


def _qdpx(big_megabytes: int, chunk: bytes = _CHUNK) -> bytes:
    selection = (f'<PlainTextSelection guid="a1b2c3d4-0000-4000-8000-00000000001{{n}}" startPosition="0" '
                 f'endPosition="5"><Coding guid="a1b2c3d4-0000-4000-8000-00000000002{{n}}"><CodeRef '
                 f'targetGUID="{CODE}"/></Coding></PlainTextSelection>')  # fmt: skip
    qde = (f'<Project xmlns="urn:QDA-XML:project:1.0" name="big"><CodeBook><Codes><Code guid="{CODE}" name="A" '
           f'isCodable="true"/></Codes></CodeBook><Sources>'
           f'<TextSource guid="{BIG}" name="big" plainTextPath="internal://{BIG}.txt">'
           + selection.format(n=1) + selection.format(n=2) + "</TextSource>"
           f'<TextSource guid="{SMALL}" name="small" plainTextPath="internal://{SMALL}.txt">'
           + selection.format(n=3) + "</TextSource></Sources></Project>")  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{SMALL}.txt", "R: hello there\n")
        info = zipfile.ZipInfo(f"sources/{BIG}.txt")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            for _ in range(big_megabytes):
                member.write(chunk)
    return buffer.getvalue()


def test_a_300_mb_source_is_skipped_as_too_large(project: Workspace) -> None:
    data = _qdpx(300)
    assert len(data) < 5 * 2**20  # the archive itself is small; only the member is huge
    report = import_qdpx(project, "big.qdpx", data)
    assert report.interviews == 1 and report.codings == 1  # the small source and its coding came in
    joined = " ".join(report.warnings)
    assert "too large" in joined and "not plain text" not in joined
    assert report.account.sources.skipped == {"file too large (over 50 MB)": 1}
    assert report.account.codings.skipped == {"source file too large (over 50 MB)": 2}


def test_the_limit_is_the_one_configured(project: Workspace) -> None:
    """The same check with a lower limit: 3 MB passes a 4 MB limit and is refused under a 2 MB one."""
    data = _qdpx(3, _VARIED)
    accepted = import_qdpx(project, "three.qdpx", data, limits=RefiLimits(max_text=4 * 2**20))
    assert accepted.interviews == 2 and not accepted.account.sources.skipped
    refused = import_qdpx(project, "three.qdpx", data, limits=RefiLimits(max_text=2 * 2**20))
    assert refused.account.sources.skipped == {"file too large (over 2 MB)": 1}
