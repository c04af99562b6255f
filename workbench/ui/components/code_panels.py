"""What the Code page draws beside and below the text view: the code list and three panels.

Widgets here read and write ``code_state`` keys and hand their clicks to ``code_callbacks``.
Whether a coding or memo may be changed comes from ``domain/permissions.py``, the rule the
coding service enforces, so the page greys out exactly what the service would refuse.
"""

from __future__ import annotations

import html

import streamlit as st

from workbench.domain.models import Code, Coding
from workbench.domain.permissions import may_change_coding, may_delete_memo
from workbench.domain.records import CodeProposal, InterviewMemo
from workbench.domain.spans import Unit
from workbench.i18n import gettext as _
from workbench.services.codebook.names import shown_name
from workbench.services.coding import MAX_MEMO_CHARS
from workbench.services.workspace import Workspace
from workbench.ui.components.code_callbacks import (
    add_memo,
    adjust_selected,
    adjust_to_pending,
    close_coding,
    code_search_hits,
    delete_memo,
    propose,
    remove_selected,
    reshape_coding,
    save_memo,
)
from workbench.ui.components.code_state import (
    CODING,
    MEMO_NEW,
    MEMO_PICK,
    PROPOSE_DEFINITION,
    PROPOSE_NAME,
    PROPOSE_PARENT,
    SEARCH_CODES,
    SEARCH_PICK,
    search_result,
)
from workbench.ui.components.markup import Numbered, code_tree
from workbench.ui.render import safe_color
from workbench.ui.safe_text import md, quote


def preview(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def codebook_html(codes: list[Code], numbers: dict[str, Numbered], needle: str = "") -> str:
    """The code tree beside the text, escaped (code names come from imported codebooks).

    Codable codes carry their number; grouping codes are headers without one (they cannot be
    applied), so a child sits visibly under its own parent. ``needle`` (lower case) keeps the
    codes whose name or number matches, with the groups above them.
    """
    tree = code_tree(codes)
    parents = {c.id: c.parent_id for c in codes}
    keep: set[str] | None = None
    if needle:
        keep = set()
        for code, _depth in tree:
            number = numbers[code.id].number if code.id in numbers else None
            if needle in shown_name(code).casefold() or needle == str(number):
                parent: str | None = code.id
                while parent and parent not in keep:
                    keep.add(parent)
                    parent = parents.get(parent)
    rows = []
    for code, depth in tree:
        if keep is not None and code.id not in keep:
            continue
        numbered = numbers.get(code.id)
        if numbered is None:
            group_label = html.escape(_("{name} (group, not codable)").format(name=shown_name(code)))
            rows.append(
                f'<div class="wbc-group" role="heading" aria-level="{min(depth + 3, 6)}" '
                f'style="margin-left:{depth}em;font-weight:700;margin-top:0.3em" '
                f'title="{html.escape(code.definition)}" aria-label="{group_label}">'
                f"{html.escape(shown_name(code))}</div>"
            )
            continue
        rows.append(
            f'<div class="wbc-code" style="margin-left:{depth}em" title="{html.escape(code.definition)}">'
            f'<span style="border:2px solid {safe_color(code.color)};border-radius:0.6em;padding:0 0.35em;'
            f'font-weight:700;font-size:0.8em">{numbered.number}</span> {html.escape(shown_name(code))}</div>'
        )
    return "".join(rows) or "<div>" + html.escape(_("No code matches.")) + "</div>"


def chosen_coding(codings: list[Coding]) -> Coding | None:
    """The coding picked by its badge or in the list, if it is still on this interview."""
    by_id = {c.id: c for c in codings}
    if st.session_state.get(CODING) not in by_id:
        st.session_state.pop(CODING, None)
        return None
    return by_id[str(st.session_state[CODING])]


def codings_panel(codings: list[Coding], numbers: dict[str, Numbered]) -> None:
    """The codings on this interview, quoted; choosing one opens it beside the text."""
    if not codings:
        st.caption(_("No codings on this interview yet."))
        return
    st.dataframe(
        [
            {_("code"): numbers[c.code_id].label if c.code_id in numbers else "?", _("coder"): c.coder,
             _("passage"): preview(c.text, 160), _("memo"): preview(c.memo or "", 80)}
            for c in codings
        ],
        hide_index=True,
        height=min(400, 38 + 35 * len(codings)),
    )  # fmt: skip
    by_id = {c.id: c for c in codings}
    st.selectbox(
        _("Coding to change (or click its numbered badge in the text)"),
        list(by_id),
        index=None,
        key=CODING,
        format_func=lambda cid: _coding_label(by_id[cid], numbers),
    )


def coding_editor(ws: Workspace, coding: Coding, numbers: dict[str, Numbered]) -> None:
    """The chosen coding beside the text: its quote, its memo, and its span changed by words,
    sentences or turns instead of character numbers (issue 20, item 4)."""
    may_change = may_change_coding(ws.user, coding.coder_id)
    name = numbers[coding.code_id].label if coding.code_id in numbers else "?"
    st.subheader(_("Coding"), anchor=False)  # no link icon: Tab from the text goes straight to the memo
    st.caption(f"{md(name)} · {md(coding.coder)}")
    st.markdown(quote(preview(coding.text, 600)))
    memo_key = f"code.memo.{coding.id}"
    st.text_area(_("Memo on this coding"), value=coding.memo or "", key=memo_key, disabled=not may_change,
                 max_chars=MAX_MEMO_CHARS)  # fmt: skip
    st.button(_("Save memo"), key="code.memo.save", disabled=not may_change, width="stretch",
              on_click=save_memo, args=(coding.id, memo_key))  # fmt: skip
    unit = st.radio(_("Change the span by a"), [Unit.WORD.value, Unit.SENTENCE.value], key="code.adj.unit",
                    horizontal=True, format_func=lambda u: _("word") if u == Unit.WORD.value else _("sentence"),
                    disabled=not may_change)  # fmt: skip
    moves = [
        ("start", True, _("Extend the start"), ":material/first_page:"),
        ("start", False, _("Shrink the start"), ":material/chevron_right:"),
        ("end", True, _("Extend the end"), ":material/last_page:"),
        ("end", False, _("Shrink the end"), ":material/chevron_left:"),
    ]
    for edge, grow, label, icon in moves:
        st.button(label, key=f"code.adj.{edge}.{'grow' if grow else 'shrink'}", icon=icon, width="stretch",
                  disabled=not may_change, on_click=reshape_coding, args=(coding.id, edge, unit, grow))  # fmt: skip
    st.button(_("Cover the whole turn"), key="code.adj.turn", icon=":material/format_align_justify:",
              width="stretch", disabled=not may_change, on_click=reshape_coding,
              args=(coding.id, None, None, True))  # fmt: skip
    st.button(_("Use the selection"), key="code.adj.pending", disabled=not may_change, width="stretch",
              on_click=adjust_to_pending, args=(coding.id,))  # fmt: skip
    with st.expander(_("Exact character positions")):
        start_key, end_key = f"code.adj.start.{coding.id}", f"code.adj.end.{coding.id}"
        st.number_input(_("Start"), min_value=0, value=coding.start, step=1, key=start_key, disabled=not may_change)
        st.number_input(_("End"), min_value=1, value=coding.end, step=1, key=end_key, disabled=not may_change)
        st.button(_("Save span"), key="code.adj.save", disabled=not may_change,
                  on_click=adjust_selected, args=(coding.id, start_key, end_key))  # fmt: skip
    st.button(_("Remove coding"), key="code.remove", disabled=not may_change, width="stretch",
              icon=":material/delete:", on_click=remove_selected, args=(coding.id,))  # fmt: skip
    st.button(_("Close"), key="code.coding.close", width="stretch", on_click=close_coding)
    if not may_change:
        st.caption(_("This coding is someone else's: only they, a lead or an admin may change it."))
    st.page_link("pages/search.py", label=_("More like this"), icon=":material/search:",
                 query_params={"like": coding.id},
                 help=_("Passages closest in meaning to this one, in every interview (the Search page)."))  # fmt: skip


def _coding_label(coding: Coding, numbers: dict[str, Numbered]) -> str:
    name = numbers[coding.code_id].label if coding.code_id in numbers else "?"
    memo = " ✎" if coding.memo else ""
    return f"{name} · {coding.coder}{memo} · “{preview(coding.text, 60)}”"


def propose_panel(codes: list[Code], pending: list[CodeProposal]) -> None:
    """Propose a new code while coding; a lead accepts it into the shared codebook."""
    with st.expander(_("Propose a new code")):
        st.text_input(_("Name"), key=PROPOSE_NAME, max_chars=200)
        st.text_area(_("What it captures"), key=PROPOSE_DEFINITION, max_chars=2000)
        parents = {c.id: c.name for c, _depth in code_tree(codes)}
        st.selectbox(_("Under"), list(parents), index=None, key=PROPOSE_PARENT, format_func=parents.__getitem__,
                     placeholder=_("top level"))  # fmt: skip
        st.button(_("Propose"), key="code.propose", on_click=propose, width="stretch")
        if pending:
            st.caption(_("Waiting for a lead: {names}").format(names=md(", ".join(p.name for p in pending))))


def memos_panel(ws: Workspace, memos: list[InterviewMemo]) -> None:
    if not memos:
        st.caption(_("No memos on this interview yet."))
    for memo in memos:
        st.caption(f"{md(memo.author)} · {memo.created_at.isoformat(timespec='minutes')}")
        st.text(memo.text)
    st.text_area(_("New memo on this interview"), key=MEMO_NEW, max_chars=MAX_MEMO_CHARS)
    st.button(_("Add memo"), key="code.memo.add", on_click=add_memo)
    deletable = {m.id: m for m in memos if may_delete_memo(ws.user, m.author_id)}
    if deletable:
        st.selectbox(_("Memo to delete"), list(deletable), index=None, key=MEMO_PICK,
                     format_func=lambda m: f"{deletable[m].author} · {preview(deletable[m].text, 60)}")  # fmt: skip
        st.button(_("Delete memo"), key="code.memo.delete", on_click=delete_memo)


def _where(kind: str, position: int) -> str:
    """``turn 3`` / ``sentence 3`` in the interface language (positions count from 1)."""
    if kind == "turn":
        return _("turn {n}").format(n=position + 1)
    return _("sentence {n}").format(n=position + 1)


def search_panel(ws: Workspace, numbers: dict[str, Numbered]) -> None:
    result = search_result(ws)
    if result is None:
        st.caption(_("Find turns or sentences by words (each word matches word starts: börtön finds börtönben) "
                   "or by a phrase, review them, then code the ones you keep at once."))  # fmt: skip
        return
    if result.truncated:
        found = _("{n} passages match among {searched} searched (showing the first {n}).")
    else:
        found = _("{n} passages match among {searched} searched.")
    st.caption(found.format(n=len(result.hits), searched=result.searched))
    if not result.hits:
        return
    hits = result.hits
    st.dataframe(
        [{"#": i + 1, _("interview"): h.interview_label, _("where"): _where(h.kind.value, h.position),
          _("speaker"): h.speaker, _("passage"): preview(h.text, 200)} for i, h in enumerate(hits)],
        hide_index=True,
    )  # fmt: skip
    st.multiselect(_("Passages to code (remove the ones that do not fit)"), list(range(len(hits))), key=SEARCH_PICK,
                   format_func=lambda i: f"#{i + 1} · {hits[i].interview_label} · "
                                         + _where(hits[i].kind.value, hits[i].position))  # fmt: skip
    st.multiselect(_("Codes"), list(numbers), key=SEARCH_CODES, format_func=lambda c: numbers[c].label)
    st.button(_("Code the chosen passages"), key="code.search.apply", type="primary", on_click=code_search_hits)
