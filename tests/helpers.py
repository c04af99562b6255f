"""Small builders shared by tests (through the same services the app uses)."""

from __future__ import annotations

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
