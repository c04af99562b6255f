"""Import through the CLI, start-up included: what a researcher waits for at the terminal.

``import_bench`` measures the import service in-process; this one runs the ``workbench``
console script as a user does, so interpreter start, imports, unlocking the project (Argon2id
with the production parameters), the import and the commit are all in the figure.

- one file: a generated ~8,000-word transcript into a fresh project, median of ``RUNS``
  (goal, issue 17: under 1.5 s wall);
- a batch: 50 such files (about 410,000 words, half UTF-8 and half cp1250 with CRLF) into a
  fresh project, median of ``BATCH_RUNS`` (goal: at least 100,000 words/s);
- ``workbench --help`` and ``workbench status`` for the bare start-up.

Each run gets a new project (``workbench init``, not timed). The development machine is
shared (2 cores, several agents), so beside each wall time the command's CPU time (user +
system, from ``getrusage`` of the child) is printed: on a busy machine wall time mostly
measures the queue, while CPU time is close to what the same command takes alone (it is
single-threaded; SQLite's fsyncs add a little wall time on an idle machine). The load
average at start and end says how busy it was.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.import_bench import write_corpus
from bench.store_bench import make_transcript

WORKBENCH = str(Path(sys.executable).parent / "workbench")
PASSPHRASE = "benchmark passphrase"
FILES = 50
WORDS = 8000
RUNS = 5
BATCH_RUNS = 3
ONE_FILE_GOAL_S = 1.5
BATCH_GOAL = 100_000


def _environ() -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    environ["WORKBENCH_PASSPHRASE"] = PASSPHRASE
    return environ


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _workbench(*args: str | Path, cpu: list[float] | None = None) -> float:
    """Run one command; its wall time in seconds (it must succeed), its CPU time onto ``cpu``."""
    cpu_before = _cpu()
    start = time.perf_counter()
    result = subprocess.run(
        [WORKBENCH, *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        env=_environ(),
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    if cpu is not None:
        cpu.append(_cpu() - cpu_before)
    return elapsed


def _write_corpus(folder: Path) -> int:
    folder.mkdir()
    return write_corpus(folder, FILES)


def _fresh(root: Path, name: str) -> Path:
    project = root / name
    _workbench("init", project, "--lang", "hu", "--user", "bench")
    return project


def _line(label: str, wall: list[float], cpu: list[float]) -> str:
    return (f"  {label}: wall {statistics.median(wall):5.2f} s, CPU {statistics.median(cpu):5.2f} s "
            f"(medians of {len(wall)}; wall runs {', '.join(f'{w:.2f}' for w in wall)})")  # fmt: skip


def main() -> None:
    load_start = os.getloadavg()[0]
    walls: dict[str, list[float]] = {}
    cpus: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one = root / "one.txt"
        one_words = len(make_transcript(WORDS, seed=7).split())
        one.write_text(make_transcript(WORDS, seed=7), encoding="utf-8")
        batch_words = _write_corpus(root / "batch")
        status_project = _fresh(root, "status")
        jobs = {
            "workbench --help": (RUNS, lambda i: ("--help",)),
            "workbench status (empty project)": (RUNS, lambda i: ("status", status_project)),
            f"import, one file ({one_words:,} words)": (RUNS, lambda i: ("import", _fresh(root, f"one{i}"), one)),
            f"import, {FILES} files ({batch_words:,} words)": (
                BATCH_RUNS, lambda i: ("import", _fresh(root, f"batch{i}"), root / "batch")),
        }  # fmt: skip
        for label, (runs, args) in jobs.items():
            cpus[label] = []
            walls[label] = [_workbench(*args(i), cpu=cpus[label]) for i in range(runs)]
    print(f"CLI import benchmark (console script, start-up included; production KDF; load average "
          f"{load_start:.1f} at start, {os.getloadavg()[0]:.1f} at end)")  # fmt: skip
    for label, wall in walls.items():
        print(_line(label, wall, cpus[label]))
    one_label, batch_label = list(walls)[2:]
    one_s = statistics.median(walls[one_label])
    batch_s, batch_cpu = statistics.median(walls[batch_label]), statistics.median(cpus[batch_label])
    print(f"  one file: goal < {ONE_FILE_GOAL_S} s wall: {'met' if one_s < ONE_FILE_GOAL_S else 'NOT met'}")
    print(
        f"  batch: {batch_words / batch_s:,.0f} words/s wall, {batch_words / batch_cpu:,.0f} words per CPU "
        f"second (goal {BATCH_GOAL:,} words/s wall: {'met' if batch_words / batch_s >= BATCH_GOAL else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
