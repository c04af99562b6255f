"""Export: anonymized tables and reports from the released, de-identified material."""

import streamlit as st

from workbench.domain.permissions import Action, allowed
from workbench.i18n import N_, format_datetime
from workbench.i18n import gettext as _
from workbench.services.exports import TABLES, ExportOptions, export_choices, export_for_download
from workbench.ui import session
from workbench.ui.unlock import require_workspace
from workbench.ui.wording import role_name

_RESULT = "export_result"
_LABELS = {"quotes": N_("Quote table"), "codes": N_("Code frequencies"), "code_by_attribute": N_("Codes by attribute")}

ws = require_workspace()
st.title(_("Export"))
st.caption(
    _(
        "Anonymized tables from the released, de-identified material: quotes with their code and participant "
        "pseudonym, code frequencies and codes by participant attribute, as CSV, XLSX or a DOCX report. Small counts "
        "are suppressed, the exported attributes must be k-anonymous, and a final leak check refuses any file that "
        "still contains a protected name. Every export is recorded in the audit log."
    )
)

with session.shown_errors():
    if not allowed(ws.user, Action.EXPORT):
        st.info(
            _("Your role ({role}) may not export; report writers and leads can.").format(role=role_name(ws.user.role))
        )
        st.stop()
    choices = export_choices(ws)
    if choices.release_id is None or choices.released_at is None:
        st.info(_("Nothing has been released yet. A lead reviews the de-identification and releases it on the "
                  "De-identification page (or with `workbench deid release DIR`)."))  # fmt: skip
        st.stop()
    st.write(
        _("Release of {when} by {who}: {quotes} quotes.").format(
            when=format_datetime(choices.released_at), who=choices.released_by, quotes=choices.quotes
        )
    )
    tables = st.multiselect(_("Tables"), list(TABLES), default=list(TABLES), format_func=lambda t: _(_LABELS[t]))
    fmt = st.radio(_("Format"), list(choices.formats), horizontal=True)
    attributes = st.multiselect(_("Participant attributes (generalized)"), list(choices.attributes),
                                help=_("Each is checked for k-anonymity."))  # fmt: skip
    low_threshold, low_k = choices.minimums
    floor_threshold, floor_k = (1, 1) if choices.may_lower else (low_threshold, low_k)
    cols = st.columns(2)
    at_least = _("The release sets at least {n}.")
    threshold = int(cols[0].number_input(_("Suppress counts below"), min_value=floor_threshold, value=low_threshold,
                                         step=1, help=at_least.format(n=low_threshold)))  # fmt: skip
    k = int(cols[1].number_input(_("k (k-anonymity)"), min_value=floor_k, value=low_k, step=1,
                                 help=at_least.format(n=low_k)))  # fmt: skip
    if not choices.may_lower:
        st.caption(_("The lead fixed the minimums with the release: threshold {threshold}, k {k}. "
                     "You can raise them, not lower them.").format(threshold=low_threshold, k=low_k))  # fmt: skip
    if st.button(_("Prepare export"), type="primary"):
        st.session_state.pop(_RESULT, None)
        bar = st.progress(0.0, text=_("Starting"))
        steps = iter([0.3, 0.6, 0.9, 1.0])
        options = ExportOptions(fmt, tuple(tables), tuple(attributes), threshold, k)
        st.session_state[_RESULT] = export_for_download(
            ws, options, on_progress=lambda step: bar.progress(next(steps, 1.0), text=step)
        )
        bar.progress(1.0, text=_("Done"))
    result = st.session_state.get(_RESULT)
    if result is not None:
        st.success(
            _("Ready: {name} (SHA-256 {digest}…), recorded in the audit log.").format(
                name=result.name, digest=result.sha256[:16]
            )
        )
        if result.check:
            st.caption(result.check)
        st.download_button(_("Download"), result.content, file_name=result.name, mime=result.media_type)
