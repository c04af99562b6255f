"""One number per code on every page, and group codes shown as headers that cannot be applied.

Issue 20, item 2: the Transcripts page numbered grouping codes too, so a code had one number
there and another on the Code page, whose list also dropped the group headers.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import demo_project, sign_in

_CODE_ROW = re.compile(r'<div class="wbc-code"[^>]*><span[^>]*>(\d+)</span> ([^<]*)</div>')
_GROUP_ROW = re.compile(r'<div class="wbc-group"[^>]*>([^<]*)</div>')
_LEGEND_ROW = re.compile(r"&nbsp;\[(\d+)\]&nbsp;</span> ([^<]*)</div>")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "numbers")


def _html(at: AppTest, marker: str) -> str:
    return next(e.proto.body for e in at.get("html") if marker in e.proto.body)


def test_a_code_has_the_same_number_on_the_code_and_transcripts_pages(app: AppTest) -> None:
    sign_in(app)
    app.switch_page("pages/code.py").run()
    code_list = _html(app, "wbc-code")
    on_code_page = {html.unescape(name): int(n) for n, name in _CODE_ROW.findall(code_list)}
    app.switch_page("pages/transcripts.py").run()
    legend = {html.unescape(name): int(n) for n, name in _LEGEND_ROW.findall(_html(app, "&nbsp;["))}
    assert legend, "the Transcripts legend lists the codes used"
    assert all(on_code_page.get(name) == number for name, number in legend.items()), (legend, on_code_page)
    groups = [html.unescape(g) for g in _GROUP_ROW.findall(code_list)]
    assert not set(groups) & set(legend), "group codes carry no number anywhere"


def test_group_codes_are_headers_above_their_children_in_the_code_list(app: AppTest) -> None:
    sign_in(app)
    app.switch_page("pages/code.py").run()
    code_list = _html(app, "wbc-code")
    groups = _GROUP_ROW.findall(code_list)
    assert groups, "the demo codebook has grouping codes; the list shows them"
    first_group = code_list.index('class="wbc-group"')
    assert 'aria-label="' in code_list[first_group:] and "(group, not codable)" in code_list
    numbers = [int(n) for n, _ in _CODE_ROW.findall(code_list)]
    assert numbers == list(range(1, len(numbers) + 1)), "codable codes are numbered 1, 2, ... in list order"
    # A filter keeps a matching child's group above it.
    child = _CODE_ROW.findall(code_list[first_group:])[0][1]
    app.text_input(key="code.find").input(html.unescape(child)).run()
    filtered = _html(app, "wbc-code")
    assert _GROUP_ROW.findall(filtered)[0] == groups[0] and len(_CODE_ROW.findall(filtered)) >= 1
