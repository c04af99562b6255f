"""A populated demo project, so that every page has something to show.

All transcripts, participants and names in ``workbench/demo_data`` are fictional
and were written for this project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbench.crypto.kdf import KdfParams
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.domain.models import Role
from workbench.domain.text import normalize
from workbench.errors import InvalidInputError
from workbench.i18n import N_
from workbench.i18n import gettext as _
from workbench.paths import CODEBOOKS_DIR, DEMO_DATA_DIR
from workbench.services.codebook.file_format import read_codebook
from workbench.services.codebook.sync import install_codebook
from workbench.services.codebook.versions import occasion
from workbench.services.deid import import_known_entities
from workbench.services.deid_release import release
from workbench.services.interviews import add_transcript_in
from workbench.services.participants import add_participants
from workbench.services.projects import LOGIN_HINT_KEY, init_project
from workbench.services.users import add_user, set_password
from workbench.services.workspace import Workspace
from workbench.store.store import remove_project_files

DEMO_PASSPHRASE = "fictional-demo-only"  # noqa: S105 - printed on purpose; demo data is fictional
DEMO_ADMIN = "admin"
DEMO_MEMBERS = (("lena", Role.LEAD), ("anna", Role.RESEARCHER), ("bence", Role.RESEARCHER), ("wanda", Role.WRITER))
DEMO_CODEBOOK = "radicalization-indicators.yaml"
DEMO_EVENT_TYPES = "life-events.yaml"


def demo_password(name: str) -> str:
    """Each demo member's own password: printed and shown on the sign-in page, as the data is fictional."""
    return f"fictional-{name}"


DEMO_HINT = N_(
    "Demo project with fictional interviews. Sign in as **admin**, **lena** (lead), **anna** or **bence** "
    "(researchers) or **wanda** (report writer); each password is `fictional-` followed by the user name, "
    "e.g. `fictional-anna`."
)


@dataclass(frozen=True)
class DemoResult:
    workspace: Workspace
    interviews: int
    participants: int
    codes: int
    codings: int
    life_events: int = 0


def _load(name: str) -> Any:
    return yaml.safe_load((DEMO_DATA_DIR / name).read_text(encoding="utf-8"))


def create_demo(
    directory: Path,
    passphrase: str,
    *,
    language: str = "en",
    kdf: KdfParams | None = None,
    release_for_writers: bool = False,
) -> DemoResult:
    """Create and populate a demo project; on failure nothing is left in ``directory``.

    With ``release_for_writers`` the transcripts are also scanned for identifying details and a
    de-identified release is made, so the demo writer can export at once (this loads the NLP
    models: several seconds, which is why tests ask for it only where they need it).
    """
    ws = init_project(directory, passphrase, DEMO_ADMIN, language=language, name="Demo: life-path interviews", kdf=kdf)
    try:
        result = _populate(ws, language)
        import_known_entities(ws, DEMO_DATA_DIR / "known_entities.yaml")
        if release_for_writers:
            release(ws)
        return result
    except BaseException:
        if ws.location.backend == "postgresql":
            ws.store.drop_schema()
        ws.close()
        remove_project_files(directory)
        raise


def _populate(ws: Workspace, language: str) -> DemoResult:
    set_password(ws, DEMO_ADMIN, demo_password(DEMO_ADMIN))
    for name, role in DEMO_MEMBERS:
        add_user(ws, name, role, demo_password(name))
    with ws.write() as repo:
        repo.settings.set(LOGIN_HINT_KEY, DEMO_HINT, ws.user.id)
    people = _load("participants.yaml")
    definitions = [
        AttributeDef(a["name"], AttributeType(a["type"]), tuple(a.get("categories", ()))) for a in people["attributes"]
    ]
    participants = {p["code"]: p["attributes"] for p in people["participants"]}
    add_participants(ws, definitions, participants)
    codes = read_codebook(CODEBOOKS_DIR / DEMO_CODEBOOK, language)
    event_types = read_codebook(CODEBOOKS_DIR / DEMO_EVENT_TYPES, language)  # the life-event family (issue 15)
    install_codebook(ws, codes + event_types, occasion(N_("Pulled shared codebook {codebook} and the life-event types"),
                                                      codebook=DEMO_CODEBOOK))  # fmt: skip
    code_ids = {c.key: c.id for c in codes}
    manifest = _load("manifest.yaml")["interviews"]
    codings = _load("codings.yaml")["codings"]
    coding_count = 0
    interview_ids: dict[str, str] = {}
    with ws.write() as repo:
        coders = {u.name: u.id for u in repo.users.current()}
        for item in manifest:
            text = (DEMO_DATA_DIR / "interviews" / item["file"]).read_text(encoding="utf-8")
            interview_id = add_transcript_in(
                ws, repo, text, title=item["title"], language=item["language"],
                participant_code=item["participant"], wave=item.get("wave"), source_format="txt",
            )  # fmt: skip
            interview_ids[item["file"]] = interview_id
            transcript = repo.interviews.transcript(interview_id)
            for entry in (c for c in codings if c["file"] == item["file"]):
                start = transcript.text.find(normalize(entry["quote"]))
                if start < 0:
                    raise InvalidInputError(_("Demo coding quote not found in {item}.").format(item=item["file"]))
                end = start + len(normalize(entry["quote"]))
                for index, coder in enumerate(entry["coders"]):
                    memo = entry.get("memo") if index == 0 else None
                    repo.codings.add(transcript, code_ids[entry["code"]], coders[coder], start, end, memo=memo)
                    coding_count += 1
        ws.audit(repo, "demo populated", "project", ws.project.id, codings=coding_count)
    events = _add_life_events(ws, interview_ids)
    return DemoResult(ws, len(manifest), len(participants), len(codes), coding_count, events)


def _add_life_events(ws: Workspace, interview_ids: dict[str, str]) -> int:
    """The demo's life events (``demo_data/life_events.yaml``), recorded by the demo researchers."""
    from workbench.domain.events import Direction, EventAnchor, EventTime, LifeDomain, LifeEvent, Precision, TimeKind
    from workbench.services.events import defaults_for, event_types_in
    from workbench.store.keys import new_id, utcnow

    entries = _load("life_events.yaml")["events"]
    with ws.write() as repo:
        users = {u.name: u.id for u in repo.users.current()}
        types = {c.key: c.id for c in event_types_in(repo)}
        version = repo.codebook.current_version()
        refs: dict[str, str] = {}
        for entry in entries:
            spec = entry["time"]
            precision = Precision(spec.get("precision", "exact"))
            if "after" in spec:
                time = EventTime(TimeKind.RELATIVE, float(spec["offset"]), precision,
                                 anchor_event_id=refs[spec["after"]])  # fmt: skip
            else:
                kind = TimeKind.AGE if "age" in spec else TimeKind.YEAR
                time = EventTime(kind, float(spec["age" if "age" in spec else "year"]), precision)
            interview_id = interview_ids[entry["file"]]
            text = repo.interviews.transcript(interview_id).text
            quote = normalize(entry["quote"])
            start = text.find(quote)
            if start < 0:
                raise InvalidInputError(_("Demo life-event quote not found in {entry}.").format(entry=entry["file"]))
            domain, direction = defaults_for(entry["type"])
            event = LifeEvent(
                id=new_id(), participant_id=repo.participants.id_of(entry["participant"]) or "",
                participant_code=entry["participant"], type=entry["type"], type_code_id=types[entry["type"]],
                domain=LifeDomain(entry.get("domain", domain)), direction=Direction(entry.get("direction", direction)),
                time=time, recorder=entry["recorder"], created_at=utcnow(), memo=entry.get("memo", ""),
                anchor=EventAnchor(interview_id, start, start + len(quote), None, quote), codebook_version=version,
            )  # fmt: skip
            repo.events.add(event, users[entry["recorder"]])
            if "ref" in entry:
                refs[entry["ref"]] = event.id
        ws.audit(repo, "demo life events recorded", "project", ws.project.id, events=len(entries))
    return len(entries)
