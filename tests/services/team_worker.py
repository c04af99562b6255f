"""One OS process of the team-server test: signs members in and codes, as a `workbench serve` would.

Run as ``python -m tests.services.team_worker PLAN.json``; prints one JSON report on stdout.
The plan names the project, the members this process signs in (the same member may be signed
in by the other process too) and the spans each applies. Both processes wait for a ``go`` file
so that their writes overlap. Errors are reported by class and message, which never quote
interview text; the test decides what counts as a failure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from workbench.errors import InvalidInputError
from workbench.services.codebook.edits import update_code
from workbench.services.coding import apply_codes, codebook, interview_codings, set_coding_memo
from workbench.services.projects import open_project
from workbench.services.workspace import Workspace

WAIT_S = 120.0


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {WAIT_S:g} s for {path.name}")
        time.sleep(0.01)


def _code(ws: Workspace, session: dict[str, Any], report: dict[str, Any], step: int) -> None:
    spans = session["spans"]
    if step >= len(spans):
        return
    interview_id, code_id, start, end = spans[step]
    try:
        added = apply_codes(ws, interview_id, [code_id], start, end)
    except InvalidInputError:  # the other process applied it first: refused, clearly
        report["refused"] += 1
        return
    except Exception as exc:
        report["errors"].append(f"apply: {type(exc).__name__}: {exc}")
        return
    report["added"] += len(added)
    if step % 4 == 0:
        memo = f"team memo {session['user']} {os.getpid()} {step}"
        try:
            set_coding_memo(ws, added[0].id, memo)
            report["memos"][added[0].id] = memo
        except Exception as exc:
            report["errors"].append(f"memo: {type(exc).__name__}: {exc}")
    if step % 3 == 0:
        try:  # a read while the other process writes to the same interview
            interview_codings(ws, interview_id)
        except Exception as exc:
            report["errors"].append(f"read: {type(exc).__name__}: {exc}")


def main(plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    project = Path(plan["project"])
    sessions = plan["sessions"]
    workspaces = [
        open_project(project, s["password"], s["user"], client=f"team-{os.getpid()}-{i}")
        for i, s in enumerate(sessions)
    ]
    reports = [{"user": s["user"], "added": 0, "refused": 0, "errors": [], "memos": {}} for s in sessions]
    Path(plan["ready"]).touch()
    _wait_for(Path(plan["go"]))
    for step in range(max(len(s["spans"]) for s in sessions)):
        for ws, session, report in zip(workspaces, sessions, reports, strict=True):
            _code(ws, session, report, step)
    result: dict[str, Any] = {"sessions": reports}
    if plan.get("edit"):  # the lead renames a code, then tells the other process
        ws = workspaces[plan["edit"]["session"]]
        current = next(c for c in codebook(ws) if c.id == plan["edit"]["code_id"])
        update_code(ws, replace(current, name=plan["edit"]["name"]))
        Path(plan["edited"]).touch()
    if plan.get("watch"):  # a coder's next read, in a workspace opened before the edit
        _wait_for(Path(plan["edited"]))
        ws = workspaces[plan["watch"]["session"]]
        names = {c.id: c.name for c in codebook(ws)}
        result["seen_name"] = names.get(plan["watch"]["code_id"])
    for ws in workspaces:
        ws.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])
