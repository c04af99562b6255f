"""The core promise: nothing sensitive is stored in plaintext, on either backend."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from tests.conftest import PG_URL, Backend
from workbench.paths import DEMO_DATA_DIR
from workbench.services.demo import DemoResult


def _secrets() -> list[str]:
    """Distinctive phrases, every coded quote and memo, and participant notes of the demo."""
    manifest = yaml.safe_load((DEMO_DATA_DIR / "manifest.yaml").read_text(encoding="utf-8"))
    codings = yaml.safe_load((DEMO_DATA_DIR / "codings.yaml").read_text(encoding="utf-8"))["codings"]
    people = yaml.safe_load((DEMO_DATA_DIR / "participants.yaml").read_text(encoding="utf-8"))["participants"]
    phrases = [p for item in manifest["interviews"] for p in item["distinctive_phrases"]]
    phrases += [c["quote"] for c in codings] + [c["memo"] for c in codings if c.get("memo")]
    phrases += [p["attributes"]["notes"] for p in people]
    assert len(phrases) > 80
    return phrases


def _stored_bytes(demo: DemoResult, backend: Backend) -> bytes:
    if backend.name == "sqlite":
        directory = demo.workspace.location.directory
        return b"".join(p.read_bytes() for p in sorted(Path(directory).iterdir()) if p.is_file())
    assert backend.schema is not None
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--schema", backend.schema, PG_URL.replace("postgresql+psycopg", "postgresql")],
        check=True,
        capture_output=True,
    )
    return dump.stdout


def test_no_transcript_phrase_quote_memo_or_attribute_is_stored_in_plaintext(
    demo: DemoResult, backend: Backend
) -> None:
    stored = _stored_bytes(demo, backend)
    assert len(stored) > 50_000  # the data is really there, only encrypted
    leaked = [p for p in _secrets() if p.encode("utf-8") in stored]
    assert leaked == []


def test_the_check_itself_can_fail(demo: DemoResult, backend: Backend) -> None:
    """Guard against a vacuous test: metadata we store in the clear is found by the same scan."""
    stored = _stored_bytes(demo, backend)
    assert b"grievance" in stored.lower()  # codebook names are shared material, stored in the clear
    assert b"P01" in stored  # pseudonymous participant codes are metadata
