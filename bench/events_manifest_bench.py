"""Life events: what the per-participant event manifest costs when the whole project is listed.

Every listing checks the event manifest of each participant involved (``sealing.check_event_manifest``:
one query for the ids and ciphertexts, one HMAC), before the payloads are opened. Measured on
a SQLite project built through the services' repositories: 200 participants with 8 events
each (1,600 events, as the pathway view of issue 15 loads them): ``list_events`` for the
whole project with the check and with it switched off, median of 7 runs each, and the ratio.

Run: ``.venv/bin/python -m bench.events_manifest_bench``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock

from workbench.crypto.kdf import KdfParams
from workbench.domain.events import Direction, EventTime, LifeDomain, LifeEvent, TimeKind
from workbench.services.events import event_types_in, install_event_types, list_events
from workbench.services.projects import init_project
from workbench.services.workspace import Workspace
from workbench.store.keys import new_id, utcnow

PARTICIPANTS = 200
EVENTS_EACH = 8
RUNS = 7
_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)  # the bench measures listing, not unlocking


def _build(directory: Path) -> Workspace:
    ws = init_project(directory, "bench passphrase 123", "lead", language="en", kdf=_KDF)
    install_event_types(ws)
    with ws.write() as repo:
        types = event_types_in(repo)
        version = repo.codebook.current_version()
        for n in range(PARTICIPANTS):
            code = f"P{n:03d}"
            participant = repo.participants.add(code, {})
            for i in range(EVENTS_EACH):
                kind = types[(n + i) % len(types)]
                event = LifeEvent(id=new_id(), participant_id=participant.id, participant_code=code,
                                  type=kind.key or kind.id, type_code_id=kind.id, domain=LifeDomain.FAMILY,
                                  direction=Direction.NEUTRAL, time=EventTime(TimeKind.AGE, 10 + 3 * i),
                                  recorder=ws.user.name, created_at=utcnow(), codebook_version=version)  # fmt: skip
                repo.events.add(event, ws.user.id)
    return ws


def _median(ws: Workspace) -> float:
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        assert len(list_events(ws)) == PARTICIPANTS * EVENTS_EACH
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = _build(Path(tmp) / "project")
        try:
            _median(ws)  # warm the key cache as a session has it
            checked = _median(ws)
            with mock.patch("workbench.store.events.verify_event_manifest", lambda *_: None), \
                 mock.patch("workbench.store.repo.check_event_manifest", lambda *_: None):  # fmt: skip
                unchecked = _median(ws)
        finally:
            ws.close()
    print(f"list_events, {PARTICIPANTS} participants x {EVENTS_EACH} events: "
          f"{checked * 1000:.0f} ms with the manifest check, {unchecked * 1000:.0f} ms without "
          f"(x{checked / unchecked:.2f}), median of {RUNS}")  # fmt: skip


if __name__ == "__main__":
    main()
