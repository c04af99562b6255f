"""De-identification review: each detection in context; decisions apply to the whole project."""

import streamlit as st

from workbench.deid.disclosure import DEFAULT_K, DEFAULT_THRESHOLD
from workbench.deid.spans import ENTITY_TYPES
from workbench.domain.permissions import Action, allowed
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
_UNDECIDED = "undecided"

ws = require_workspace()
st.title("De-identification review")
st.caption(
    "Detected names, places, institutions, numbers, dates and ages, each in its context. Accept, reject or change "
    "the type: a decision applies to every interview (a rejected false alarm is never proposed again; an accepted "
    "or added name is found everywhere, in every inflected form). Unreviewed detections are replaced in releases too."
)

with session.shown_errors():
    if not allowed(ws.user, Action.REVIEW_DEID):
        st.info(
            f"Your role ({ws.user.role.value}) may not review de-identification; "
            "the Export page has the released material."
        )
        st.stop()
    left, right = st.container(), st.container()  # one under the other: side by side cut the labels off
    if left.button("Scan all interviews", icon=":material/search:"):
        bar = st.progress(0.0, text="Scanning")
        report = scan(ws, on_progress=lambda done, total: bar.progress(done / total, text=f"Scanned {done} of {total}"))
        st.success(f"Scanned {report.interviews} interviews: {report.detections} detections, {report.pending} pending.")
        st.session_state.pop(_EDITOR, None)
    if allowed(ws.user, Action.RELEASE):
        small, k_col = right.columns(2)
        threshold = small.number_input(
            "Smallest count shown (writers may raise it, never lower it)",
            min_value=1,
            value=DEFAULT_THRESHOLD,
            step=1,
            key="deid_release_threshold",
        )
        k = k_col.number_input("k-anonymity (writers may raise it, never lower it)",
                               min_value=1, value=DEFAULT_K, step=1, key="deid_release_k")  # fmt: skip
        override = right.checkbox("Override: release although interviews have unreviewed unflagged words",
                                  key="deid_override_unreviewed")  # fmt: skip
        confirmed = override and right.checkbox(
            "I confirm the override; it is written to the audit log with the counts", key="deid_override_confirm"
        )
        if right.button("Release to report writers", icon=":material/publish:"):
            if override and not confirmed:
                right.warning("Confirm the override first, or leave it unticked.")
            else:
                with session.shown_errors():
                    summary = release(ws, override_unreviewed=confirmed, threshold=int(threshold), k=int(k))
                    st.success(f"Released {summary.quotes} de-identified quotes from {summary.interviews} "
                               f"interviews ({summary.replaced} identifiers replaced).")  # fmt: skip

    named = {i.id: f"{i.title} ({i.short_id})" for i in list_interviews(ws)}
    status = st.radio("Show", ["pending", "accepted", "rejected"], horizontal=True, key="deid_status")
    items = review_items(ws, status=status, limit=_LIMIT)
    if not items:
        st.info(f"No {status} detections. Scan the interviews to find identifiers.")
    else:
        rows = [{"id": i.id[:12], "interview": named.get(i.interview_id, i.interview_id[:8]),
                 "context": f"…{i.before[-40:]}⟦{i.text}⟧{i.after[:40]}…",
                 "type": i.entity_type, "found by": i.recognizer, "decision": _UNDECIDED} for i in items]  # fmt: skip
        edited = st.data_editor(
            rows,
            column_config={
                "type": st.column_config.SelectboxColumn("type", options=list(ENTITY_TYPES)),
                # A word, not an empty cell: the grid draws an empty value as "None".
                "decision": st.column_config.SelectboxColumn(
                    "decision", options=[_UNDECIDED, "accept", "reject"], required=True
                ),
            },
            disabled=["id", "interview", "context", "found by"],
            hide_index=True,
            key=_EDITOR,
        )
        if st.button("Apply decisions", type="primary"):
            original = {r["id"]: r["type"] for r in rows}
            chosen = [(r["id"], r["decision"], r["type"] if r["type"] != original[r["id"]] else None)
                      for r in edited if r["decision"] in ("accept", "reject")]  # fmt: skip
            count = apply_decisions(ws, chosen)
            st.session_state.pop(_EDITOR, None)
            st.success(f"Applied {wording.count(count, 'decision')} to the whole project.")
            st.rerun()

    with st.expander("Not flagged: capitalised words and numbers"):
        st.caption("Capitalised words inside sentences (not common words) and runs of digits that no "
                   "detection, known name or rejection covers. Protect one with a click (it is then found "
                   "everywhere) or dismiss it as not an identifier (remembered for the whole project). An "
                   "interview is reviewed when none is left; until then the release is refused.")  # fmt: skip
        counts = unreviewed_counts(ws)
        if counts:
            st.dataframe([{"interview": named.get(i, i[:8]), "unreviewed": n,
                           "status": "reviewed" if n == 0 else "to review"} for i, n in counts.items()],
                         hide_index=True)  # fmt: skip
        residue = unflagged_words(ws)[:_LIMIT]
        if not residue:
            st.info("Nothing left unflagged in the scanned interviews.")
        for n, word in enumerate(residue):
            label, protect, dismiss = st.columns([4, 1, 1])
            where = md(named.get(word.interview_id, word.interview_id[:8]))
            label.write(f"`{word.text}` ({word.kind}, {wording.count(word.count, 'time')} in {where})")
            if protect.button("Protect", key=f"deid_unflagged_{n}"):
                kind = "NAME" if word.kind == "word" else "ID"
                st.success(f"Protected as {add_missed(ws, word.text, kind)}.")
                st.rerun()
            if dismiss.button("Dismiss", key=f"deid_dismiss_{n}", help="Not an identifier"):
                dismiss_unflagged(ws, [word.text])
                st.rerun()

    with st.expander("Add a missed name or number"):
        missed = st.text_input("Text exactly as it appears (the base form of a name finds its inflections)",
                               key="deid_missed_text")  # fmt: skip
        missed_type = st.selectbox("Type", ENTITY_TYPES, key="deid_missed_type")
        if st.button("Add and find everywhere") and missed:
            st.success(f"Protected as {add_missed(ws, missed, missed_type)}.")

    with st.expander("Known names (recorded at intake)"):
        name = st.text_input("Name", key="deid_entity_text")
        kind = st.selectbox("Type", ENTITY_TYPES, key="deid_entity_type")
        code = st.text_input("Participant code (optional)", key="deid_entity_participant")
        aliases = st.text_input("Nicknames or other spellings, comma-separated", key="deid_entity_aliases")
        if st.button("Protect this name") and name:
            label = add_known_entity(ws, name, kind, participant_code=code.strip() or None,
                                     aliases=[a.strip() for a in aliases.split(",") if a.strip()])  # fmt: skip
            st.success(f"Protected as {label}.")
        known = list_known_entities(ws)
        if known:
            st.dataframe([{"tag": e.tag, "names": " | ".join(e.texts), "participant": e.participant_code or "",
                           "origin": e.origin} for e in known], hide_index=True)  # fmt: skip
