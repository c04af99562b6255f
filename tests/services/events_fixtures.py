"""A small project with two participants, their interviews and the life-event types (through the services)."""

from __future__ import annotations

from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.services.events import install_event_types
from workbench.services.interviews import add_transcript
from workbench.services.participants import add_participants
from workbench.services.workspace import Workspace

TEXT_P1 = (
    "Interviewer: When did it start?\n\n"
    "Participant: When I was sixteen my uncle took me to the gym with the copper lanterns.\n\n"
    "Interviewer: And then?\n\n"
    "Participant: Two years later I was inside, and the cardamom biscuits were all I had."
)
TEXT_P2 = "K: Mikor kezdődött?\n\nV: 2003-ban költöztem a mézeskalács utcába, ott kezdődött minden."
QUOTE = "When I was sixteen my uncle took me to the gym with the copper lanterns."
MEMO = "Uncle as gatekeeper to the violet boxing circle."
SECRETS = ("copper lanterns", "cardamom biscuits", "mézeskalács utcába", "violet boxing circle", "gatekeeper")


def build_events_project(ws: Workspace) -> tuple[str, str]:
    """Participants P1 (born 1990) and P2 (age 40 at a 2025 interview); one interview each."""
    add_participants(
        ws,
        [AttributeDef("birth_year", AttributeType.INTEGER), AttributeDef("age", AttributeType.INTEGER)],
        {"P1": {"birth_year": 1990}, "P2": {"age": 40}},
    )
    install_event_types(ws)
    a = add_transcript(ws, TEXT_P1, title="P1 wave 1", language="en", participant_code="P1", wave=1)
    b = add_transcript(ws, TEXT_P2, title="P2 wave 1", language="hu", participant_code="P2", wave=1)
    return a, b
