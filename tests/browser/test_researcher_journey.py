"""Researcher's journey in a real browser: import a .docx, code a span and a whole turn, add a memo, reload.

The two codings are made the two ways a coder works: a mouse selection inside a turn with the
*Codes to apply* list and the Apply button, and a click on a speaker (the whole turn) followed by
a code number typed into the text view. After a reload (a new, signed-out session) both
highlights and the memo must still be there, and the project itself must hold the codings at
exactly the intended code-point offsets.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Server, shoot, sign_in, wait_idle
from workbench.services.coding import codebook, interview_codings
from workbench.services.demo import demo_password
from workbench.services.interviews import list_interviews
from workbench.services.projects import open_project
from workbench.ui.components.markup import code_numbers

TITLE = "lighthouse-interview"
TURNS = [
    "I: How did the first weeks in the carpentry workshop (a műhely) go? 🙂",
    "R: Honestly, the műhely 🪚 felt like a lighthouse in the fog. I could breathe there.",
    "I: And what changed after that?",
    "R: My sister started visiting me again, every second Sunday.",
]
PHRASE = "a lighthouse in the fog"  # the span coded with the mouse, inside the second turn
TURN = 3  # the turn (0-based position) coded whole, by clicking its speaker
# The accents and the emoji (two UTF-16 units, one code point) before the span check that the
# browser's offsets become the right code points.
SPAN_CODE, TURN_CODE = "Turning points", "Family support"  # codes of the demo codebook
MEMO = "Workshop as refuge: compare with the other carpentry interviews."
USER = "anna"


def _transcript_docx(directory: Path) -> Path:
    document = Document()
    for turn in TURNS:
        document.add_paragraph(turn)
    path = directory / f"{TITLE}.docx"
    document.save(str(path))
    return path


def _stored_text() -> str:
    """The transcript as the importer stores it: paragraphs become blocks separated by a blank line."""
    return "\n\n".join(TURNS)


def _utf16(text: str) -> int:
    """The length of ``text`` as the browser counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _nav(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()


def _choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit select box or multiselect labelled ``label``."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option)  # the list is filtered (long lists are drawn only in part)
    page.get_by_role("option", name=option).first.click()
    box.press("Escape")  # a multiselect's list stays open (and hides the rest from assistive tech)
    expect(page.get_by_role("listbox")).to_have_count(0)
    wait_idle(page)


def _open_interview(page: Page) -> Locator:
    _nav(page, "Code")
    _choose(page, "Interview", TITLE)
    view = page.get_by_test_id("wb-code-view")
    expect(view.locator(".wbc-turn")).to_have_count(len(TURNS))
    expect(view).to_contain_text("lighthouse in the fog")
    return view


def _drag_select(page: Page, piece: Locator, first: int, last: int) -> None:
    """Select UTF-16 units ``first``..``last`` of a text piece with the mouse, as a coder would."""
    piece.scroll_into_view_if_needed()
    box = piece.evaluate(
        """(el, [a, b]) => {
            const range = document.createRange();
            range.setStart(el.firstChild, a);
            range.setEnd(el.firstChild, b);
            const rects = range.getClientRects();
            const head = rects[0], tail = rects[rects.length - 1];
            return {x0: head.left, y0: head.top + head.height / 2, x1: tail.right, y1: tail.top + tail.height / 2};
        }""",
        [first, last],
    )
    assert box["y0"] > 60, "the selection would start under Streamlit's sticky header"
    page.mouse.move(box["x0"] + 1, box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, box["y1"], steps=5)
    page.mouse.move(box["x1"] - 1, box["y1"], steps=5)
    page.mouse.up()


def test_researcher_imports_codes_a_span_and_a_turn_adds_a_memo_and_sees_it_all_after_a_reload(
    page: Page, server: Server, tmp_path: Path
) -> None:
    labels = _code_labels(server)
    text = _stored_text()
    span = (text.index(PHRASE), text.index(PHRASE) + len(PHRASE))
    turn_start = text.index(TURNS[TURN]) + len("R: ")
    whole_turn = (turn_start, turn_start + len(TURNS[TURN]) - len("R: "))

    # 1. sign in and import the .docx through the Import page
    sign_in(page, server, USER, demo_password(USER))
    _nav(page, "Import")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(_transcript_docx(tmp_path))
    wait_idle(page)
    expect(page.get_by_text(f"{TITLE}.docx · docx")).to_be_visible(timeout=60_000)  # the preview
    shoot(page, "researcher-import-preview")
    page.get_by_role("button", name="Import 1 file").click()
    expect(page.get_by_text("Imported 1 file.")).to_be_visible(timeout=90_000)
    wait_idle(page)
    shoot(page, "researcher-imported")

    # 2. the Code page, the new interview; a span selected with the mouse, coded with Apply
    view = _open_interview(page)
    second = view.locator('.wbc-turn[data-turn="1"]')
    piece = second.locator(".wbc-t").first
    before = text[int(piece.get_attribute("data-s") or "0") : span[0]]
    _drag_select(page, piece, _utf16(before), _utf16(before + PHRASE))
    expect(page.get_by_text(f"Selected characters {span[0]} to {span[1]} ")).to_be_visible()
    _choose(page, "Codes to apply", labels[SPAN_CODE])
    page.get_by_role("button", name="Apply").click()
    wait_idle(page)
    expect(page.get_by_text(f"Coded characters {span[0]} to {span[1]} with")).to_be_visible()
    expect(view.locator(f'.wbc-c[data-s="{span[0]}"]')).to_have_text(PHRASE)
    expect(page.get_by_text("No codings on this interview yet.")).to_have_count(0)  # the Codings tab lists it
    expect(page.get_by_role("combobox", name="Coding to change")).to_be_visible()
    shoot(page, "researcher-span-coded")

    # 3. the whole last turn: a click on its speaker, then the code's number typed in the view
    last_turn = view.locator(f'.wbc-turn[data-turn="{TURN}"]')
    expect(last_turn).to_have_attribute("data-start", str(whole_turn[0]))  # the page and the test agree
    last_turn.get_by_role("button", name=f"Select turn {TURN + 1} (R)").click()
    wait_idle(page)
    expect(page.get_by_text(f"Selected characters {whole_turn[0]} to {whole_turn[1]} ")).to_be_visible()
    page.keyboard.type(labels[TURN_CODE].split(" · ")[0])
    wait_idle(page)
    expect(page.get_by_text(f"Coded characters {whole_turn[0]} to {whole_turn[1]} with")).to_be_visible()
    expect(last_turn).to_have_attribute("data-coded", "1")
    shoot(page, "researcher-turn-coded")

    # 4. a memo on the interview
    page.get_by_role("tab", name="Interview memos").click()
    page.get_by_role("textbox", name="New memo on this interview").fill(MEMO)
    page.get_by_role("button", name="Add memo").click()
    wait_idle(page)
    expect(page.get_by_text("Memo added to the interview.")).to_be_visible()
    expect(page.get_by_test_id("stText").get_by_text(MEMO, exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name="New memo on this interview")).to_have_value("")  # ready for the next

    # 5. a reload is a new session: sign in again, and the same interview is back, with everything on it
    assert "interview=" in page.url, "the Code page keeps the interview in the URL"
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_role("textbox", name="User name").fill(USER)
    page.get_by_role("textbox", name="Password").fill(demo_password(USER))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Code", exact=True)).to_be_visible(timeout=60_000)
    wait_idle(page)
    view = page.get_by_test_id("wb-code-view")
    expect(view.locator(".wbc-turn")).to_have_count(len(TURNS))
    expect(view).to_contain_text("lighthouse in the fog")
    expect(view.locator(f'.wbc-c[data-s="{span[0]}"]')).to_have_text(PHRASE)
    expect(view.locator(f'.wbc-c[data-s="{whole_turn[0]}"]')).to_have_text(TURNS[TURN][len("R: ") :])
    expect(view.locator(".wbc-badge")).to_have_count(2)
    expect(view.locator(".wbc-badge").first).to_have_attribute("title", f"{labels[SPAN_CODE]} ({USER})")
    expect(view.locator(".wbc-badge").last).to_have_attribute("title", f"{labels[TURN_CODE]} ({USER})")
    expect(view.locator('.wbc-turn[data-coded="1"]')).to_have_count(2)
    expect(page.get_by_text("0 of 2 participant turns have none of the codings shown.")).to_be_visible()
    expect(page.get_by_role("combobox", name="Coding to change")).to_be_visible()
    shoot(page, "researcher-after-reload")
    page.get_by_role("tab", name="Interview memos").click()
    expect(page.get_by_test_id("stText").get_by_text(MEMO, exact=True)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shoot(page, "researcher-memo-after-reload")

    # 6. the project holds exactly these two codings, at exactly these offsets
    assert _stored_codings(server) == {
        (SPAN_CODE, *span, PHRASE),
        (TURN_CODE, *whole_turn, TURNS[TURN][len("R: ") :]),
    }


def _code_labels(server: Server) -> dict[str, str]:
    """Each code's label as the Code page numbers it (``13 · Turning points``), from the project's codebook."""
    ws = open_project(server.project, demo_password(USER), USER)
    try:
        return {n.code.name: n.label for n in code_numbers(codebook(ws)).values()}
    finally:
        ws.close()


def _stored_codings(server: Server) -> set[tuple[str, int, int, str]]:
    """(code name, start, end, text) of every coding on the imported interview, read through the services."""
    ws = open_project(server.project, demo_password(USER), USER)
    try:
        (interview,) = [i for i in list_interviews(ws) if i.title == TITLE]
        names = {c.id: c.name for c in codebook(ws)}
        return {(names[c.code_id], c.start, c.end, c.text) for c in interview_codings(ws, interview.id).codings}
    finally:
        ws.close()
