"""Inter-coder agreement of a project, and the side-by-side comparison of coders (leads and admins).

``agreement_report`` turns the codings into binary units, one set per code: a unit is a segment
(speaker turn or sentence; coded if a coding of the code overlaps it) or a character. They are
counted by who judged and who coded each unit (``binary.BinaryTally``), which gives the same
figures as the coders x units reliability matrix without building one. A
coder who made no coding at all in an interview is *missing* there, not "coded nothing", so an
interview only one person has coded yet does not count as disagreement. Every code is reported
twice: over all units, and over only the units somebody coded with that code, because agreement on
text nobody coded would otherwise inflate the numbers. The overall figures pool all codes' units.
The statistics themselves are in ``workbench.analysis.agreement``; ``docs/agreement.md`` has the
formulas.

``compare_coders`` groups the overlapping codings of one code and shows each coder's spans side by
side with the text; it decrypts transcripts and so records an audit entry (ids and counts only).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from workbench.analysis import agreement_counts as binary
from workbench.analysis.spans import context, overlapping_groups, segment_ranges
from workbench.domain.analysis import (
    AgreementMeasures,
    AgreementReport,
    AgreementUnit,
    CodeAgreement,
    CodeComparison,
    CoderSpan,
    ComparisonPassage,
)
from workbench.domain.models import Code, Coding, SegmentKind
from workbench.domain.permissions import Action, require
from workbench.domain.records import CodingMeta
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.services.retrieval import VisibleCodings, verified_codings
from workbench.services.visibility import coders_visible_to
from workbench.services.workspace import Workspace


def agreement_report(
    ws: Workspace,
    *,
    coders: Sequence[str] | None = None,
    unit: AgreementUnit = AgreementUnit.SEGMENT,
    segment_kind: SegmentKind = SegmentKind.TURN,
    snapshot: VisibleCodings | None = None,
) -> AgreementReport:
    """Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha, per code and overall.

    ``coders`` defaults to everyone who has codings; at least two are needed.
    """
    require(ws.user, Action.VIEW_AGREEMENT)
    visible = coders_visible_to(ws)
    with ws.read() as repo:
        data = verified_codings(ws, repo, visible, snapshot)
        segments = repo.interviews.segment_spans(segment_kind) if unit is AgreementUnit.SEGMENT else {}
    chosen = choose_coders(data, coders)
    used_ids = {x.code_id for x in data.all() if x.coder in chosen}
    used = [c for c in data.codes if c.id in used_ids]
    per_code = _all_code_tallies(data, [c.id for c in used], chosen, unit, segments)
    results = tuple(
        CodeAgreement(code.id, code.name, binary.binary_measures(per_code[code.id]), _coded_only(per_code[code.id]))
        for code in used
    )
    pooled = binary.BinaryTally(len(chosen))
    for counts in per_code.values():
        pooled.update(counts)
    return AgreementReport(
        unit=unit,
        segment_kind=segment_kind.value if unit is AgreementUnit.SEGMENT else None,
        coders=chosen,
        interviews=sum(1 for i in data.interviews if len(_coders_in(data.codings[i.id], chosen)) >= 2),
        codes=results,
        overall_with_uncoded=binary.binary_measures(pooled),
        overall_coded_only=_coded_only(pooled),
    )


def _coded_only(counts: binary.BinaryTally) -> AgreementMeasures:
    """Percent agreement over coded units only; kappa and alpha are left out on purpose.

    Without the units nobody coded, "not coded" is never agreed on, so kappa and alpha of binary
    data are at most 0 by construction (docs/agreement.md shows why): a number, but not a finding.
    """
    kept = counts.coded_only()
    return AgreementMeasures(
        units=binary.binary_pairable_units(kept), percent=binary.binary_percent(kept), kappa=None, alpha=None
    )


def choose_coders(data: VisibleCodings, coders: Sequence[str] | None) -> tuple[str, ...]:
    """The coders to compare: the given ones (checked) or everyone with visible codings."""
    present = sorted({c.coder for c in data.all()})
    if coders is None:
        chosen = present
    else:
        chosen = list(dict.fromkeys(name.strip() for name in coders if name.strip()))
        unknown = [name for name in chosen if name not in present]
        if unknown:
            raise InvalidInputError(
                _("{unknown} made no codings in this project; nothing to compare.").format(unknown=", ".join(unknown))
            )
    if len(chosen) < 2:
        raise InvalidInputError(_("Agreement needs at least two coders with codings."))
    return tuple(chosen)


def _coders_in(codings: Sequence[CodingMeta], chosen: Sequence[str]) -> list[str]:
    present = {c.coder for c in codings}
    return [name for name in chosen if name in present]


def _all_code_tallies(
    data: VisibleCodings,
    code_ids: Sequence[str],
    chosen: tuple[str, ...],
    unit: AgreementUnit,
    segments: dict[str, list[tuple[int, int]]],
) -> dict[str, binary.BinaryTally]:
    """Every code's units over every interview, counted by who judged and who coded them.

    One pass over the codings: each interview's codings are grouped by code once, and with
    segment units each coding finds its segments by bisection (``segment_ranges``). Only the
    units somebody coded are visited; the rest of an interview is one count per code (its
    compared coders judged them all, nobody coded them), so the cost grows with the codings, not
    with codes x coders x units as the reliability matrices did.
    """
    bit = {name: 1 << row for row, name in enumerate(chosen)}
    tallies = {code_id: binary.BinaryTally(len(chosen)) for code_id in code_ids}
    for summary in data.interviews:
        codings = data.codings[summary.id]
        here = _coders_in(codings, chosen)
        if len(here) < 2:
            continue
        judged = sum(bit[name] for name in here)
        mine = [c for c in codings if c.coder in bit and c.code_id in tallies]
        if unit is AgreementUnit.CHARACTER:
            found = _characters_coded(mine, chosen, summary.char_count)
            length = summary.char_count
        else:
            units = segments.get(summary.id, [])
            found, length = _segments_coded(mine, bit, units), len(units)
        for code_id, counts in tallies.items():
            coded = found.get(code_id, {})
            for coders, n in coded.items():
                counts.add(judged, coders, n)
            counts.add(judged, 0, length - sum(coded.values()))  # the rest: judged, coded by nobody
    return tallies


def _characters_coded(mine: Sequence[CodingMeta], chosen: Sequence[str], length: int) -> dict[str, dict[int, int]]:
    """Per code, how many of the interview's characters each set of coders (bit mask) coded."""
    by_code: dict[str, list[list[tuple[int, int]]]] = {}
    for c in mine:
        by_code.setdefault(c.code_id, [[] for _ in chosen])[chosen.index(c.coder)].append((c.start, c.end))
    found = {code_id: binary.character_counts(length, spans) for code_id, spans in by_code.items()}
    return {code_id: {coders: n for coders, n in counts.items() if coders} for code_id, counts in found.items()}


def _segments_coded(
    mine: Sequence[CodingMeta], bit: dict[str, int], units: Sequence[tuple[int, int]]
) -> dict[str, dict[int, int]]:
    """Per code, how many of the interview's segments each set of coders (bit mask) coded."""
    marks: dict[str, dict[int, int]] = {}
    for c, indices in zip(mine, segment_ranges(units, [(c.start, c.end) for c in mine]), strict=True):
        own, coder = marks.setdefault(c.code_id, {}), bit[c.coder]
        for index in indices:
            own[index] = own.get(index, 0) | coder
    return {code_id: dict(Counter(own.values())) for code_id, own in marks.items()}


def compare_coders(
    ws: Workspace,
    code_id: str,
    *,
    coders: Sequence[str] | None = None,
    include_agreements: bool = False,
    context_chars: int = 120,
    snapshot: VisibleCodings | None = None,
) -> CodeComparison:
    """Where coders applied one code differently: each group of overlapping codings, side by side.

    Only interviews that at least two of the coders coded are compared. A group is *agreed* when
    every one of those coders applied the code to exactly the same spans; agreed groups are left
    out unless ``include_agreements``.
    """
    require(ws.user, Action.VIEW_AGREEMENT)
    visible = coders_visible_to(ws)
    with ws.write() as repo:
        data = verified_codings(ws, repo, visible, snapshot)
        code = _code(data.codes, code_id)
        chosen = choose_coders(data, coders)
        passages: list[ComparisonPassage] = []
        for summary in data.interviews:
            here = _coders_in(data.codings[summary.id], chosen)
            ids = {c.id for c in data.codings[summary.id] if c.code_id == code_id and c.coder in here}
            if len(here) < 2 or not ids:
                continue
            relevant = [c for c in repo.codings.of_interview(summary.id, {code_id}) if c.id in ids]
            text = repo.interviews.text(summary.id)
            for group in overlapping_groups(relevant, lambda c: (c.start, c.end)):
                start, end = min(c.start for c in group), max(c.end for c in group)
                before, after = context(text, start, end, context_chars)
                passages.append(ComparisonPassage(
                    summary.id, summary.title, summary.participant_code, start, end, text[start:end], before, after,
                    spans=tuple(CoderSpan(c.coder, c.start, c.end, c.text)
                                for c in sorted(group, key=lambda c: (here.index(c.coder), c.start, c.end))),
                    coded_by=tuple(n for n in here if any(c.coder == n for c in group)),
                    not_coded_by=tuple(n for n in here if all(c.coder != n for c in group)),
                    agreed=_agreed(group, here),
                ))  # fmt: skip
        agreed = sum(p.agreed for p in passages)
        ws.audit(repo, "coders compared", "code", code_id, passages=len(passages), agreed=agreed)
    shown = tuple(p for p in passages if include_agreements or not p.agreed)
    return CodeComparison(code.id, code.name, chosen, shown, agreed, len(passages) - agreed)


def _code(codes: Sequence[Code], code_id: str) -> Code:
    for code in codes:
        if code.id == code_id:
            return code
    raise NotFoundError(_("There is no code with the id {code_id}.").format(code_id=code_id))


def _agreed(group: Sequence[Coding], coders: Sequence[str]) -> bool:
    spans = [{(c.start, c.end) for c in group if c.coder == name} for name in coders]
    return all(s == spans[0] and s for s in spans)
