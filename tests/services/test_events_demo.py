"""The demo ships life events for all five participants, in both languages, with resolvable ages."""

from __future__ import annotations

from collections import Counter

from workbench.services.demo import DemoResult
from workbench.services.events import event_rows, list_events
from workbench.services.interviews import list_interviews


def test_every_demo_participant_has_a_timeline(demo: DemoResult) -> None:
    ws = demo.workspace
    events = list_events(ws)
    assert demo.life_events == len(events) >= 40
    per_person = Counter(e.participant_code for e in events)
    assert set(per_person) == {"P01", "P02", "P03", "P04", "P05"} and min(per_person.values()) >= 7
    language_of = {s.id: s.language for s in list_interviews(ws)}
    assert {language_of[e.anchor.interview_id] for e in events if e.anchor} == {"en", "hu"}
    rows = event_rows(ws, events)
    assert all(r["age"] is not None and 0 <= float(str(r["age"])) < 60 for r in rows)
    assert {e.anchor.wave for e in events if e.participant_code == "P01" and e.anchor} == {1, 2}
    assert {e.recorder for e in events} == {"anna", "bence"}
    assert len({e.type for e in events}) == 11  # every shipped type appears
    # Ages follow each life's order where the demo says so: the first offence comes before the first incarceration.
    for code in per_person:
        own = {r["type"]: float(str(r["age"])) for r in reversed(rows) if r["participant"] == code}
        if "first_offence" in own and "incarceration" in own:
            assert own["first_offence"] < own["incarceration"], code
