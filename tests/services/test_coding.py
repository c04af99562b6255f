"""Coding services on both backends: apply, segments, remove, adjust, memos, coding by search."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.conftest import PASSPHRASE
from tests.helpers import TRANSCRIPT_A, TRANSCRIPT_B, add_codes, add_two_transcripts
from workbench.domain.models import Code, Coding, Role, Segment, SegmentKind, SpeakerRole
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError, ShreddedError
from workbench.services.coding import (
    add_interview_memo,
    adjust_coding,
    apply_codes,
    codable_turns,
    code_segment,
    delete_interview_memo,
    interview_codings,
    neighbour_uncoded_turn,
    open_for_coding,
    remove_coding,
    set_coding_memo,
    uncoded_turns,
)
from workbench.services.coding_search import (
    MatchMode,
    Passage,
    SearchOptions,
    code_passages,
    compile_query,
    find_matches,
    search_segments,
)
from workbench.services.demo import DemoResult
from workbench.services.projects import audit_log, open_project, shred_interview
from workbench.services.users import add_user
from workbench.services.visibility import set_comparison_open
from workbench.services.workspace import Workspace
from workbench.store import schema as s


@pytest.fixture
def team(project: Workspace) -> Iterator[dict[str, Workspace]]:
    """alice (admin, the creator), lena (lead), rita and rob (researchers), wanda (writer)."""
    for name, role in (("lena", Role.LEAD), ("rita", Role.RESEARCHER), ("rob", Role.RESEARCHER),
                       ("wanda", Role.WRITER)):  # fmt: skip
        add_user(project, name, role)
    sessions = {name: open_project(project.location.directory, PASSPHRASE, name)
                for name in ("lena", "rita", "rob", "wanda")}  # fmt: skip
    sessions["alice"] = project
    yield sessions
    for name, ws in sessions.items():
        if name != "alice":
            ws.close()


@pytest.fixture
def material(project: Workspace) -> tuple[list[Code], str, str]:
    codes = add_codes(project)
    a, b = add_two_transcripts(project)
    return codes, a, b


def _stored_coding(ws: Workspace, coding_id: str) -> tuple[int, int, bytes, bytes | None, object]:
    with ws.read() as repo:
        row = repo.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).one()
    return row.start, row.end, bytes(row.text_enc), row.memo_enc and bytes(row.memo_enc), row.updated_at


def _count_codings(ws: Workspace) -> int:
    with ws.read() as repo:
        return len(repo.conn.execute(select(s.coding.c.id)).all())


# -- applying ----------------------------------------------------------------------


def test_apply_several_codes_to_one_span_records_coder_quote_and_audit(
    team: dict[str, Workspace], material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    rita = team["rita"]
    start = TRANSCRIPT_A.index("Behind the tannery")
    end = start + len("Behind the tannery")
    added = apply_codes(rita, a[:8], [codes[1].id, codes[2].id], start, end, memo="first impression")
    assert [c.code_id for c in added] == [codes[1].id, codes[2].id]
    assert {c.coder for c in added} == {"rita"}
    stored = interview_codings(team["lena"], a).codings
    assert [(c.code_id, c.coder, c.text, c.memo) for c in stored] == [
        (codes[1].id, "rita", "Behind the tannery", "first impression"),
        (codes[2].id, "rita", "Behind the tannery", "first impression"),
    ]
    entries = [e for e in audit_log(team["lena"]).entries if e.action == "coding added"]
    assert {e.object_id for e in entries} == {c.id for c in added}
    assert {e.actor for e in entries} == {"rita"}
    assert "tannery" not in repr(entries) and "impression" not in repr(entries)


def test_a_double_apply_is_refused_and_a_partial_repeat_adds_only_the_new_code(
    project: Workspace, material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    apply_codes(project, a, [codes[1].id], 13, 35)
    with pytest.raises(InvalidInputError, match="already applied"):
        apply_codes(project, a, [codes[1].id], 13, 35)
    added = apply_codes(project, a, [codes[1].id, codes[2].id], 13, 35)
    assert [c.code_id for c in added] == [codes[2].id]
    assert _count_codings(project) == 2


@pytest.mark.parametrize(
    ("start", "end", "message"), [(-1, 5, "does not lie inside"), (10, 10, "does not lie inside"),
                                  (0, len(TRANSCRIPT_A) + 1, "does not lie inside")],
)  # fmt: skip
def test_bad_spans_are_refused_before_anything_is_written(
    project: Workspace, material: tuple[list[Code], str, str], start: int, end: int, message: str
) -> None:
    codes, a, _ = material
    with pytest.raises(InvalidInputError, match=message):
        apply_codes(project, a, [codes[1].id], start, end)
    assert _count_codings(project) == 0


def test_a_group_or_unknown_code_refuses_the_whole_apply(
    project: Workspace, material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    with pytest.raises(InvalidInputError, match="grouping node"):
        apply_codes(project, a, [codes[1].id, codes[0].id], 0, 5)
    with pytest.raises(NotFoundError, match="no code"):
        apply_codes(project, a, [codes[1].id, "nope"], 0, 5)
    with pytest.raises(InvalidInputError, match="at least one code"):
        apply_codes(project, a, [], 0, 5)
    assert _count_codings(project) == 0


def test_a_writer_cannot_code(team: dict[str, Workspace], material: tuple[list[Code], str, str]) -> None:
    codes, a, _ = material
    with pytest.raises(PermissionDeniedError):
        apply_codes(team["wanda"], a, [codes[1].id], 0, 5)


def test_code_a_whole_turn_or_sentence_by_segment_id(project: Workspace, material: tuple[list[Code], str, str]) -> None:
    codes, _, b = material
    transcript = open_for_coding(project, b)
    turn = transcript.turns[1]
    sentence = next(x for x in transcript.segments if x.kind is SegmentKind.SENTENCE and x.parent_id == turn.id)
    code_segment(project, turn.id, [codes[1].id])
    code_segment(project, sentence.id, [codes[2].id])
    codings = interview_codings(project, b).codings
    assert [(c.start, c.end, c.text) for c in codings] == [
        (turn.start, turn.end, transcript.text[turn.start : turn.end]),
        (sentence.start, sentence.end, transcript.text[sentence.start : sentence.end]),
    ]
    assert codings[0].text.startswith("Egy bádogtetős tanyán")
    with pytest.raises(NotFoundError):
        code_segment(project, "0" * 32, [codes[1].id])


# -- changing --------------------------------------------------------------------------


def test_researchers_remove_only_their_own_codings_leads_any(
    team: dict[str, Workspace], material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    ritas = apply_codes(team["rita"], a, [codes[1].id], 13, 35)[0]
    robs = apply_codes(team["rob"], a, [codes[1].id], 13, 35)[0]
    with pytest.raises(PermissionDeniedError, match="only their own"):
        remove_coding(team["rob"], ritas.id)
    remove_coding(team["rob"], robs.id)
    remove_coding(team["lena"], ritas.id)
    assert _count_codings(team["alice"]) == 0
    with pytest.raises(NotFoundError, match="removed"):
        remove_coding(team["lena"], ritas.id)
    assert [e.action for e in audit_log(team["lena"]).entries[:2]] == ["coding removed", "coding removed"]


def test_adjust_moves_the_span_and_reseals_the_quote(
    team: dict[str, Workspace], material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    rita = team["rita"]
    coding = apply_codes(rita, a, [codes[1].id], 13, 35)[0]
    before = _stored_coding(rita, coding.id)
    start = TRANSCRIPT_A.index("tannery")
    adjust_coding(rita, coding.id, start, start + len("tannery"))
    after = _stored_coding(rita, coding.id)
    assert after[:2] == (start, start + len("tannery"))
    assert after[2] != before[2] and after[4] is not None
    assert interview_codings(rita, a).codings[0].text == "tannery"
    with pytest.raises(InvalidInputError, match="does not lie inside"):
        adjust_coding(rita, coding.id, 5, 4)
    with pytest.raises(PermissionDeniedError):
        adjust_coding(team["rob"], coding.id, 0, 5)
    assert interview_codings(rita, a).codings[0].text == "tannery"


def test_adjusting_onto_an_existing_identical_coding_is_refused(
    project: Workspace, material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    first = apply_codes(project, a, [codes[1].id], 0, 5)[0]
    apply_codes(project, a, [codes[1].id], 10, 15)
    with pytest.raises(InvalidInputError, match="already applied"):
        adjust_coding(project, first.id, 10, 15)


def test_memo_on_a_coding_is_encrypted_replaced_and_cleared(
    team: dict[str, Workspace], material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    rita = team["rita"]
    coding = apply_codes(rita, a, [codes[1].id], 13, 35)[0]
    set_coding_memo(rita, coding.id, "  the tannery is a recurring image  ")
    stored = _stored_coding(rita, coding.id)[3]
    assert stored is not None and b"recurring image" not in stored
    assert interview_codings(rita, a).codings[0].memo == "the tannery is a recurring image"
    with pytest.raises(PermissionDeniedError):
        set_coding_memo(team["rob"], coding.id, "not mine")
    set_coding_memo(team["lena"], coding.id, "")
    assert interview_codings(rita, a).codings[0].memo is None
    with pytest.raises(InvalidInputError, match="at most"):
        set_coding_memo(rita, coding.id, "x" * 20_001)


def test_interview_memos_add_list_and_delete_with_ownership(
    team: dict[str, Workspace], material: tuple[list[Code], str, str]
) -> None:
    _, a, _ = material
    memo_id = add_interview_memo(team["rita"], a[:8], "Ask about the trams in wave 2.")
    other = add_interview_memo(team["rob"], a, "Rob's note.")
    memos = interview_codings(team["rita"], a).memos
    assert [(m.author, m.text) for m in memos] == [("rita", "Ask about the trams in wave 2."), ("rob", "Rob's note.")]
    with pytest.raises(PermissionDeniedError):
        delete_interview_memo(team["rita"], other)
    delete_interview_memo(team["rita"], memo_id)
    delete_interview_memo(team["lena"], other)
    assert interview_codings(team["rita"], a).memos == []
    with pytest.raises(InvalidInputError, match="empty"):
        add_interview_memo(team["rita"], a, "   ")


def test_blind_researchers_see_only_their_own_codings_until_the_comparison_opens(
    team: dict[str, Workspace], material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    apply_codes(team["rita"], a, [codes[1].id], 13, 35)
    apply_codes(team["rob"], a, [codes[2].id], 13, 35)
    assert {c.coder for c in interview_codings(team["rita"], a).codings} == {"rita"}
    assert {c.coder for c in interview_codings(team["lena"], a).codings} == {"rita", "rob"}
    set_comparison_open(team["lena"], opened=True)
    assert {c.coder for c in interview_codings(team["rita"], a).codings} == {"rita", "rob"}


def test_a_shredded_interview_cannot_be_coded_or_memoed(
    project: Workspace, material: tuple[list[Code], str, str]
) -> None:
    codes, a, _ = material
    shred_interview(project, a)
    with pytest.raises(ShreddedError):
        apply_codes(project, a, [codes[1].id], 0, 5)
    with pytest.raises(ShreddedError):
        add_interview_memo(project, a, "memo")


# -- coding by search --------------------------------------------------------------------


def test_search_finds_hungarian_suffixed_and_unaccented_words_across_interviews(
    project: Workspace, material: tuple[list[Code], str, str]
) -> None:
    _, a, b = material
    found = search_segments(project, "iskola")
    assert [(h.interview_id, h.text) for h in found.hits] == [(b, "És az iskola?")]
    # accent-insensitive by default: "fuzfas" finds "fűzfás"; word starts: "udvar" finds "udvar"
    hit = search_segments(project, "FUZFAS udvar").hits[0]
    assert [hit.text[x:y] for x, y in hit.matches] == ["fűzfás", "udvar"]
    assert search_segments(project, "fuzfas", SearchOptions(match_accents=True)).hits == []
    assert search_segments(project, "Fűzfás", SearchOptions(match_case=True)).hits == []
    # a prefix matches a suffixed form (tanyán <- tany), never the middle of a word
    assert len(search_segments(project, "tany").hits) == 1
    assert search_segments(project, "anyán").hits == []
    # phrase versus any / all words; English and Hungarian side by side
    assert len(search_segments(project, "violet umbrella", SearchOptions(mode=MatchMode.PHRASE)).hits) == 1
    assert search_segments(project, "umbrella violet", SearchOptions(mode=MatchMode.PHRASE)).hits == []
    assert len(search_segments(project, "umbrella kecske", SearchOptions(mode=MatchMode.ANY_WORD)).hits) == 2
    assert search_segments(project, "umbrella kecske").hits == []
    scoped = SearchOptions(interview_ids=(a,), mode=MatchMode.ANY_WORD)
    assert {h.interview_id for h in search_segments(project, "umbrella kecske", scoped).hits} == {a}


def test_search_by_sentence_and_the_audit_entry_holds_no_query(
    project: Workspace, material: tuple[list[Code], str, str]
) -> None:
    assert material[1]
    hits = search_segments(project, "teacher", SearchOptions(kind=SegmentKind.SENTENCE)).hits
    assert [h.text for h in hits] == ["The teacher with the violet umbrella said I was trouble."]
    assert TRANSCRIPT_A[hits[0].start : hits[0].end] == hits[0].text
    entry = next(e for e in audit_log(project).entries if e.action == "segments searched")
    assert "teacher" not in repr(entry)


def test_search_refuses_an_empty_or_huge_query(project: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="Type a word"):
        search_segments(project, "   ")
    with pytest.raises(InvalidInputError, match="at most"):
        search_segments(project, "x" * 201)


def test_code_search_hits_at_once_skipping_ones_already_coded(
    project: Workspace, material: tuple[list[Code], str, str]
) -> None:
    codes, a, b = material
    hits = search_segments(project, "iskola school", SearchOptions(mode=MatchMode.ANY_WORD)).hits
    assert {h.interview_id for h in hits} == {a, b}
    apply_codes(project, b, [codes[1].id], hits[1].start, hits[1].end)
    result = code_passages(project, [codes[1].id, codes[2].id], [Passage(h.interview_id, h.start, h.end) for h in hits])
    assert (result.added, result.skipped) == (3, 1)
    texts = sorted(c.text for i in (a, b) for c in interview_codings(project, i).codings)
    assert texts == sorted(["And school?", "And school?", "És az iskola?", "És az iskola?"])


def test_code_search_hits_is_all_or_nothing(project: Workspace, material: tuple[list[Code], str, str]) -> None:
    codes, a, b = material
    good = Passage(a, 0, 5)
    with pytest.raises(InvalidInputError, match="does not lie inside"):
        code_passages(project, [codes[1].id], [good, Passage(b, 0, 10_000)])
    with pytest.raises(InvalidInputError, match="at least one passage"):
        code_passages(project, [codes[1].id], [])
    assert _count_codings(project) == 0


def test_demo_search_finds_hungarian_text(demo: DemoResult) -> None:
    hits = search_segments(demo.workspace, "borton", SearchOptions(mode=MatchMode.ANY_WORD)).hits
    assert hits, "the demo's Hungarian interviews speak of börtön"
    assert all("börtön" in h.text.casefold() for h in hits)


# -- pure helpers ------------------------------------------------------------------------


def test_matches_map_back_through_folding_that_changes_lengths() -> None:
    options = SearchOptions(mode=MatchMode.PHRASE)
    text = "Die STRASSE und die Straße; Ő ŐSZINTÉN"
    assert [text[x:y] for x, y in find_matches(text, compile_query("straße", options), options)] == [
        "STRASSE",
        "Straße",
    ]
    assert [text[x:y] for x, y in find_matches(text, compile_query("oszinten", options), options)] == ["ŐSZINTÉN"]


def _turn(position: int, start: int, end: int, role: SpeakerRole = SpeakerRole.PARTICIPANT) -> Segment:
    return Segment(f"t{position}", SegmentKind.TURN, position, start, end, role, "", "")


def _coding(start: int, end: int) -> Coding:
    return Coding("c", "i", "k", "x", start, end, "", dt.datetime.now(dt.UTC), coder_id="u-x")


def test_uncoded_turns_and_moving_between_them() -> None:
    turns = [_turn(0, 0, 10), _turn(1, 12, 20), _turn(2, 22, 30), _turn(3, 32, 40)]
    codings = [_coding(0, 25), _coding(2, 5)]  # a long coding reaching into turn 2
    assert [t.position for t in uncoded_turns(turns, codings)] == [3]
    codings = [_coding(2, 5), _coding(33, 34)]
    assert [t.position for t in uncoded_turns(turns, codings)] == [1, 2]
    assert neighbour_uncoded_turn(turns, codings, None, forward=True) == turns[1]
    assert neighbour_uncoded_turn(turns, codings, 1, forward=True) == turns[2]
    assert neighbour_uncoded_turn(turns, codings, 2, forward=True) == turns[1]  # wraps around
    assert neighbour_uncoded_turn(turns, codings, 1, forward=False) == turns[2]
    assert neighbour_uncoded_turn(turns, [_coding(0, 40)], 1, forward=True) is None


def test_interviewer_questions_are_neither_counted_nor_visited_as_uncoded() -> None:
    asked = SpeakerRole.INTERVIEWER
    turns = [_turn(0, 0, 10, asked), _turn(1, 12, 20), _turn(2, 22, 30, asked), _turn(3, 32, 40)]
    codings = [_coding(13, 15)]
    assert [t.position for t in uncoded_turns(turns, codings)] == [3]
    assert [t.position for t in codable_turns(turns)] == [1, 3]
    assert neighbour_uncoded_turn(turns, codings, 1, forward=True) == turns[3]
    assert neighbour_uncoded_turn(turns, codings, 3, forward=True) == turns[3]  # wraps past both questions
    assert neighbour_uncoded_turn(turns, [_coding(0, 40)], None, forward=True) is None


def test_transcript_b_is_what_the_search_tests_assume() -> None:
    assert "fűzfás udvar" in TRANSCRIPT_B and "tanyán" in TRANSCRIPT_B
