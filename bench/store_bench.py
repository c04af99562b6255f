"""Encrypted store: unlock cost and transcript write/read throughput.

Measures, on a real SQLite project with the production KDF parameters:
- unlock: Argon2id key derivation + master-key unwrap (median of 5);
- add: storing a generated ~8,000-word transcript with turn and sentence segmentation and
  AES-GCM encryption of every field, in words per second (median of 5), with the share of
  time spent segmenting;
- read: decrypting it back with all segments (median of 5).
No peer tool offers an equivalent encrypted store, so there is no ratio to report.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from workbench.nlp.segment import segment_transcript
from workbench.services.interviews import add_transcript, view_transcript
from workbench.services.projects import init_project, open_project

WORDS = [
    "börtön",
    "család",
    "iskola",
    "munka",
    "barát",
    "apám",
    "anyám",
    "város",
    "utca",
    "bíróság",
    "ítélet",
    "csoport",
    "hit",
    "harag",
    "jövő",
]
PASSPHRASE = "benchmark passphrase"


def make_transcript(
    words: int, seed: int = 7, *, rng: random.Random | None = None, vocabulary: list[str] | None = None
) -> str:
    """A generated two-speaker transcript of about ``words`` words (speed and scale only, never quality)."""
    rng = rng or random.Random(seed)
    vocabulary = vocabulary or WORDS
    turns, count, speaker = [], 0, 0
    while count < words:
        sentences = [
            " ".join(rng.choices(vocabulary, k=rng.randint(6, 18))).capitalize() + "." for _ in range(rng.randint(1, 6))
        ]
        turn = " ".join(sentences)
        count += len(turn.split())
        turns.append(f"{'K' if speaker == 0 else 'V'}: {turn}")
        speaker ^= 1
    return "\n\n".join(turns)


def _median(fn: object, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    text = make_transcript(8000)
    words = len(text.split())
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "project"
        init_project(directory, PASSPHRASE, "bench", language="hu").close()
        unlock_s = _median(lambda: open_project(directory, PASSPHRASE).close())
        ws = open_project(directory, PASSPHRASE)
        ids: list[str] = []
        add_s = _median(lambda: ids.append(add_transcript(ws, text, title="bench", language="hu")))
        segment_s = _median(lambda: segment_transcript(text, "hu"))
        read_s = _median(lambda: view_transcript(ws, ids[0]))
        ws.close()
    print(f"store benchmark ({words} words per transcript, SQLite, median of 5)")
    print(f"  unlock (Argon2id t=3 m=64MiB p=4):   {unlock_s * 1000:8.1f} ms")
    print(f"  add transcript (segment+encrypt+store): {add_s * 1000:6.1f} ms = {words / add_s:,.0f} words/s")
    print(f"    of which segmentation:             {segment_s / add_s:8.0%}")
    print(f"  read transcript (decrypt all fields): {read_s * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
