"""De-identification review: each detection in context; decisions apply to the whole project."""

import streamlit as st

from workbench.deid.disclosure import DEFAULT_K, DEFAULT_THRESHOLD
from workbench.deid.spans import ENTITY_TYPES
from workbench.domain.permissions import Action, allowed
from workbench.i18n import N_, ngettext
from workbench.i18n import gettext as _
from workbench.services.deid import (
    add_known_entity,
    add_missed,
    apply_decisions,
    dismiss_unflagged,
    list_known_entities,
    review_items,
    scan,
    unflagged_words,
    unreviewed_counts,
)
from workbench.services.deid_release import release
from workbench.services.interviews import list_interviews
from workbench.ui import session, wording
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace

_EDITOR = "deid_review_editor"
_LIMIT = 200
_UNDECIDED = N_("undecided")

ws = require_workspace()
st.title(_("De-identification review"))
st.caption(
    _(
        "Detected names, places, institutions, numbers, dates and ages, each in its context. Accept, reject or change "
        "the type: a decision applies to every interview (a rejected false alarm is never proposed again; an accepted "
        "or added name is found everywhere, in every inflected form). "
        "Unreviewed detections are replaced in releases too."
    )
)

with session.shown_errors():
    if not allowed(ws.user, Action.REVIEW_DEID):
        st.info(
            _("Your role ({role}) may not review de-identification; the Export page has the released material.").format(
                role=wording.role_name(ws.user.role)
            )
        )
        st.stop()
    left, right = st.container(), st.container()  # one under the other: side by side cut the labels off
    if left.button(_("Scan all interviews"), icon=":material/search:"):
        bar = st.progress(0.0, text=_("Scanning"))
        report = scan(
            ws,
            on_progress=lambda done, total: bar.progress(
                done / total, text=_("Scanned {done} of {total}").format(done=done, total=total)
            ),
        )
        st.success(
            _("Scanned {interviews} interviews: {detections} detections, {pending} pending.").format(
                interviews=report.interviews, detections=report.detections, pending=report.pending
            )
        )
        st.session_state.pop(_EDITOR, None)
    if allowed(ws.user, Action.RELEASE):
        small, k_col = right.columns(2)
        threshold = small.number_input(
            _("Smallest count shown (writers may raise it, never lower it)"),
            min_value=1,
            value=DEFAULT_THRESHOLD,
            step=1,
            key="deid_release_threshold",
        )
        k = k_col.number_input(_("k-anonymity (writers may raise it, never lower it)"),
                               min_value=1, value=DEFAULT_K, step=1, key="deid_release_k")  # fmt: skip
        override = right.checkbox(_("Override: release although interviews have unreviewed unflagged words"),
                                  key="deid_override_unreviewed")  # fmt: skip
        confirmed = override and right.checkbox(
            _("I confirm the override; it is written to the audit log with the counts"), key="deid_override_confirm"
        )
        if right.button(_("Release to report writers"), icon=":material/publish:"):
            if override and not confirmed:
                right.warning(_("Confirm the override first, or leave it unticked."))
            else:
                with session.shown_errors():
                    summary = release(ws, override_unreviewed=confirmed, threshold=int(threshold), k=int(k))
                    st.success(_("Released {quotes} de-identified quotes from {interviews} interviews ({replaced} "
                                 "identifiers replaced).").format(quotes=summary.quotes, interviews=summary.interviews,
                                                                  replaced=summary.replaced))  # fmt: skip

    named = {i.id: f"{i.title} ({i.short_id})" for i in list_interviews(ws)}
    statuses = {"pending": N_("pending"), "accepted": N_("accepted"), "rejected": N_("rejected")}
    status = st.radio(_("Show"), list(statuses), horizontal=True, key="deid_status",
                      format_func=lambda s: _(statuses[s]))  # fmt: skip
    items = review_items(ws, status=status, limit=_LIMIT)
    if not items:
        none_yet = {"pending": N_("No pending detections. Scan the interviews to find identifiers."),
                    "accepted": N_("No accepted detections. Scan the interviews to find identifiers."),
                    "rejected": N_("No rejected detections. Scan the interviews to find identifiers.")}  # fmt: skip
        st.info(_(none_yet[status]))
    else:
        rows = [
            {
                "id": i.id[:12],
                "interview": named.get(i.interview_id, i.interview_id[:8]),
                "context": f"…{i.before[-40:]}⟦{i.text}⟧{i.after[:40]}…",
                "type": i.entity_type,
                "found by": i.recognizer,
                "decision": _(_UNDECIDED),
            }
            for i in items
        ]
        decisions = {_("accept"): "accept", _("reject"): "reject"}
        edited = st.data_editor(
            rows,
            column_config={
                "id": st.column_config.TextColumn(_("ID")),
                "interview": st.column_config.TextColumn(_("interview")),
                "context": st.column_config.TextColumn(_("context")),
                "found by": st.column_config.TextColumn(_("found by")),
                "type": st.column_config.SelectboxColumn(_("type"), options=list(ENTITY_TYPES)),
                # A word, not an empty cell: the grid draws an empty value as "None".
                "decision": st.column_config.SelectboxColumn(
                    _("decision"), options=[_(_UNDECIDED), *decisions], required=True
                ),
            },
            disabled=["id", "interview", "context", "found by"],
            hide_index=True,
            key=_EDITOR,
        )
        if st.button(_("Apply decisions"), type="primary"):
            original = {r["id"]: r["type"] for r in rows}
            chosen = [(r["id"], decisions[r["decision"]], r["type"] if r["type"] != original[r["id"]] else None)
                      for r in edited if r["decision"] in decisions]  # fmt: skip
            count = apply_decisions(ws, chosen)
            st.session_state.pop(_EDITOR, None)
            st.success(
                wording.counted(
                    count,
                    ngettext(
                        "Applied {n} decision to the whole project.",
                        "Applied {n} decisions to the whole project.",
                        count,
                    ),
                )
            )
            st.rerun()

    with st.expander(_("Not flagged: capitalised words and numbers")):
        st.caption(_("Capitalised words inside sentences (not common words) and runs of digits that no "
                   "detection, known name or rejection covers. Protect one with a click (it is then found "
                   "everywhere) or dismiss it as not an identifier (remembered for the whole project). An "
                   "interview is reviewed when none is left; until then the release is refused."))  # fmt: skip
        counts = unreviewed_counts(ws)
        if counts:
            st.dataframe([{_("interview"): named.get(i, i[:8]), _("unreviewed"): n,
                           _("status"): _("reviewed") if n == 0 else _("to review")} for i, n in counts.items()],
                         hide_index=True)  # fmt: skip
        residue = unflagged_words(ws)[:_LIMIT]
        if not residue:
            st.info(_("Nothing left unflagged in the scanned interviews."))
        for n, word in enumerate(residue):
            label, protect, dismiss = st.columns([4, 1, 1])
            where = md(named.get(word.interview_id, word.interview_id[:8]))
            times = wording.counted(word.count, ngettext("{n} time", "{n} times", word.count))
            kinds = {"word": N_("word"), "number": N_("number")}
            kind_name = _(kinds[word.kind]) if word.kind in kinds else word.kind
            label.write(
                _("`{text}` ({kind}, {times} in {where})").format(
                    text=word.text, kind=kind_name, times=times, where=where
                )
            )
            if protect.button(_("Protect"), key=f"deid_unflagged_{n}"):
                kind = "NAME" if word.kind == "word" else "ID"
                st.success(_("Protected as {tag}.").format(tag=add_missed(ws, word.text, kind)))
                st.rerun()
            if dismiss.button(_("Dismiss"), key=f"deid_dismiss_{n}", help=_("Not an identifier")):
                dismiss_unflagged(ws, [word.text])
                st.rerun()

    with st.expander(_("Add a missed name or number")):
        missed = st.text_input(_("Text exactly as it appears (the base form of a name finds its inflections)"),
                               key="deid_missed_text")  # fmt: skip
        missed_type = st.selectbox(_("Type"), ENTITY_TYPES, key="deid_missed_type")
        if st.button(_("Add and find everywhere")) and missed:
            st.success(_("Protected as {tag}.").format(tag=add_missed(ws, missed, missed_type)))

    with st.expander(_("Known names (recorded at intake)")):
        name = st.text_input(_("Name"), key="deid_entity_text")
        kind = st.selectbox(_("Type"), ENTITY_TYPES, key="deid_entity_type")
        code = st.text_input(_("Participant code (optional)"), key="deid_entity_participant")
        aliases = st.text_input(_("Nicknames or other spellings, comma-separated"), key="deid_entity_aliases")
        if st.button(_("Protect this name")) and name:
            label = add_known_entity(ws, name, kind, participant_code=code.strip() or None,
                                     aliases=[a.strip() for a in aliases.split(",") if a.strip()])  # fmt: skip
            st.success(_("Protected as {tag}.").format(tag=label))
        known = list_known_entities(ws)
        if known:
            st.dataframe([{_("tag"): e.tag, _("names"): " | ".join(e.texts), _("participant"): e.participant_code or "",
                           _("origin"): e.origin} for e in known], hide_index=True)  # fmt: skip
