"""Import throughput: 200 generated transcripts of ~8,000 words, end to end, on one core.

The files are written to a temporary folder (half UTF-8, half cp1250, as a real
Hungarian archive would be) and imported with the same service the CLI uses:
read, detect the encoding, normalise, detect turns, split sentences (spaCy's
sentencizer rules, replayed in pure Python), encrypt every field and store in
SQLite, one transaction per file. The process
is pinned to one CPU where the OS allows it.

Stage shares come from timing wrappers put around the functions each stage calls
(inside the real import, not in a separate run): extraction (read + decode +
NFC), segmentation (turns and sentences), encryption (AES-GCM seals), and the
rest (SQL inserts, key creation, audit entry, commit). A second, smaller run
measures .docx import, which adds the zip and XML checks and python-docx.
Goal (issue 3): at least 100,000 words per second.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import docx

from bench.store_bench import make_transcript
from workbench.services import imports, interviews
from workbench.services.imports import collect_paths, import_files
from workbench.services.projects import init_project
from workbench.store.keys import FieldCipher

FILES = 200
WORDS = 8000
DOCX_FILES = 20
PASSPHRASE = "benchmark passphrase"
GOAL = 100_000


@contextmanager
def _timed(totals: dict[str, float], owner: Any, attribute: str, stage: str) -> Iterator[None]:
    """Replace ``owner.attribute`` by a wrapper that adds its run time to ``totals[stage]``."""
    original: Callable[..., Any] = getattr(owner, attribute)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[stage] += time.perf_counter() - start

    setattr(owner, attribute, wrapper)
    try:
        yield
    finally:
        setattr(owner, attribute, original)


def write_corpus(folder: Path, files: int = FILES) -> int:
    """``files`` generated transcripts, alternately UTF-8 and cp1250 with CR LF; returns their word count."""
    words = 0
    for i in range(files):
        text = make_transcript(WORDS, seed=i)
        words += len(text.split())
        encoding = "utf-8" if i % 2 == 0 else "cp1250"
        (folder / f"interview_{i:03d}.txt").write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return words


def _write_docx(folder: Path) -> int:
    words = 0
    for i in range(DOCX_FILES):
        text = make_transcript(WORDS, seed=1000 + i)
        words += len(text.split())
        document = docx.Document()
        for paragraph in text.split("\n\n"):
            document.add_paragraph(paragraph)
        buffer = io.BytesIO()
        document.save(buffer)
        (folder / f"interview_{i:03d}.docx").write_bytes(buffer.getvalue())
    return words


def _pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    return "not pinned (no sched_setaffinity)"


def _run(directory: Path, folder: Path) -> tuple[float, dict[str, float], int]:
    ws = init_project(directory, PASSPHRASE, "bench", language="hu")
    totals: dict[str, float] = defaultdict(float)
    try:
        sources, _ = collect_paths([folder])
        with (
            _timed(totals, imports, "extract_text", "extraction (read, decode, NFC)"),
            _timed(totals, interviews, "segment_transcript", "segmentation (turns, sentences)"),
            _timed(totals, FieldCipher, "seal", "encryption (AES-GCM)"),
        ):
            start = time.perf_counter()
            report = import_files(ws, sources, language="hu")
            elapsed = time.perf_counter() - start
    finally:
        ws.close()
    assert not report.skipped, report.skipped
    totals["storage (SQL, keys, audit, commit)"] = elapsed - sum(totals.values())
    return elapsed, totals, len(report.imported)


def main() -> None:
    pinned = _pin_to_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "txt").mkdir()
        (root / "docx").mkdir()
        words = write_corpus(root / "txt")
        docx_words = _write_docx(root / "docx")
        elapsed, stages, count = _run(root / "p1", root / "txt")
        docx_elapsed, docx_stages, docx_count = _run(root / "p2", root / "docx")
    rate = words / elapsed
    print(f"import benchmark ({count} .txt files, {words:,} words, half UTF-8 and half cp1250, SQLite, {pinned})")
    print(f"  total: {elapsed:6.2f} s = {rate:,.0f} words/s (goal {GOAL:,}: {'met' if rate >= GOAL else 'NOT met'})")
    for stage, seconds in stages.items():
        print(f"    {stage:<42} {seconds / elapsed:6.1%}")
    print(f"  .docx: {docx_count} files, {docx_words:,} words in {docx_elapsed:.2f} s = "
          f"{docx_words / docx_elapsed:,.0f} words/s")  # fmt: skip
    for stage, seconds in docx_stages.items():
        print(f"    {stage:<42} {seconds / docx_elapsed:6.1%}")


if __name__ == "__main__":
    main()
