"""Search: passages found by meaning across every interview you may read, coded in place."""

import streamlit as st

from workbench.i18n import gettext as _
from workbench.services.coding import codebook
from workbench.services.search import DEFAULT_LIMIT, MAX_LIMIT, SearchResults, code_hit, more_like_this, search
from workbench.ui import session
from workbench.ui.interview_url import passage_link
from workbench.ui.safe_text import md
from workbench.ui.safe_text import quote as quote_md
from workbench.ui.unlock import require_workspace

RESULTS_ATTR = "_search_page_results"  # kept on the session's own workspace: dropped on sign-out
LIKE_PARAM = "like"

ws = require_workspace()
st.title(_("Search"))
st.caption(
    _(
        "Find passages by meaning, not by exact words, in every interview you may read: a question in Hungarian "
        "also finds English answers. Results are ranked; the band says how far a passage stands out from the "
        "rest of the project for this search."
    )
)


def show(results: SearchResults) -> None:
    setattr(ws, RESULTS_ATTR, results)


def run_like(coding_id: str) -> None:
    with session.shown_errors():
        show(more_like_this(ws, coding_id, limit=int(st.session_state.get("search.limit", DEFAULT_LIMIT))))


def code_in_place(rank: int, key: str) -> None:
    """Code result ``rank`` (callbacks get positions, not the decrypted hits, so nothing outlives sign-out)."""
    chosen = st.session_state.get(key) or []
    shown: SearchResults | None = getattr(ws, RESULTS_ATTR, None)
    if shown is None or not 0 < rank <= len(shown.hits):
        return
    hit = shown.hits[rank - 1]
    with session.shown_errors():
        if not chosen:
            st.session_state["search.flash"] = ("warning", _("Choose at least one code first."))
            return
        added = code_hit(ws, hit, chosen)
        st.session_state["search.flash"] = ("success", _("Coded: {n} coding(s) added.").format(n=len(added)))


with session.shown_errors():
    like = st.query_params.get(LIKE_PARAM)
    if like:
        del st.query_params[LIKE_PARAM]
        run_like(str(like))
    with st.form("search.form"):
        query = st.text_input(_("Look for"), max_chars=500, placeholder=_("e.g. visits from family"))
        limit = st.number_input(_("Results"), min_value=1, max_value=MAX_LIMIT, value=DEFAULT_LIMIT, key="search.limit")
        submitted = st.form_submit_button(_("Search"), type="primary", icon=":material/search:")
    if submitted:
        with st.spinner(_("Searching… (the first search of a session reads the stored embeddings)")):
            show(search(ws, query, limit=int(limit)))
    flash = st.session_state.pop("search.flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    results: SearchResults | None = getattr(ws, RESULTS_ATTR, None)
    if results is None:
        st.info(_("Type what you are looking for, in Hungarian or English, and press Search."))
        st.stop()
    st.caption(
        _("{n} passages of {i} interviews searched (model {model}).").format(
            n=results.searched, i=results.interviews, model=results.model
        )
    )
    if not results.hits:
        st.info(_("Nothing found."))
    codable = {c.id: c.name for c in codebook(ws) if c.codable}
    for hit in results.hits:
        with st.container(border=True):
            st.markdown(
                _("**#{rank}** · {band} · participant {participant} · {title} ({short_id})").format(
                    rank=hit.rank, band=hit.band, participant=md(hit.participant_code or "-"),
                    title=md(hit.interview_title), short_id=hit.short_id)
            )  # fmt: skip
            st.markdown(quote_md(hit.text))
            if hit.codes:
                st.caption(_("Codes: {codes}").format(codes=md(", ".join(hit.codes))))
            cols = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
            key = f"search.codes.{hit.interview_id}.{hit.start}.{hit.end}"
            cols[0].multiselect(_("Codes to apply"), list(codable), format_func=codable.__getitem__, key=key,
                                label_visibility="collapsed", placeholder=_("Codes to apply"))  # fmt: skip
            cols[1].button(_("Code"), key=f"{key}.apply", on_click=code_in_place, args=(hit.rank, key),
                           icon=":material/sell:")  # fmt: skip
            cols[2].page_link("pages/code.py", label=_("Open"), icon=":material/open_in_new:",
                              query_params=passage_link(hit.short_id, hit.start, hit.end))  # fmt: skip
            if hit.coding_ids:
                cols[3].button(_("More like this"), key=f"{key}.like", on_click=run_like, args=(hit.coding_ids[0],))
