"""Small builders shared by tests (through the same services the app uses)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
import uuid

from workbench.domain.models import Code
from workbench.services.codebook.sync import install_codebook
from workbench.services.interviews import add_transcript
from workbench.services.workspace import Workspace

TRANSCRIPT_A = (
    "Interviewer: Where did you grow up?\n\n"
    "Participant: Behind the tannery in Kisrétfalva, where the marmalade trams stopped running.\n\n"
    "Interviewer: And school?\n\n"
    "Participant: I left early. The teacher with the violet umbrella said I was trouble."
)
TRANSCRIPT_B = (
    "K: Hol nőtt fel?\n\n"
    "V: Egy bádogtetős tanyán, ahol a kék kecske minden reggel bekiabált az ablakon.\n\n"
    "K: És az iskola?\n\n"
    "V: Őszintén szólva a fűzfás udvar volt az egyetlen jó hely."
)
SECRET_PHRASES = [
    "marmalade trams", "violet umbrella", "kék kecske", "fűzfás udvar",
]  # fmt: skip


def add_codes(ws: Workspace) -> list[Code]:
    group = Code(str(uuid.uuid4()), "Group", codable=False, color="#336699")
    codes = [group, Code(str(uuid.uuid4()), "Grievance", parent_id=group.id, color="#CC3311"),
             Code(str(uuid.uuid4()), "Turning point", color="#009988")]  # fmt: skip
    install_codebook(ws, codes, "test codes")
    return codes


def add_two_transcripts(ws: Workspace) -> tuple[str, str]:
    a = add_transcript(ws, TRANSCRIPT_A, title="Interview A", language="en")
    b = add_transcript(ws, TRANSCRIPT_B, title="Interview B", language="hu")
    return a, b


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for a `workbench serve` under test)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, server: subprocess.Popen[bytes], seconds: float = 90) -> None:
    """Poll Streamlit's health endpoint until it answers; fail if the server exits or time runs out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - http only
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None:
            said = server.stderr.read()[-2000:] if server.stderr else b""
            raise AssertionError(f"workbench serve exited with {server.returncode}: {said!r}")
        if time.monotonic() > deadline:
            raise AssertionError(f"workbench serve did not answer its health check within {seconds:.0f} s")
        time.sleep(0.5)
