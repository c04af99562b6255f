"""Adding and reading transcripts.

Import from files (formats, encodings, hostile input) builds on ``add_transcript``;
this module owns the invariant that text is NFC-normalised once, segmented, and
stored encrypted with its segments in a single transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.models import Code, Coding, InterviewSummary, Transcript
from workbench.domain.permissions import Action, require
from workbench.domain.text import normalize
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.nlp.segment import segment_transcript
from workbench.services.visibility import coders_visible_to
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo


@dataclass(frozen=True)
class TranscriptView:
    """Everything the transcript page shows for one interview."""

    transcript: Transcript
    codings: list[Coding]
    codes: dict[str, Code]
    memos: list[tuple[str, str, str]]


def add_transcript(
    ws: Workspace,
    text: str,
    *,
    title: str,
    language: str | None = None,
    participant_code: str | None = None,
    wave: int | None = None,
    source_format: str = "txt",
) -> str:
    """Store one transcript with its turns and sentences; returns the interview id."""
    require(ws.user, Action.IMPORT)
    with ws.write() as repo:
        return add_transcript_in(ws, repo, text, title=title, language=language, participant_code=participant_code,
                                 wave=wave, source_format=source_format)  # fmt: skip


def add_transcript_in(
    ws: Workspace,
    repo: Repo,
    text: str,
    *,
    title: str,
    language: str | None,
    participant_code: str | None,
    wave: int | None,
    source_format: str,
) -> str:
    """``add_transcript`` inside a transaction the caller already holds."""
    text = normalize(text)
    if not text.strip():
        raise InvalidInputError(_("{title}: the transcript is empty.").format(title=title))
    language = language or ws.project.language
    participant_id = None
    if participant_code:
        participant_id = repo.participants.id_of(participant_code)
        if participant_id is None:
            raise NotFoundError(
                _("There is no participant {participant_code!r}; add the participant first.").format(
                    participant_code=participant_code
                )
            )
    segments = segment_transcript(text, language)
    interview_id = repo.interviews.add(
        title=normalize(title),
        text=text,
        language=language,
        source_format=source_format,
        imported_by=ws.user.id,
        segments=segments,
        participant_id=participant_id,
        wave=wave,
    )
    ws.audit(repo, "transcript imported", "interview", interview_id, chars=len(text), segments=len(segments))
    return interview_id


def list_interviews(ws: Workspace) -> list[InterviewSummary]:
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return repo.interviews.summaries()


def view_transcript(ws: Workspace, interview_ref: str) -> TranscriptView:
    """Decrypt one transcript with its codings and memos; the viewing is audited.

    Blind coding applies here as on the Code page: a researcher coding blind sees only their
    own codings (and the memos on them), or reading a transcript would reveal the other coder's
    judgements before the comparison is opened.
    """
    require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.write() as repo:
        interview_id = repo.interviews.resolve(interview_ref)
        transcript = repo.interviews.transcript(interview_id)
        codings = repo.codings.of_interview(interview_id)
        codes = {c.id: c for c in repo.codebook.codes()}
        memos = [
            (memo.author, memo.text, memo.created_at.isoformat(timespec="minutes"))
            for memo in repo.memos.of_interview(interview_id)
        ]
        ws.audit(repo, "transcript viewed", "interview", interview_id)
    if visible is not None:
        codings = [c for c in codings if c.coder in visible]
    return TranscriptView(transcript, codings, codes, memos)
