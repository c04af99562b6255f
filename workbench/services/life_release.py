"""Life events in a release: what report writers may know of the participants' life paths.

The release builder (``services.deid_release._ReleaseBuilder``) calls :class:`LifeRelease` inside its
transaction. Each event becomes a record ``{participant, age, type, direction, domain, wave,
quote}`` under the participant's release pseudonym, with the age resolved now (the birth year is
not released) and rounded to a year, and the quote de-identified like every released quote.
Memos and the recorder stay out.

Where a record goes follows the shredding rule of releases: an event recorded from a passage
lives in that interview's sealed part (``life_events``), so shredding the interview takes its
events out of every release with the passage; events with no passage (or whose interview is
not released) are in the project-wide part under ``life_paths``, with each participant's age at
the interview (where the sequence ends). ``DeidRepo.latest_release`` joins the parts again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from workbench.analysis.life_sequences import DatedEvent, Life, TimelinePoint
from workbench.domain.events import LifeDomain, LifeEvent

LIFE_PATHS = "life_paths"
LIFE_EVENTS = "life_events"
Label = Callable[[str | None], str]


class LifeRelease:
    """Every event of the project, dated once, handed out per interview and then the rest."""

    def __init__(self, repo: Any) -> None:
        from workbench.domain.events import resolve_ages
        from workbench.services.events import birth_year_of
        from workbench.services.pathways import age_at_interview

        participants = list(repo.participants.all())
        events: list[LifeEvent] = list(repo.events.list())
        self.names = {c.id: c.name for c in repo.codebook.codes()}
        self.ends = {p.code: age_at_interview(p) for p in participants}
        self.ages: dict[str, float] = {}
        for p in participants:
            own = [e for e in events if e.participant_code == p.code]
            self.ages |= {k: v for k, v in resolve_ages(own, birth_year_of(p)).items() if v is not None}
        self.events = [e for e in events if e.id in self.ages]
        self.done: set[str] = set()

    def _record(self, event: LifeEvent, label: Label, quote: str) -> dict[str, Any]:
        return {
            "participant": label(event.participant_code),
            "age": round(self.ages[event.id]),
            "type": event.type,
            "type_name": self.names.get(event.type_code_id or "", event.type),
            "direction": event.direction.value,
            "domain": event.domain.value,
            "wave": event.anchor.wave if event.anchor else None,
            "quote": quote,
        }

    def for_interview(self, interview_id: str, label: Label, quote: Callable[[int, int], str]) -> list[dict[str, Any]]:
        """The records of events recorded from this interview, quotes de-identified by ``quote``."""
        found = []
        for event in self.events:
            anchor = event.anchor
            if anchor is None or anchor.interview_id != interview_id:
                continue
            text = quote(anchor.start, anchor.end) if anchor.start is not None and anchor.end is not None else ""
            found.append(self._record(event, label, text))
            self.done.add(event.id)
        return found

    def base(self, label: Label) -> dict[str, Any]:
        """The project-wide part: each participant's end age and their events not released with a passage."""
        lives = []
        for code, end in sorted(self.ends.items()):
            rest = [self._record(e, label, "") for e in self.events if e.participant_code == code and e.id not in
                    self.done]  # fmt: skip
            lives.append({"participant": label(code), "end": end, "events": rest})
        return {"lives": sorted(lives, key=lambda life: str(life["participant"]))}


def released_records(release: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every released event record (project-wide ones and those of the interviews' parts)."""
    records = [e for life in release.get(LIFE_PATHS, {}).get("lives", []) for e in life.get("events", [])]
    return [*records, *release.get(LIFE_EVENTS, [])]


def released_texts(release: Mapping[str, Any]) -> list[str]:
    """The texts of released events a writer could see (for the release's leak check)."""
    return [f"{e['type']}\n{e.get('type_name', '')}\n{e.get('quote', '')}" for e in released_records(release)]


def released_lives(release: Mapping[str, Any]) -> list[Life]:
    """The release's life paths as ``Life`` records, labelled by release pseudonym."""
    by_participant: dict[str, list[DatedEvent]] = {}
    for record in released_records(release):
        by_participant.setdefault(str(record["participant"]), []).append(
            DatedEvent(float(record["age"]), str(record["type"]), str(record["direction"]))
        )
    lives = release.get(LIFE_PATHS, {}).get("lives", [])
    return [Life(str(life["participant"]), by_participant.get(str(life["participant"]), []),
                 None if life.get("end") is None else float(life["end"])) for life in lives]  # fmt: skip


def released_participants(release: Mapping[str, Any]) -> list[str]:
    return [str(life["participant"]) for life in release.get(LIFE_PATHS, {}).get("lives", [])]


def released_timeline(release: Mapping[str, Any], participant: str,
                      lanes: Mapping[LifeDomain, str]) -> list[TimelinePoint]:  # fmt: skip
    """A writer's timeline of one pseudonymized participant: ages in whole years, de-identified quotes."""
    own: Sequence[dict[str, Any]] = [r for r in released_records(release) if r["participant"] == participant]
    points = [
        TimelinePoint(f"{participant}:{n}", float(r["age"]), lanes[LifeDomain(r["domain"])],
                      str(r.get("type_name") or r["type"]), str(r["direction"]),
                      r.get("wave"), str(r.get("quote") or ""), f"age {r['age']}")
        for n, r in enumerate(own)
    ]  # fmt: skip
    return sorted(points, key=lambda p: p.x)
