"""Code page: server time to render it and to apply one coding.

A real SQLite project (production KDF) holds one generated 20,000-word Hungarian-like
transcript with 500 codings by one coder, spread over 16 codes, many overlapping. Measured:
- render: one rerun of the Code page in AppTest (``streamlit.testing.v1``), the user signed
  in and the page already open, i.e. what every click on the page costs the server: listing
  interviews, the cached transcript, decrypting the 500 codings, building the escaped view
  markup, the codebook panel and the codings table (median of 7; the first opening, which also
  decrypts the transcript and its segments and audits it, is reported separately);
- apply: ``apply_codes`` for one code on a new span, the service the Apply button and the
  number keys call: permission check, decrypt the text, validate, seal the quote, insert,
  audit entry, commit (median of 25).
Goals (issue 5): render under 1 s, apply under 200 ms.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from streamlit.testing.v1 import AppTest  # noqa: TID251 - the benchmark drives the app itself

from bench.store_bench import make_transcript
from workbench.domain.models import Code
from workbench.services.codebook.sync import install_codebook
from workbench.services.coding import apply_codes, open_for_coding
from workbench.services.coding_search import Passage, code_passages
from workbench.services.interviews import add_transcript
from workbench.services.projects import init_project

PASSPHRASE = "benchmark passphrase"
APP = str(Path(__file__).resolve().parent.parent / "app.py")
WORDS = 20_000
CODINGS = 500


def _codes() -> list[Code]:
    colours = ["#CC3311", "#009988", "#0077BB", "#EE7733", "#33BBEE", "#EE3377", "#BBBBBB", "#AA4499"]
    return [Code(str(uuid.uuid4()), f"Code {i + 1}", color=colours[i % len(colours)]) for i in range(16)]


def build(directory: Path) -> tuple[str, list[str], int]:
    """The project; returns (interview id, code ids, words)."""
    ws = init_project(directory, PASSPHRASE, "bench", language="hu")
    try:
        codes = _codes()
        install_codebook(ws, codes, "bench codes")
        text = make_transcript(WORDS)
        interview_id = add_transcript(ws, text, title="bench", language="hu")
        transcript = open_for_coding(ws, interview_id)
        rng = random.Random(5)
        sentences = [s for s in transcript.segments if s.kind.value == "sentence"]
        chosen = rng.sample(sentences, CODINGS)
        by_code: dict[str, list[Passage]] = {}
        for index, sentence in enumerate(chosen):
            end = min(len(text), sentence.end + rng.choice([0, 0, 40, 120]))  # some reach into the next sentence
            by_code.setdefault(codes[index % len(codes)].id, []).append(Passage(interview_id, sentence.start, end))
        for code_id, passages in by_code.items():
            code_passages(ws, [code_id], passages)
        return interview_id, [c.id for c in codes], len(text.split())
    finally:
        ws.close()


def _open_page(directory: Path) -> tuple[AppTest, float]:
    os.environ["WORKBENCH_PROJECT"] = str(directory)
    os.environ.pop("WORKBENCH_DATABASE_URL", None)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.text_input[0].input("bench")
    at.text_input[1].input(PASSPHRASE)
    at.button[0].click()
    at.run()
    start = time.perf_counter()
    at.switch_page("pages/code.py").run()
    first = time.perf_counter() - start
    assert not at.exception, at.exception
    assert at.title[0].value == "Code"
    return at, first


def _median_s(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "project"
        interview_id, code_ids, words = build(directory)
        at, first_s = _open_page(directory)
        [view] = at.get("bidi_component")
        markup_kib = len(view.proto.mixed.json or view.proto.json) / 1024
        render_s = _median_s(at.run, 7)
        ws = at.session_state["workspace"]
        text_len = open_for_coding(ws, interview_id).summary.char_count
        rng = random.Random(11)
        spans = iter(sorted({(a, a + rng.randint(5, 200)) for a in rng.sample(range(text_len - 300), 40)}))

        def apply_one() -> None:
            start, end = next(spans)
            apply_codes(ws, interview_id, [code_ids[0]], start, end)

        apply_s = _median_s(apply_one, 25)
        ws.close()
    print(f"code page benchmark ({words} words, {CODINGS} codings, SQLite)")
    print(f"  first opening of the page (decrypt + audit + render): {first_s * 1000:.0f} ms")
    print(f"  render, median of 7 reruns: {render_s * 1000:.0f} ms (goal < 1000 ms); view data {markup_kib:.0f} KiB")
    print(f"  apply one coding, median of 25: {apply_s * 1000:.1f} ms (goal < 200 ms)")


if __name__ == "__main__":
    main()
