"""Repository: typed reads and writes of one project, encrypting at the boundary.

A ``Repo`` wraps one connection inside one transaction and the keyring of the
acting session. Plaintext enters as domain values and leaves as domain values;
only ciphertext and harmless metadata cross into SQL, always as bound parameters.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from workbench.domain.attributes import AttributeDef, AttributeType, AttributeValue
from workbench.domain.models import (
    Code,
    Coding,
    InterviewSummary,
    Participant,
    ProjectInfo,
    Role,
    Segment,
    SegmentKind,
    SpeakerRole,
    Transcript,
    User,
)
from workbench.domain.text import check_span
from workbench.errors import IntegrityError, InvalidInputError, NotFoundError, ShreddedError
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import FieldCipher, Keyring, create_data_key, new_id, utcnow
from workbench.store.sealing import (
    attribute_bind,
    check_manifest,
    coding_bind,
    interview_bind,
    memo_bind,
    open_categories,
    seal_categories_value,
    seal_manifest,
    segment_bind,
)

if TYPE_CHECKING:
    from workbench.store.events import EventRepo

SHREDDED_TITLE = "(shredded interview)"
DAMAGED_TITLE = "(damaged: cannot be read)"


@dataclass(frozen=True)
class SegmentDraft:
    """A segment to store; ``parent`` is the index of its turn in the same batch."""

    kind: SegmentKind
    start: int
    end: int
    role: SpeakerRole
    speaker: str = ""
    time_s: float | None = None
    parent: int | None = None


def code_values(code: Code) -> dict[str, object]:
    """The ``code`` columns a Code sets (all but id, position and deletion)."""
    return {
        "key": code.key,
        "name": code.name,
        "parent_id": code.parent_id,
        "color": code.color,
        "definition": code.definition,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "examples": json.dumps(list(code.examples), ensure_ascii=False),
        "codable": code.codable,
    }


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


class Repo:
    """All project reads and writes for one transaction."""

    def __init__(self, conn: Connection, keyring: Keyring) -> None:
        self.conn = conn
        self.keyring = keyring
        self._changed: set[str] = set()

    @cached_property
    def events(self) -> EventRepo:
        """Life events of this transaction (``store/events.py``)."""
        from workbench.store.events import EventRepo

        return EventRepo(self)

    def touch(self, interview_id: str) -> None:
        """Call before changing an interview's codings or memos: its manifest is sealed again before commit.

        The first touch in a transaction checks the manifest, so a change never blesses rows an
        attacker put back or removed. A shredded interview has nothing left to protect.
        """
        if interview_id in self._changed:
            return
        cipher = self._manifest_cipher(interview_id)
        if cipher is not None:
            check_manifest(self.conn, cipher, interview_id)
            self._changed.add(interview_id)

    def _manifest_cipher(self, interview_id: str) -> FieldCipher | None:
        row = self.conn.execute(
            select(s.interview.c.data_key_id, s.data_key.c.shredded_at)
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .where(s.interview.c.id == interview_id)
        ).one_or_none()
        if row is None or row.shredded_at is not None:
            return None
        return self.keyring.cipher(self.conn, row.data_key_id, f"interview {interview_id[:8]}")

    def seal_manifests(self) -> None:
        """Seal the manifest of every interview touched in this transaction (``Workspace.write`` calls it)."""
        for interview_id in sorted(self._changed):
            cipher = self._manifest_cipher(interview_id)
            if cipher is not None:  # else shredded in the same transaction
                seal_manifest(self.conn, cipher, interview_id)
        self._changed.clear()

    def check_manifest(self, interview_id: str, cipher: FieldCipher) -> None:
        """Check the manifest, unless this transaction changed the interview (it was checked then)."""
        if interview_id not in self._changed:
            check_manifest(self.conn, cipher, interview_id)

    # -- project and users -------------------------------------------------

    def project(self, backend: str) -> ProjectInfo:
        row = self.conn.execute(select(s.project)).one_or_none()
        if row is None:
            raise NotFoundError("The database holds no project record.")
        return ProjectInfo(row.id, row.name, row.language, as_utc(row.created_at), backend)

    def default_user_id(self) -> str | None:
        value = self.conn.execute(select(s.project.c.default_user_id)).scalar_one_or_none()
        return str(value) if value is not None else None

    def add_user(self, name: str, role: Role) -> User:
        taken = self.conn.execute(select(s.app_user.c.id).where(s.app_user.c.name == name)).first()
        if taken is not None:
            raise InvalidInputError(f"The user name {name!r} is or was used in this project; choose another.")
        user = User(new_id(), name, role)
        self.conn.execute(insert(s.app_user).values(id=user.id, name=name, role=role.value, created_at=utcnow()))
        return user

    def users(self) -> list[User]:
        """Current members (removed ones are left out)."""
        rows = self.conn.execute(
            select(s.app_user).where(s.app_user.c.removed_at.is_(None)).order_by(s.app_user.c.name)
        )
        return [User(r.id, r.name, Role(r.role)) for r in rows]

    def user_by_name(self, name: str) -> User | None:
        """A current member by name; removed members are not found."""
        row = self.conn.execute(
            select(s.app_user).where(s.app_user.c.name == name, s.app_user.c.removed_at.is_(None))
        ).one_or_none()
        return None if row is None else User(row.id, row.name, Role(row.role))

    def remove_user(self, user_id: str) -> None:
        """Mark a member removed; rows that name them (codings, imports) keep pointing at them."""
        self.conn.execute(update(s.app_user).where(s.app_user.c.id == user_id).values(removed_at=utcnow()))

    def user_by_id(self, user_id: str) -> User | None:
        row = self.conn.execute(select(s.app_user).where(s.app_user.c.id == user_id)).one_or_none()
        return None if row is None else User(row.id, row.name, Role(row.role))

    # -- participants ------------------------------------------------------

    def define_attribute(self, definition: AttributeDef) -> None:
        existing = self.conn.execute(select(s.attribute_def.c.id).where(s.attribute_def.c.name == definition.name))
        if existing.first() is not None:
            raise InvalidInputError(f"The attribute {definition.name!r} is already defined.")
        position = self.conn.execute(select(func.count()).select_from(s.attribute_def)).scalar_one()
        attr_id = new_id()
        sealed = (
            seal_categories_value(self.conn, self.keyring, attr_id, name=definition.name,
                                  type_=definition.type.value, categories=list(definition.categories))
            if definition.type is AttributeType.CATEGORY else None
        )  # fmt: skip
        self.conn.execute(
            insert(s.attribute_def).values(
                id=attr_id,
                name=definition.name,
                type=definition.type.value,
                categories="[]",  # the allowed values are data about people: sealed in categories_enc
                categories_enc=sealed,
                position=position,
            )
        )

    def attribute_defs(self) -> dict[str, tuple[str, AttributeDef]]:
        """Attribute definitions by name, each with its row id, in display order."""
        rows = self.conn.execute(select(s.attribute_def).order_by(s.attribute_def.c.position)).all()
        return {
            r.name: (r.id, AttributeDef(r.name, AttributeType(r.type), open_categories(self.conn, self.keyring, r)))
            for r in rows
        }

    def add_participant(self, code: str, attributes: dict[str, object]) -> Participant:
        if self.participant_id(code) is not None:
            raise InvalidInputError(f"A participant with the code {code!r} already exists.")
        defs = self.attribute_defs()
        parsed: dict[str, AttributeValue] = {}
        for name, raw in attributes.items():
            if name not in defs:
                raise InvalidInputError(f"{code}: the attribute {name!r} is not defined in this project.")
            parsed[name] = defs[name][1].parse(raw)
        participant_id = new_id()
        key_id = create_data_key(self.conn, self.keyring, "participant")
        self.conn.execute(
            insert(s.participant).values(id=participant_id, code=code, data_key_id=key_id, created_at=utcnow())
        )
        cipher = self.keyring.cipher(self.conn, key_id, f"participant {code}")
        for name, value in parsed.items():
            attr_id, definition = defs[name]
            row_id = f"{participant_id}:{attr_id}"
            self.conn.execute(
                insert(s.participant_attribute).values(
                    participant_id=participant_id,
                    attribute_id=attr_id,
                    value_enc=cipher.seal(
                        "participant_attribute", row_id, "value", definition.encode(value), attribute_bind(code)
                    ),
                )
            )
        return Participant(participant_id, code, dict(parsed))

    def set_participant_attributes(self, code: str, values: Mapping[str, object]) -> None:
        """Replace some attribute values of an existing participant; ``None`` removes a value.

        Each value is sealed again under the participant's own data key, so a
        shredded participant cannot be written to.
        """
        row = self.conn.execute(select(s.participant).where(s.participant.c.code == code)).one_or_none()
        if row is None:
            raise NotFoundError(f"There is no participant {code!r} in this project.")
        defs = self.attribute_defs()
        unknown = sorted(set(values) - set(defs))
        if unknown:
            raise InvalidInputError(f"{code}: the attribute {unknown[0]!r} is not defined in this project.")
        cipher = self.keyring.cipher(self.conn, row.data_key_id, f"participant {code}")
        for name, raw in values.items():
            attr_id, definition = defs[name]
            self.conn.execute(
                delete(s.participant_attribute).where(
                    s.participant_attribute.c.participant_id == row.id,
                    s.participant_attribute.c.attribute_id == attr_id,
                )
            )
            if raw is None:
                continue
            value = definition.parse(raw)
            self.conn.execute(
                insert(s.participant_attribute).values(
                    participant_id=row.id,
                    attribute_id=attr_id,
                    value_enc=cipher.seal("participant_attribute", f"{row.id}:{attr_id}", "value",
                                          definition.encode(value), attribute_bind(code)),
                )
            )  # fmt: skip

    def participant_id(self, code: str) -> str | None:
        value = self.conn.execute(select(s.participant.c.id).where(s.participant.c.code == code)).scalar_one_or_none()
        return str(value) if value is not None else None

    def _interview_counts(self) -> Counter[str]:
        rows = self.conn.execute(select(s.interview.c.participant_id).where(s.interview.c.participant_id.is_not(None)))
        return Counter(r.participant_id for r in rows)

    def participant_codes(self) -> list[Participant]:
        """Participants with their interview counts, without decrypting any attribute."""
        counts = self._interview_counts()
        rows = self.conn.execute(select(s.participant.c.id, s.participant.c.code).order_by(s.participant.c.code))
        return [Participant(r.id, r.code, {}, counts.get(r.id, 0)) for r in rows]

    def participants(self) -> list[Participant]:
        """Participants with their decrypted attributes."""
        defs_by_id = dict(self.attribute_defs().values())
        counts = self._interview_counts()
        values: dict[str, list[tuple[str, bytes]]] = {}
        for row in self.conn.execute(select(s.participant_attribute)):
            values.setdefault(row.participant_id, []).append((row.attribute_id, row.value_enc))
        result = []
        for p in self.conn.execute(select(s.participant).order_by(s.participant.c.code)):
            attrs: dict[str, object] = {}
            pairs = values.get(p.id, [])
            if pairs:
                cipher = self.keyring.cipher(self.conn, p.data_key_id, f"participant {p.code}")
                for attr_id, blob in pairs:
                    definition = defs_by_id[attr_id]
                    stored = cipher.open(
                        "participant_attribute", f"{p.id}:{attr_id}", "value", blob, attribute_bind(p.code)
                    )
                    attrs[definition.name] = definition.decode(stored)
            result.append(Participant(p.id, p.code, attrs, counts.get(p.id, 0)))
        return result

    # -- interviews and segments ------------------------------------------

    def add_interview(
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
        key_id = create_data_key(self.conn, self.keyring, "interview")
        cipher = self.keyring.cipher(self.conn, key_id, f"interview {interview_id[:8]}")
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
        self._changed.add(interview_id)  # new: its (empty) manifest is sealed before commit
        return interview_id

    def _add_segments(self, interview_id: str, cipher: FieldCipher, text: str, drafts: Sequence[SegmentDraft]) -> None:
        ids = [new_id() for _ in drafts]
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

    def resolve_interview(self, ref: str) -> str:
        """Accept a full interview id or a unique prefix of at least four characters."""
        ref = ref.strip().lower()
        if len(ref) < 4:
            raise InvalidInputError("Give at least the first four characters of the interview id.")
        matches = [r.id for r in self.conn.execute(select(s.interview.c.id).where(s.interview.c.id.startswith(ref)))]
        if not matches:
            raise NotFoundError(f"No interview has an id starting with {ref!r}; `workbench status DIR` lists them.")
        if len(matches) > 1:
            raise InvalidInputError(f"The id prefix {ref!r} matches {len(matches)} interviews; give more characters.")
        return str(matches[0])

    def _interview_row(self, interview_id: str) -> Row[Any]:
        row = self.conn.execute(
            select(s.interview, s.data_key.c.shredded_at, s.participant.c.code.label("participant_code"))
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .outerjoin(s.participant, s.participant.c.id == s.interview.c.participant_id)
            .where(s.interview.c.id == interview_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"Interview {interview_id[:8]} does not exist in this project.")
        return row

    def interview_data_key(self, interview_id: str) -> str:
        return str(self._interview_row(interview_id).data_key_id)

    def interview_summaries(self, *, damaged_ok: bool = False) -> list[InterviewSummary]:
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
        if row.shredded_at is not None:
            title = SHREDDED_TITLE
        elif not self.keyring.full:  # a writer's session: titles may identify people
            title = f"Interview {row.id[:8]}"
        else:
            try:
                cipher = self.keyring.cipher(self.conn, row.data_key_id, f"interview {row.id[:8]}")
                title = cipher.open("interview", row.id, "title", row.title_enc, interview_bind(row._mapping))
            except IntegrityError:
                if not damaged_ok:
                    raise
                title = DAMAGED_TITLE
        return title

    def transcript(self, interview_id: str) -> Transcript:
        row = self._interview_row(interview_id)
        summary = self._summary(row)
        if summary.shredded_at is not None:
            raise ShreddedError(f"Interview {interview_id[:8]}", summary.shredded_at.date().isoformat())
        cipher = self.keyring.cipher(self.conn, row.data_key_id, f"interview {interview_id[:8]}")
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

    def segment_counts(self) -> Counter[str]:
        rows = self.conn.execute(
            select(s.segment.c.interview_id, func.count())
            .where(s.segment.c.kind == SegmentKind.TURN.value)
            .group_by(s.segment.c.interview_id)
        )
        return Counter({r[0]: r[1] for r in rows})

    # -- codebook ----------------------------------------------------------

    def add_code(self, code: Code, position: int) -> None:
        self.conn.execute(insert(s.code).values(id=code.id, position=position, **code_values(code)))

    def codes(self) -> list[Code]:
        rows = self.conn.execute(select(s.code).where(s.code.c.deleted_at.is_(None)).order_by(s.code.c.position))
        return [
            Code(
                id=r.id,
                name=r.name,
                parent_id=r.parent_id,
                color=r.color,
                definition=r.definition,
                inclusion=r.inclusion,
                exclusion=r.exclusion,
                examples=tuple(json.loads(r.examples)),
                codable=bool(r.codable),
                key=r.key,
            )
            for r in rows
        ]

    def add_codebook_version(self, author_id: str, summary: str, snapshot: object) -> int:
        current = self.codebook_version()
        self.conn.execute(
            insert(s.codebook_version).values(
                version=current + 1,
                author_id=author_id,
                created_at=utcnow(),
                summary=summary,
                snapshot=json.dumps(snapshot, ensure_ascii=False, sort_keys=True),
            )
        )
        return current + 1

    def codebook_version(self) -> int:
        value = self.conn.execute(select(func.max(s.codebook_version.c.version))).scalar_one_or_none()
        return int(value or 0)

    # -- codings and memos -------------------------------------------------

    def add_coding(
        self,
        transcript: Transcript,
        code_id: str,
        coder_id: str,
        start: int,
        end: int,
        *,
        memo: str | None = None,
        suggested: bool = False,
    ) -> Coding:
        check_span(len(transcript.text), start, end)
        interview_id = transcript.summary.id
        cipher = self.keyring.cipher(self.conn, self.interview_data_key(interview_id), f"interview {interview_id[:8]}")
        coding_id = new_id()
        now = utcnow()
        quote = transcript.text[start:end]
        values: dict[str, Any] = {"id": coding_id, "interview_id": interview_id, "code_id": code_id,
                                  "coder_id": coder_id, "start": start, "end": end, "suggested": suggested}  # fmt: skip
        bind = coding_bind(values)
        self.touch(interview_id)
        self.conn.execute(
            insert(s.coding).values(
                **values,
                created_at=now,
                text_enc=cipher.seal("coding", coding_id, "text", quote, bind),
                memo_enc=cipher.seal("coding", coding_id, "memo", memo, bind) if memo else None,
            )
        )
        coder = self.user_by_id(coder_id)
        return Coding(
            coding_id, interview_id, code_id, coder.name if coder else "?", start, end, quote, now, memo, suggested
        )

    def codings(self, interview_id: str) -> list[Coding]:
        key_id = self.interview_data_key(interview_id)
        cipher = self.keyring.cipher(self.conn, key_id, f"interview {interview_id[:8]}")
        rows = self.conn.execute(
            select(s.coding, s.app_user.c.name.label("coder_name"))
            .join(s.app_user, s.app_user.c.id == s.coding.c.coder_id)
            .where(s.coding.c.interview_id == interview_id)
            .order_by(s.coding.c.start, s.coding.c.end)
        ).all()
        self.check_manifest(interview_id, cipher)
        return [
            Coding(
                id=r.id,
                interview_id=r.interview_id,
                code_id=r.code_id,
                coder=r.coder_name,
                start=r.start,
                end=r.end,
                text=cipher.open("coding", r.id, "text", r.text_enc, coding_bind(r._mapping)),
                created_at=as_utc(r.created_at),
                memo=cipher.open("coding", r.id, "memo", r.memo_enc, coding_bind(r._mapping))
                if r.memo_enc is not None
                else None,
                suggested=bool(r.suggested),
            )
            for r in rows
        ]

    def coding_counts(self) -> tuple[Counter[str], Counter[str], Counter[str]]:
        """Codings per interview, per coder name and per code id (no decryption needed)."""
        rows = self.conn.execute(
            select(s.coding.c.interview_id, s.app_user.c.name, s.coding.c.code_id).join(
                s.app_user, s.app_user.c.id == s.coding.c.coder_id
            )
        ).all()
        return Counter(r[0] for r in rows), Counter(r[1] for r in rows), Counter(r[2] for r in rows)

    def add_memo(self, interview_id: str, author_id: str, text: str) -> str:
        cipher = self.keyring.cipher(self.conn, self.interview_data_key(interview_id), f"interview {interview_id[:8]}")
        memo_id = new_id()
        self.touch(interview_id)
        self.conn.execute(
            insert(s.memo).values(
                id=memo_id,
                interview_id=interview_id,
                author_id=author_id,
                created_at=utcnow(),
                text_enc=cipher.seal("memo", memo_id, "text", text, memo_bind(
                    {"interview_id": interview_id, "author_id": author_id})),
            )
        )  # fmt: skip
        return memo_id

    def memos(self, interview_id: str) -> list[tuple[str, str, dt.datetime]]:
        """(author, text, time) of each memo on an interview."""
        cipher = self.keyring.cipher(self.conn, self.interview_data_key(interview_id), f"interview {interview_id[:8]}")
        rows = self.conn.execute(
            select(s.memo, s.app_user.c.name.label("author"))
            .join(s.app_user, s.app_user.c.id == s.memo.c.author_id)
            .where(s.memo.c.interview_id == interview_id)
            .order_by(s.memo.c.created_at)
        ).all()
        self.check_manifest(interview_id, cipher)
        return [
            (r.author, cipher.open("memo", r.id, "text", r.text_enc, memo_bind(r._mapping)), as_utc(r.created_at))
            for r in rows
        ]
