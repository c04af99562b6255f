"""Coding: applying codes to spans, whole turns and sentences; removing, adjusting, memos.

Every change checks the role (``Action.CODE``), records the acting user as the coder and
writes an audit entry in the same transaction; audit entries name ids, codes and offsets,
never text. Researchers may change only their own codings and memos (their judgement is what
agreement measures); leads and admins may change anyone's, for example to clean up after a
coder left. Offsets are code points over the NFC transcript, end exclusive, checked here
before anything is written.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.domain.models import Code, Coding, Segment, SpeakerRole, Transcript
from workbench.domain.permissions import Action, may_change_coding, may_delete_memo, require
from workbench.domain.records import CodingRecord, InterviewMemo
from workbench.domain.text import check_span
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.i18n import gettext as _
from workbench.services.visibility import coders_visible_to
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

MAX_MEMO_CHARS = 20_000


@dataclass(frozen=True)
class InterviewCodings:
    """The codings a user may see on one interview, and the interview's memos."""

    codings: list[Coding]
    memos: list[InterviewMemo]


# -- reading -------------------------------------------------------------------


def open_for_coding(ws: Workspace, interview_ref: str) -> Transcript:
    """Decrypt one transcript with its segments for the Code page; the opening is audited."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.write() as repo:
        interview_id = repo.interviews.resolve(interview_ref)
        transcript = repo.interviews.transcript(interview_id)
        ws.audit(repo, "transcript viewed", "interview", interview_id, purpose="coding")
    return transcript


def interview_codings(ws: Workspace, interview_id: str) -> InterviewCodings:
    """Codings visible to the user (blind mode: only their own) and the interview memos."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.read() as repo:
        codings = repo.codings.of_interview(interview_id)
        memos = repo.memos.of_interview(interview_id)
    if visible is not None:
        codings = [c for c in codings if c.coder in visible]
    return InterviewCodings(codings, memos)


def codebook(ws: Workspace) -> list[Code]:
    """The project's codes in codebook order (groups included, so the tree can be shown)."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        return repo.codebook.codes()


# -- applying codes --------------------------------------------------------------


def add_coding(
    ws: Workspace, interview_ref: str, code_id: str, start: int, end: int, *, memo: str | None = None
) -> Coding:
    """Code ``[start, end)`` (code points) of an interview for the acting user."""
    added = apply_codes(ws, interview_ref, [code_id], start, end, memo=memo)
    return added[0]


def apply_codes(
    ws: Workspace,
    interview_ref: str,
    code_ids: Sequence[str],
    start: int,
    end: int,
    *,
    memo: str | None = None,
) -> list[Coding]:
    """Apply one or more codes to one span in one transaction.

    A code the user already applied to exactly this span is passed over (the schema allows
    one such coding per coder); if every code was already applied, that is an error, so a
    double click never looks like success.
    """
    require(ws.user, Action.CODE)
    memo = _clean_memo(memo)
    with ws.write() as repo:
        interview_id = repo.interviews.resolve(interview_ref)
        codes = codable_codes(repo, code_ids)
        text = repo.interviews.text(interview_id)
        check_span(len(text), start, end)
        added = insert_new_codings(ws, repo, interview_id, text, [(c.id, start, end) for c in codes], memo=memo)
        if not added:
            raise InvalidInputError(_("You already applied these codes to exactly this span."))
        detail = {"interview": interview_id, "start": start, "end": end}
        ws.audit_many(repo, [("coding added", "coding", c.id, {**detail, "code": c.code_id}) for c in added])
    return added


def code_segment(ws: Workspace, segment_id: str, code_ids: Sequence[str]) -> list[Coding]:
    """Apply codes to a whole speaker turn or sentence, chosen by its segment id."""
    require(ws.user, Action.CODE)
    with ws.read() as repo:
        interview_id, _kind, start, end = repo.interviews.segment_span(segment_id)
    return apply_codes(ws, interview_id, code_ids, start, end)


def insert_new_codings(
    ws: Workspace,
    repo: Repo,
    interview_id: str,
    text: str,
    spans: Sequence[tuple[str, int, int]],
    *,
    memo: str | None = None,
) -> list[Coding]:
    existing = repo.codings.existing_keys(interview_id, ws.user.id)
    fresh = [span for span in dict.fromkeys(spans) if span not in existing]
    return repo.codings.add_many(interview_id, text, ws.user, fresh, memo=memo)


def codable_codes(repo: Repo, code_ids: Sequence[str]) -> list[Code]:
    """The codes to apply, in the order given, each checked to exist and to be codable."""
    if not code_ids:
        raise InvalidInputError(_("Choose at least one code to apply."))
    codes = {c.id: c for c in repo.codebook.codes()}
    chosen = []
    for code_id in dict.fromkeys(code_ids):
        code = codes.get(code_id)
        if code is None:
            raise NotFoundError(_("There is no code with the id {code_id}.").format(code_id=code_id))
        if not code.codable:
            raise InvalidInputError(
                _("{code_name!r} is a grouping node; apply one of its sub-codes.").format(code_name=code.name)
            )
        chosen.append(code)
    return chosen


# -- changing codings ---------------------------------------------------------------


def remove_coding(ws: Workspace, coding_id: str) -> None:
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        record = _changeable(ws, repo, coding_id)
        repo.codings.delete(coding_id)
        ws.audit(repo, "coding removed", "coding", coding_id, interview=record.interview_id, code=record.code_id)


def adjust_coding(ws: Workspace, coding_id: str, start: int, end: int) -> None:
    """Move a coding's span (for example to include the end of a sentence); its quote follows."""
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        record = _changeable(ws, repo, coding_id)
        text = repo.interviews.text(record.interview_id)
        check_span(len(text), start, end)
        if (start, end) == (record.start, record.end):
            return
        if (record.code_id, start, end) in repo.codings.existing_keys(record.interview_id, record.coder_id):
            raise InvalidInputError(_("This coder already applied the same code to exactly that span."))
        repo.codings.update_span(record, text, start, end)
        ws.audit(repo, "coding adjusted", "coding", coding_id, interview=record.interview_id,
                 before=[record.start, record.end], after=[start, end])  # fmt: skip


def set_coding_memo(ws: Workspace, coding_id: str, memo: str | None) -> None:
    """Write, replace or (with an empty memo) clear the memo on a coding; it is stored encrypted."""
    require(ws.user, Action.CODE)
    memo = _clean_memo(memo)
    with ws.write() as repo:
        record = _changeable(ws, repo, coding_id)
        repo.codings.set_memo(record, memo)
        ws.audit(repo, "coding memo set" if memo else "coding memo cleared", "coding", coding_id,
                 interview=record.interview_id)  # fmt: skip


def _changeable(ws: Workspace, repo: Repo, coding_id: str) -> CodingRecord:
    record = repo.codings.record(coding_id)
    if not may_change_coding(ws.user, record.coder_id):
        raise PermissionDeniedError(
            _("{user_name} is a researcher and may change only their own codings; ask a lead.").format(
                user_name=ws.user.name
            )
        )
    return record


# -- interview memos ----------------------------------------------------------------


def add_interview_memo(ws: Workspace, interview_ref: str, text: str) -> str:
    """Add an encrypted memo to an interview; returns its id."""
    require(ws.user, Action.CODE)
    memo = _clean_memo(text)
    if memo is None:
        raise InvalidInputError(_("The memo is empty."))
    with ws.write() as repo:
        interview_id = repo.interviews.resolve(interview_ref)
        repo.interviews.text(interview_id)  # refuses a shredded interview
        memo_id = repo.memos.add(interview_id, ws.user.id, memo)
        ws.audit(repo, "memo added", "memo", memo_id, interview=interview_id)
    return memo_id


def delete_interview_memo(ws: Workspace, memo_id: str) -> None:
    """Delete a memo: researchers their own, leads and admins any."""
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        author_id, interview_id = repo.memos.author_of(memo_id)
        if not may_delete_memo(ws.user, author_id):
            raise PermissionDeniedError(
                _("{user_name} may delete only their own memos; ask a lead.").format(user_name=ws.user.name)
            )
        repo.memos.delete(memo_id)
        ws.audit(repo, "memo deleted", "memo", memo_id, interview=interview_id or "")


def _clean_memo(memo: str | None) -> str | None:
    if memo is None or not memo.strip():
        return None
    if len(memo) > MAX_MEMO_CHARS:
        raise InvalidInputError(
            _("A memo may hold at most {MAX_MEMO_CHARS:,} characters.").format(MAX_MEMO_CHARS=MAX_MEMO_CHARS)
        )
    return memo.strip()


# -- moving through a transcript --------------------------------------------------------


def codable_turns(turns: Sequence[Segment]) -> list[Segment]:
    """The turns there is something to code in: every turn but the interviewer's questions."""
    return [t for t in turns if t.role is not SpeakerRole.INTERVIEWER]


def uncoded_turns(turns: Sequence[Segment], codings: Sequence[Coding]) -> list[Segment]:
    """Codable turns that no (visible) coding touches, in order: what is left to code.

    Interviewer questions are left out: counting them made the "turns uncoded" figure never
    reach zero, and "Next uncoded" landed on questions nobody codes.
    """
    covered: list[list[int]] = []  # disjoint, sorted spans covered by at least one coding
    for start, end in sorted((c.start, c.end) for c in codings):
        if covered and start <= covered[-1][1]:
            covered[-1][1] = max(covered[-1][1], end)
        else:
            covered.append([start, end])
    starts = [span[0] for span in covered]
    result = []
    for turn in sorted(codable_turns(turns), key=lambda t: t.start):
        index = bisect.bisect_left(starts, turn.end) - 1  # the last covered span starting before the turn ends
        if index < 0 or covered[index][1] <= turn.start:
            result.append(turn)
    return result


def neighbour_uncoded_turn(
    turns: Sequence[Segment], codings: Sequence[Coding], position: int | None, *, forward: bool
) -> Segment | None:
    """The next (or previous) uncoded turn after (before) turn ``position``; wraps around."""
    candidates = uncoded_turns(turns, codings)
    if not candidates:
        return None
    if position is None:
        return candidates[0] if forward else candidates[-1]
    if forward:
        return next((t for t in candidates if t.position > position), candidates[0])
    return next((t for t in reversed(candidates) if t.position < position), candidates[-1])
