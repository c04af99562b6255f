"""Themes, encrypted embeddings and suggestions, on SQLite and PostgreSQL, with the real MiniLM model."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from tests.conftest import FAST_KDF, PG_URL, Backend
from workbench.domain.models import Code, Role, SegmentKind, SpeakerRole
from workbench.errors import PermissionDeniedError, ShreddedError
from workbench.nlp import embed
from workbench.nlp.themes import ThemeParams
from workbench.services import code_suggestions, themes
from workbench.services.codebook.sync import install_codebook
from workbench.services.coding import add_coding
from workbench.services.interviews import add_transcript
from workbench.services.projects import audit_log, init_project, open_project, shred_interview
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s

VISITS = [
    "My daughter visits me every second Sunday and it keeps me going.",
    "When my little girl comes on visiting day I feel like a person again.",
    "Seeing my son in the visiting room is the best hour of the month.",
    "My kids draw me pictures and bring them when they come to visit.",
]
RECRUITMENT = [
    "Some men on the wing promised me a job with their group when I get out.",
    "A recruiter inside said the brotherhood would look after me after release.",
    "They keep telling me the movement has a role for me on the outside.",
    "The group offered me protection in here and work out there if I join.",
]
TRAINING = [
    "I am doing a welding course so I can find a job when I leave.",
    "My plan is to finish the electrician exams before my release date.",
    "The carpentry workshop is teaching me a trade I can use outside.",
    "I want to get my forklift licence and work in a warehouse.",
]
PASSPHRASE = "test passphrase 123"


def _interview(answers: Sequence[str]) -> str:
    return "\n\n".join(f"Interviewer: Can you tell me more?\n\nParticipant: {a}" for a in answers)


@dataclass
class Counting:
    """The real model, recording which texts it was asked to embed."""

    inner: embed.Embedder
    texts: list[str] = field(default_factory=list)

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: Sequence[str], on_progress: embed.ProgressFn | None = None) -> embed.Vectors:
        self.texts.extend(texts)
        return self.inner.encode(texts, on_progress)


@pytest.fixture(scope="module")
def minilm() -> embed.Embedder:
    return embed.load_embedder(embed.MINILM)


def _corpus(ws: Workspace) -> list[str]:
    first = add_transcript(ws, _interview([VISITS[0], RECRUITMENT[0], TRAINING[0], VISITS[1]]), title="A")
    second = add_transcript(ws, _interview([RECRUITMENT[1], TRAINING[1], VISITS[2], RECRUITMENT[2]]), title="B")
    return [first, second]


def _codes(ws: Workspace) -> dict[str, Code]:
    family = Code("6f0e7c5e-0000-4000-8000-000000000001", "Networks", key="networks", codable=False)
    codes = {
        "networks": family,
        "recruitment": Code("6f0e7c5e-0000-4000-8000-000000000002", "Recruitment", parent_id=family.id,
                            key="recruitment"),
        "family": Code("6f0e7c5e-0000-4000-8000-000000000003", "Family support", key="family"),
    }  # fmt: skip
    install_codebook(ws, list(codes.values()), "test codes")
    return codes


def _code_sentence(ws: Workspace, interview_id: str, sentence: str, code: Code) -> None:
    with ws.read() as repo:
        text = repo.interviews.transcript(interview_id).text
    start = text.index(sentence)
    add_coding(ws, interview_id, code.id, start, start + len(sentence))


def test_a_rerun_embeds_only_new_texts(project: Workspace, minilm: embed.Embedder) -> None:
    _corpus(project)
    counting = Counting(minilm)
    first = themes.run_themes(project, embedder=counting)
    assert first.embedded == 8 and sorted(counting.texts) == sorted(VISITS[:3] + RECRUITMENT[:3] + TRAINING[:2])
    assert len(first.items) == 8 and {i.snippet for i in first.items} == set(counting.texts)
    counting.texts.clear()
    assert themes.run_themes(project, embedder=counting).embedded == 0 and counting.texts == []
    add_transcript(project, _interview([VISITS[3], TRAINING[2], TRAINING[3], RECRUITMENT[3]]), title="C")
    third = themes.run_themes(project, embedder=counting)
    assert third.embedded == 4 and sorted(counting.texts) == sorted([VISITS[3], TRAINING[2], TRAINING[3],
                                                                     RECRUITMENT[3]])  # fmt: skip
    assert len(third.items) == 12


def test_themes_follow_topics_and_are_reproducible(project: Workspace, minilm: embed.Embedder) -> None:
    _corpus(project)
    add_transcript(project, _interview([VISITS[3], TRAINING[2], TRAINING[3], RECRUITMENT[3]]), title="C")
    params = ThemeParams(seed=3, min_cluster_size=3)
    report = themes.run_themes(project, params=params, embedder=minilm)
    again = themes.run_themes(project, params=params, embedder=minilm)
    assert [i.theme for i in report.items] == [i.theme for i in again.items]
    assert [(t.id, t.keywords, t.quotes) for t in report.themes] == [(t.id, t.keywords, t.quotes) for t in again.themes]
    topic = {t: name for name, group in (("v", VISITS), ("r", RECRUITMENT), ("t", TRAINING)) for t in group}
    by_theme: dict[int, list[str]] = {}
    for item in report.items:
        if item.theme != -1:
            by_theme.setdefault(item.theme, []).append(topic[item.snippet])
    majority = sum(max(names.count(n) for n in names) for names in by_theme.values())
    assert len(by_theme) >= 2 and majority >= 0.8 * sum(map(len, by_theme.values())), by_theme
    stored = themes.latest_themes(project)
    assert stored is not None and stored.run_id == again.run_id and stored.items == again.items


def _stored_bytes(ws: Workspace, backend: Backend) -> bytes:
    if backend.name == "sqlite":
        return b"".join(p.read_bytes() for p in sorted(Path(ws.location.directory).iterdir()) if p.is_file())
    assert backend.schema is not None
    url = PG_URL.replace("postgresql+psycopg", "postgresql")
    dump = subprocess.run(["pg_dump", "--no-owner", "--schema", backend.schema, url], check=True, capture_output=True)
    return dump.stdout


def test_embeddings_and_runs_are_only_ciphertext_at_rest(
    project: Workspace, backend: Backend, minilm: embed.Embedder
) -> None:
    _corpus(project)
    add_transcript(project, _interview([VISITS[3], TRAINING[2], TRAINING[3], RECRUITMENT[3]]), title="C")
    report = themes.run_themes(project, params=ThemeParams(min_cluster_size=3), embedder=minilm)
    keyword = max((k for t in report.themes for k in t.keywords), key=len)
    assert len(keyword) >= 6, "long enough that random ciphertext bytes cannot match it"
    project.close()
    ws = open_project(Path(project.location.directory), PASSPHRASE)  # everything went through the database
    stored = _stored_bytes(ws, backend)
    vector = minilm.encode([VISITS[0]])[0]
    raw = np.asarray(vector, dtype="<f4").tobytes()
    for piece in (raw[:32], raw[200:232], raw[-32:]):
        assert piece not in stored and piece.hex().encode() not in stored
    assert VISITS[0].encode() not in stored and keyword.encode() not in stored
    assert hashlib.sha256(VISITS[0].encode()).hexdigest().encode() not in stored, "no bare hash of a text"
    with ws.read() as repo:
        rows = repo.conn.execute(select(s.embedding)).all()
        store = repo.embeddings
        mac = store.text_mac(VISITS[0])
        interview_id = next(r.interview_id for r in rows if r.text_mac == mac)
        decrypted = store.vectors(interview_id, minilm.model_id)[mac]
    assert mac.encode() in stored and embed.MINILM.encode() in stored, "the scan finds what is stored in the clear"
    assert len(rows) == 12 and {len(r.vector_enc) for r in rows} == {1 + 12 + 384 * 4 + 16}
    # The int8 CPU engine scales activations per batch: the stored vector (embedded in a batch) and
    # this one (alone) agree closely, not bit for bit; an unrelated text's vector would be far off.
    assert float(decrypted @ vector) > 0.97 and decrypted.shape == vector.shape
    ws.close()


def test_shredding_an_interview_kills_its_embeddings_and_discards_runs(
    project: Workspace, minilm: embed.Embedder
) -> None:
    first, _second = _corpus(project)
    themes.run_themes(project, embedder=minilm)
    shred_interview(project, first)
    with project.read() as repo, pytest.raises(ShreddedError):
        repo.embeddings.vectors(first, minilm.model_id)
    assert themes.latest_themes(project) is None
    with project.read() as repo:
        assert repo.conn.execute(select(s.theme_run)).all() == []
    actions = [e.action for e in audit_log(project).entries]
    assert "theme run discarded" in actions and "themes run" in actions


def test_the_mac_is_keyed_per_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keyed by the master key: equal texts in two projects get unrelated ids, and no bare hash."""
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    macs = []
    for name in ("one", "two"):
        ws = init_project(tmp_path / name, PASSPHRASE, "zed", language="en", kdf=FAST_KDF)
        with ws.read() as repo:
            macs.append(repo.embeddings.text_mac("Yes."))
        ws.close()
    assert macs[0] != macs[1] and hashlib.sha256(b"Yes.").hexdigest() not in macs


def test_code_family_scope_clusters_only_coded_passages(project: Workspace, minilm: embed.Embedder) -> None:
    first, second = _corpus(project)
    codes = _codes(project)
    for interview_id, sentence in ((first, RECRUITMENT[0]), (second, RECRUITMENT[1]), (second, RECRUITMENT[2])):
        _code_sentence(project, interview_id, sentence, codes["recruitment"])
    for interview_id, sentence in ((first, VISITS[0]), (first, VISITS[1]), (second, VISITS[2])):
        _code_sentence(project, interview_id, sentence, codes["family"])
    with pytest.raises(Exception, match="at least 5"):
        themes.run_themes(project, code_family="networks", embedder=minilm)
    _code_sentence(project, first, TRAINING[0], codes["recruitment"])
    _code_sentence(project, second, TRAINING[1], codes["recruitment"])
    report = themes.run_themes(project, code_family="Networks", embedder=minilm)
    assert report.scope == "code family Networks" and len(report.items) == 5
    assert {i.snippet for i in report.items} == {RECRUITMENT[0], RECRUITMENT[1], RECRUITMENT[2], TRAINING[0],
                                                 TRAINING[1]}  # fmt: skip
    assert themes.latest_themes(project, code_family="networks") is not None
    assert themes.latest_themes(project) is None, "runs are stored per scope"


def test_suggestions_accept_and_reject(project: Workspace, minilm: embed.Embedder) -> None:
    first, _second = _corpus(project)
    codes = _codes(project)
    add_user(project, "bob", Role.RESEARCHER)
    bob = open_project(Path(project.location.directory), PASSPHRASE, "bob")
    _code_sentence(bob, first, VISITS[0], codes["family"])
    _code_sentence(bob, first, RECRUITMENT[0], codes["recruitment"])
    found = code_suggestions.suggestions(bob, embedder=minilm, per_code=2)
    family = [x for x in found if x.code_id == codes["family"].id]
    assert family and family[0].text in VISITS[1:3] and family[0].example == VISITS[0]
    assert all(x.text != VISITS[0] for x in found), "coded passages are not suggested again"
    recruitment = [x for x in found if x.code_id == codes["recruitment"].id]
    assert recruitment and recruitment[0].text in RECRUITMENT[1:3]

    coding = code_suggestions.accept_suggestion(bob, family[0])
    assert coding.suggested and coding.coder == "bob" and coding.text == family[0].text
    code_suggestions.reject_suggestion(bob, recruitment[0])
    later = {(x.code_id, x.text) for x in code_suggestions.suggestions(bob, embedder=minilm, per_code=2)}
    assert (codes["family"].id, family[0].text) not in later
    assert (codes["recruitment"].id, recruitment[0].text) not in later
    actions = [e.action for e in audit_log(project).entries]
    assert {"suggestion accepted", "suggestion rejected", "suggestions listed"} <= set(actions)
    with pytest.raises(PermissionDeniedError):
        themes.run_themes(bob, embedder=minilm)
    bob.close()


def test_blind_coding_keeps_other_coders_examples_out_of_suggestions(
    project: Workspace, minilm: embed.Embedder
) -> None:
    first, _ = _corpus(project)
    codes = _codes(project)
    add_user(project, "bob", Role.RESEARCHER)
    add_user(project, "carol", Role.RESEARCHER)
    bob = open_project(Path(project.location.directory), PASSPHRASE, "bob")
    carol = open_project(Path(project.location.directory), PASSPHRASE, "carol")
    _code_sentence(bob, first, VISITS[0], codes["family"])
    assert [x for x in code_suggestions.suggestions(carol, embedder=minilm) if x.code_id == codes["family"].id] == []
    assert [x for x in code_suggestions.suggestions(bob, embedder=minilm) if x.code_id == codes["family"].id]
    bob.close()
    carol.close()


def test_model_setting(project: Workspace) -> None:
    assert themes.theme_model(project) == embed.MINILM
    add_transcript(project, "K: Hol nőtt fel?\n\nV: Egy kis faluban, a Tisza mellett.", title="hu", language="hu")
    assert themes.theme_model(project) == embed.MULTILINGUAL_E5, "Hungarian material switches the default"
    assert themes.set_theme_model(project, embed.MINILM) == embed.MINILM
    assert themes.theme_model(project) == embed.MINILM
    with pytest.raises(Exception, match="Unknown embedding model"):
        themes.set_theme_model(project, "no-such-model")
    assert "theme model changed" in [e.action for e in audit_log(project).entries]


def test_only_participant_segments_are_read_for_themes_in_transcript_order(project: Workspace) -> None:
    """The re-run's fast path reads the same passages as the full transcripts, and nothing else."""
    ids = _corpus(project)
    add_transcript(project, "Interviewer: Hello there.\n\nParticipant: Short one.\n\nParticipant: " + TRAINING[3],
                   title="C")  # fmt: skip
    with project.read() as repo:
        summaries = [i for i in repo.interviews.summaries() if i.shredded_at is None]
        assert {i.id for i in summaries} >= set(ids)
        for kind in (SegmentKind.TURN, SegmentKind.SENTENCE):
            expected = [
                (i.id, seg.start, seg.end, seg.text)
                for i in summaries
                for seg in repo.interviews.transcript(i.id).segments
                if seg.kind is kind and seg.role is SpeakerRole.PARTICIPANT
            ]
            found = repo.interviews.participant_segments([i.id for i in summaries], kind.value)
            assert found == expected and len(found) >= 9
            backwards = [i.id for i in reversed(summaries)]
            reordered = repo.interviews.participant_segments(backwards, kind.value)
            assert reordered == sorted(found, key=lambda f: backwards.index(f[0]))  # stable: positions kept
        assert repo.interviews.participant_segments([], SegmentKind.TURN.value) == []
        turns = {u.text for u in themes.participant_units(repo, summaries, SegmentKind.TURN)}
    assert "Short one." not in turns and TRAINING[3] in turns and "Hello there." not in turns


HU_ANSWERS = [
    "A lányom minden második vasárnap meglátogat, és ez tartja bennem a lelket.",
    "A börtönben néhány rab megígérte, hogy szabadulás után munkát adnak nekem.",
    "Hegesztő tanfolyamra járok, hogy kint el tudjak helyezkedni valahol.",
    "Amikor a fiam bejön a beszélőre, újra embernek érzem magam.",
    "A csoport tagjai védelmet ígértek bent, és munkát kint, ha csatlakozom.",
    "Villanyszerelő vizsgát akarok tenni, mielőtt kiszabadulok a börtönből.",
]


def test_hungarian_turns_in_an_english_project_get_the_multilingual_model(project: Workspace) -> None:
    """Declared English, spoken Hungarian: the detected language, not the label, chooses the model."""
    add_transcript(project, _interview(HU_ANSWERS[:3]), title="A", language="en")
    add_transcript(project, _interview(HU_ANSWERS[3:]), title="B", language="en")
    report = themes.run_themes(project, params=ThemeParams(min_cluster_size=2))
    assert report.model == embed.MULTILINGUAL_E5 and report.warning is None
    assert list(report.languages) == ["hu"]
    check = themes.model_check(project)
    assert check.model == embed.MULTILINGUAL_E5 and not check.configured and check.warning is None


def test_an_english_only_model_chosen_by_the_lead_is_used_with_a_warning(
    project: Workspace, minilm: embed.Embedder
) -> None:
    add_transcript(project, _interview(HU_ANSWERS), title="A", language="hu")
    assert themes.model_check(project).warning is None, "no setting: the multilingual model, no warning"
    themes.set_theme_model(project, embed.MINILM)
    check = themes.model_check(project)
    assert check.configured and check.model == embed.MINILM
    assert check.warning is not None and "Hungarian" in check.warning and embed.MULTILINGUAL_E5 in check.warning
    report = themes.run_themes(project, params=ThemeParams(min_cluster_size=2), embedder=minilm)
    assert report.model == embed.MINILM, "the lead's choice is kept"
    assert report.warning is not None and "Hungarian (100%)" in report.warning
    stored = themes.latest_themes(project)
    assert stored is not None and stored.warning == report.warning and stored.languages == {"hu": 1.0}


def test_english_turns_keep_the_english_model(project: Workspace, minilm: embed.Embedder) -> None:
    _corpus(project)
    report = themes.run_themes(project, embedder=minilm)
    assert report.languages.get("en") == 1.0 and report.warning is None
    assert themes.model_check(project).model == embed.MINILM
