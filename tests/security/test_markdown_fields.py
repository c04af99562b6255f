"""Attack: Markdown in a user-written field makes the browser fetch a beacon or shows a phishing link.

A code definition holding ``![x](http://beacon.example/b.png)`` made every browser that
opened the Codebook page fetch the image (telling its owner who reads the codebook, and
when), and a code named ``[re-enter your password](http://evil.example/login)`` rendered
as a link. Every user-authored field that reaches a Markdown-rendering element goes
through ``workbench.ui.safe_text.md``. The test drives the real pages with AppTest, takes
every Markdown source they emit (bodies, captions, messages, expander and widget labels)
and renders it with a CommonMark renderer: no image and no link may come out, and no
bare ``http://``, ``www.`` or e-mail address (which GitHub-flavoured Markdown turns into a
link even after backslash escapes) may remain.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.ui.apptest import close, demo_project, new_app, open_page, serve
from workbench.domain.models import Code
from workbench.services.codebook.sync import install_codebook
from workbench.services.coding import add_interview_memo
from workbench.services.interviews import add_transcript
from workbench.services.projects import open_project
from workbench.ui.safe_text import JOINER, md

BEACON = "![x](http://beacon.example/b.png)"
LINK = "[re-enter your password](http://evil.example/login)"
HOSTILE = f"{LINK} {BEACON} <img src=http://beacon.example/c.png> www.evil.example mail@evil.example"
_RENDER = MarkdownIt("commonmark").enable("strikethrough")
_BARE_URL = re.compile(r"https?://|www\.|[\w.+-]@[\w-]", re.IGNORECASE)  # GFM autolinks, after escapes


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = demo_project(tmp_path_factory, "markdown")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        ws = open_project(directory, PASSPHRASE, "admin")
        try:
            code = Code(str(uuid.uuid4()), LINK, definition=HOSTILE, inclusion=BEACON, exclusion=LINK,
                        examples=(HOSTILE,), color="#112233")  # fmt: skip
            install_codebook(ws, [code], "hostile")
            interview = add_transcript(ws, "Interviewer: Hello?\n\nParticipant: Hello.", title=LINK, language="en")
            add_interview_memo(ws, interview, HOSTILE)
        finally:
            ws.close()
    return directory


def _sources(at: AppTest) -> Iterator[str]:
    """Every piece of Markdown the page asked Streamlit to render."""
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title", "subheader", "header"):
        for element in at.get(kind):
            yield str(getattr(element, "value", "") or getattr(element, "body", ""))
    for kind in ("expander", "tab", "multiselect", "selectbox", "text_input", "text_area", "button", "checkbox"):
        for element in at.get(kind):
            label = getattr(element, "label", None) or getattr(getattr(element, "proto", None), "label", "")
            yield str(label)


def _assert_inert(at: AppTest) -> None:
    assert not at.exception
    seen = list(_sources(at))
    shown = [*seen, *(str(e.value) for e in at.get("text")), *(str(o) for b in at.selectbox for o in b.options)]
    assert any("re-enter your password" in s.replace("\\", "") for s in shown)  # the field is shown...
    for source in seen:
        rendered = _RENDER.render(source)
        assert "<img" not in rendered and "<a " not in rendered, source  # ...but inert
        assert not _BARE_URL.search(source.replace("\\", "")), source
    for element in at.get("html"):
        body = str(element.proto.body)
        assert "beacon.example" not in body or "<img src=http://beacon" not in body


@pytest.mark.parametrize("page", ["pages/codebook.py", "pages/transcripts.py"])
def test_user_fields_render_as_text_on_every_page(
    hostile_project: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    serve(hostile_project, monkeypatch)
    at = open_page(new_app(), page, "admin")
    try:
        if page.endswith("transcripts.py"):
            box = at.selectbox[0]
            box.set_value(next(o for o in box.options if "re-enter" in o.replace("\\", ""))).run()
        _assert_inert(at)
    finally:
        close(at)


def test_the_helper_leaves_no_markup() -> None:
    for text in (BEACON, LINK, HOSTILE, "**bold** `code` $x$ :red[red] :material/home: # head\n> q"):
        rendered = _RENDER.render(md(text))
        assert "<img" not in rendered and "<a " not in rendered and "<strong>" not in rendered
        assert "<h1>" not in rendered and "<code>" not in rendered and "<blockquote>" not in rendered
        assert md(text).replace("\\", "").replace(JOINER, "") == text.replace("\r", "")
        assert not _BARE_URL.search(md(text).replace("\\", ""))
