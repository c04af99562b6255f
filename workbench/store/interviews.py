"""Interviews, their segments (turns and sentences) and transcripts.

An interview's title, text, segment texts and speakers are sealed under the interview's own
data key, bound to the clear-text columns that give them meaning (``workbench.store.sealing``);
shredding that key makes all of it unreadable. Segment offsets stay in the clear, so counting
and comparing spans never opens a transcript.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, func, insert, select

from workbench.domain.models import InterviewSummary, Segment, SegmentKind, SpeakerRole, Transcript
from workbench.domain.records import SegmentDraft, SegmentText
from workbench.domain.text import check_span
from workbench.errors import IntegrityError, InvalidInputError, NotFoundError, ShreddedError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import FieldCipher, create_data_key, new_id, ordered_id, utcnow
from workbench.store.sealing import interview_bind, segment_bind

if TYPE_CHECKING:
    from workbench.store.repo import Repo

SHREDDED_TITLE = "(shredded interview)"
DAMAGED_TITLE = "(damaged: cannot be read)"


def segment_from_row(row: Row[Any], cipher: FieldCipher) -> Segment:
    """Decrypt one ``segment`` row with its interview's cipher."""
    bind = segment_bind(row._mapping)
    return Segment(
        id=row.id,
        kind=SegmentKind(row.kind),
        position=row.position,
        start=row.start,
        end=row.end,
        role=SpeakerRole(row.speaker_role),
        speaker=cipher.open("segment", row.id, "speaker", row.speaker_enc, bind),
        text=cipher.open("segment", row.id, "text", row.text_enc, bind),
        parent_id=row.parent_id,
        time_s=row.time_s,
    )


class InterviewRepo:
    """Reads and writes of interviews, segments and transcripts inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    # -- keys --------------------------------------------------------------------------------

    def data_key_id(self, interview_id: str) -> str:
        """One column: fetching the whole row would read the interview's text blob for nothing."""
        key_id = self.conn.execute(
            select(s.interview.c.data_key_id).where(s.interview.c.id == interview_id)
        ).scalar_one_or_none()
        if key_id is None:
            raise NotFoundError(
                _("Interview {interview_id} does not exist in this project.").format(interview_id=interview_id[:8])
            )
        return str(key_id)

    def cipher(self, interview_id: str) -> FieldCipher:
        """The cipher of the interview's data key: its codings, memos and detections use it too."""
        return self.repo.keyring.cipher(self.conn, self.data_key_id(interview_id), f"interview {interview_id[:8]}")

    # -- writes ------------------------------------------------------------------------------

    def add(
        self,
        *,
        title: str,
        text: str,
        language: str,
        source_format: str,
        imported_by: str,
        segments: Sequence[SegmentDraft],
        participant_id: str | None = None,
        wave: int | None = None,
    ) -> str:
        interview_id = new_id()
        key_id = create_data_key(self.conn, self.repo.keyring, "interview")
        cipher = self.repo.keyring.cipher(self.conn, key_id, f"interview {interview_id[:8]}")
        bind = interview_bind({"participant_id": participant_id, "language": language, "wave": wave})
        self.conn.execute(
            insert(s.interview).values(
                id=interview_id,
                participant_id=participant_id,
                data_key_id=key_id,
                language=language,
                wave=wave,
                source_format=source_format,
                char_count=len(text),
                imported_at=utcnow(),
                imported_by=imported_by,
                title_enc=cipher.seal("interview", interview_id, "title", title, bind),
                text_enc=cipher.seal("interview", interview_id, "text", text, bind),
            )
        )
        self._add_segments(interview_id, cipher, text, segments)
        self.repo.created(interview_id)
        return interview_id

    def _add_segments(self, interview_id: str, cipher: FieldCipher, text: str, drafts: Sequence[SegmentDraft]) -> None:
        ids = [ordered_id() for _ in drafts]
        positions: Counter[str] = Counter()
        rows = []
        for seg_id, draft in zip(ids, drafts, strict=True):
            check_span(len(text), draft.start, draft.end)
            position = positions[draft.kind.value]
            positions[draft.kind.value] += 1
            values: dict[str, Any] = {
                "id": seg_id,
                "interview_id": interview_id,
                "kind": draft.kind.value,
                "parent_id": ids[draft.parent] if draft.parent is not None else None,
                "position": position,
                "start": draft.start,
                "end": draft.end,
                "speaker_role": draft.role.value,
                "time_s": draft.time_s,
            }
            bind = segment_bind(values)
            values["speaker_enc"] = cipher.seal("segment", seg_id, "speaker", draft.speaker, bind)
            values["text_enc"] = cipher.seal("segment", seg_id, "text", text[draft.start : draft.end], bind)
            rows.append(values)
        # Turns first, so that sentences' parent rows exist when foreign keys are checked.
        rows.sort(key=lambda r: r["kind"] != SegmentKind.TURN.value)
        if rows:
            self.conn.execute(insert(s.segment), rows)

    # -- interviews --------------------------------------------------------------------------

    def unshredded_of(self, participant_id: str) -> list[str]:
        """Ids of a participant's interviews whose data key still exists."""
        rows = self.conn.execute(
            select(s.interview.c.id)
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .where(s.interview.c.participant_id == participant_id, s.data_key.c.shredded_at.is_(None))
        )
        return [str(r.id) for r in rows]

    def resolve(self, ref: str) -> str:
        """Accept a full interview id or a unique prefix of at least four characters."""
        ref = ref.strip().lower()
        if len(ref) < 4:
            raise InvalidInputError(_("Give at least the first four characters of the interview id."))
        matches = [r.id for r in self.conn.execute(select(s.interview.c.id).where(s.interview.c.id.startswith(ref)))]
        if not matches:
            raise NotFoundError(
                _("No interview has an id starting with {ref!r}; `workbench status DIR` lists them.").format(ref=ref)
            )
        if len(matches) > 1:
            raise InvalidInputError(
                _("The id prefix {ref!r} matches {n_matches} interviews; give more characters.").format(
                    ref=ref, n_matches=len(matches)
                )
            )
        return str(matches[0])

    def _row(self, interview_id: str) -> Row[Any]:
        row = self.conn.execute(
            select(s.interview, s.data_key.c.shredded_at, s.participant.c.code.label("participant_code"))
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .outerjoin(s.participant, s.participant.c.id == s.interview.c.participant_id)
            .where(s.interview.c.id == interview_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(
                _("Interview {interview_id} does not exist in this project.").format(interview_id=interview_id[:8])
            )
        return row

    def summaries(self, *, damaged_ok: bool = False) -> list[InterviewSummary]:
        """Every interview; with ``damaged_ok`` one whose title does not authenticate is listed as damaged.

        A status overview must go on past one damaged row (the rest stays readable); reading
        the damaged interview itself still fails with the integrity message.
        """
        rows = self.conn.execute(
            select(s.interview, s.data_key.c.shredded_at, s.participant.c.code.label("participant_code"))
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .outerjoin(s.participant, s.participant.c.id == s.interview.c.participant_id)
            .order_by(s.interview.c.imported_at, s.interview.c.id)
        )
        return [self._summary(row, damaged_ok=damaged_ok) for row in rows]

    def _summary(self, row: Row[Any], *, damaged_ok: bool = False) -> InterviewSummary:
        title = self._title(row, damaged_ok)
        return InterviewSummary(
            id=row.id,
            title=title,
            participant_code=row.participant_code,
            language=row.language,
            wave=row.wave,
            char_count=row.char_count,
            imported_at=as_utc(row.imported_at),
            shredded_at=as_utc(row.shredded_at) if row.shredded_at is not None else None,
        )

    def _title(self, row: Row[Any], damaged_ok: bool) -> str:
        keyring = self.repo.keyring
        if row.shredded_at is not None:
            title = SHREDDED_TITLE
        elif not keyring.full:  # a writer's session: titles may identify people
            title = f"Interview {row.id[:8]}"
        else:
            try:
                cipher = keyring.cipher(self.conn, row.data_key_id, f"interview {row.id[:8]}")
                title = cipher.open("interview", row.id, "title", row.title_enc, interview_bind(row._mapping))
            except IntegrityError:
                if not damaged_ok:
                    raise
                title = DAMAGED_TITLE
        return title

    def summary(self, interview_id: str) -> InterviewSummary:
        """One interview's summary (its title decrypted), without its text or segments."""
        return self._summary(self._row(interview_id))

    def transcript(self, interview_id: str) -> Transcript:
        row = self._row(interview_id)
        summary = self._summary(row)
        if summary.shredded_at is not None:
            raise ShreddedError(f"Interview {interview_id[:8]}", summary.shredded_at.date().isoformat())
        cipher = self.repo.keyring.cipher(self.conn, row.data_key_id, f"interview {interview_id[:8]}")
        text = cipher.open("interview", row.id, "text", row.text_enc, interview_bind(row._mapping))
        segments = [
            segment_from_row(r, cipher)
            for r in self.conn.execute(
                select(s.segment)
                .where(s.segment.c.interview_id == interview_id)
                .order_by(s.segment.c.kind.desc(), s.segment.c.position)
            )
        ]
        return Transcript(summary, text, segments)

    def text(self, interview_id: str) -> str:
        """The decrypted text alone: applying a coding needs no segments, speakers or title."""
        row = self.conn.execute(
            select(
                s.interview.c.text_enc,
                s.interview.c.participant_id,
                s.interview.c.language,
                s.interview.c.wave,
                s.data_key.c.shredded_at,
            )
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .where(s.interview.c.id == interview_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(
                _("Interview {interview_id} does not exist in this project.").format(interview_id=interview_id[:8])
            )
        if row.shredded_at is not None:
            raise ShreddedError(f"Interview {interview_id[:8]}", as_utc(row.shredded_at).date().isoformat())
        return self.cipher(interview_id).open("interview", interview_id, "text", row.text_enc,
                                              interview_bind(row._mapping))  # fmt: skip

    def importers(self) -> dict[str, str]:
        """Interview id -> id of the user who imported it."""
        rows = self.conn.execute(select(s.interview.c.id, s.interview.c.imported_by))
        return {r.id: r.imported_by for r in rows}

    def readable(self, interview_ids: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """(id, data key id) of the interviews that are not shredded, optionally limited to some ids."""
        query = (
            select(s.interview.c.id, s.interview.c.data_key_id)
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .where(s.data_key.c.shredded_at.is_(None))
            .order_by(s.interview.c.imported_at, s.interview.c.id)
        )
        if interview_ids is not None:
            query = query.where(s.interview.c.id.in_(list(interview_ids)))
        return [(r.id, r.data_key_id) for r in self.conn.execute(query)]

    # -- segments ----------------------------------------------------------------------------

    def segment_counts(self) -> Counter[str]:
        """Turns per interview (no decryption needed)."""
        rows = self.conn.execute(
            select(s.segment.c.interview_id, func.count())
            .where(s.segment.c.kind == SegmentKind.TURN.value)
            .group_by(s.segment.c.interview_id)
        )
        return Counter({r[0]: r[1] for r in rows})

    def segment_spans(self, kind: SegmentKind) -> dict[str, list[tuple[int, int]]]:
        """Every interview's segments of one kind, as (start, end) in transcript order.

        Offsets are stored in the clear: agreement by segment units, co-occurrence by turn and
        coding progress use them without opening any transcript.
        """
        rows = self.conn.execute(
            select(s.segment.c.interview_id, s.segment.c.start, s.segment.c.end)
            .where(s.segment.c.kind == kind.value)
            .order_by(s.segment.c.interview_id, s.segment.c.position)
        )
        spans: dict[str, list[tuple[int, int]]] = {}
        for interview_id, start, end in rows.all():
            spans.setdefault(interview_id, []).append((start, end))
        return spans

    def segments_of_kind(self, kind: SegmentKind, interview_ids: Sequence[str] | None = None) -> list[SegmentText]:
        """Decrypt every segment of one kind in the readable interviews (in memory only, never cached)."""
        result: list[SegmentText] = []
        for interview_id, key_id in self.readable(interview_ids):
            cipher = self.repo.keyring.cipher(self.conn, key_id, f"interview {interview_id[:8]}")
            rows = self.conn.execute(
                select(s.segment)
                .where(s.segment.c.interview_id == interview_id, s.segment.c.kind == kind.value)
                .order_by(s.segment.c.position)
            )
            result.extend(SegmentText(interview_id, segment_from_row(r, cipher)) for r in rows)
        return result

    def segment_span(self, segment_id: str) -> tuple[str, SegmentKind, int, int]:
        """(interview id, kind, start, end) of a segment, without decrypting it."""
        row = self.conn.execute(
            select(s.segment.c.interview_id, s.segment.c.kind, s.segment.c.start, s.segment.c.end).where(
                s.segment.c.id == segment_id
            )
        ).first()
        if row is None:
            raise NotFoundError(
                _("There is no turn or sentence with the id {segment_id}.").format(segment_id=segment_id[:8])
            )
        return str(row.interview_id), SegmentKind(row.kind), int(row.start), int(row.end)

    def participant_segments(self, interview_ids: Sequence[str], kind: str) -> list[tuple[str, int, int, str]]:
        """(interview id, start, end, text) of every participant segment of ``kind``, interviews in the
        given order, segments in transcript order.

        A theme run needs only these texts: reading whole transcripts (``transcript``) also
        decrypts every interviewer turn, sentence, speaker name and title, which made that part of a
        re-run several times slower. Plaintext stays in memory only.
        """
        if not interview_ids:
            return []
        seg = s.segment
        rows = self.conn.execute(
            select(seg, s.interview.c.data_key_id)
            .join(s.interview, s.interview.c.id == seg.c.interview_id)
            .where(
                seg.c.interview_id.in_(list(interview_ids)),
                seg.c.kind == kind,
                seg.c.speaker_role == SpeakerRole.PARTICIPANT.value,
            )
            .order_by(seg.c.interview_id, seg.c.position)
        ).all()
        by_interview: dict[str, list[tuple[str, int, int, str]]] = {}
        for row in rows:
            cipher = self.repo.keyring.cipher(self.conn, row.data_key_id, f"interview {row.interview_id[:8]}")
            text = cipher.open("segment", row.id, "text", row.text_enc, segment_bind(row._mapping))
            by_interview.setdefault(row.interview_id, []).append((row.interview_id, row.start, row.end, text))
        return [item for iid in interview_ids for item in by_interview.get(iid, [])]
