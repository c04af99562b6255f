"""User-written text made inert for Streamlit elements that render Markdown.

``st.markdown``, ``st.caption``, ``st.write`` of a string, ``st.success`` and the other
messages, and the labels of expanders, tabs and widgets all render Markdown, and
Markdown turns ``![x](http://host/beacon.png)`` into an image the browser fetches
and ``[re-enter your password](http://host)`` into a link. Code names and
definitions, memos, quotes, theme labels, participant values, interview titles and
member names are written by users or come from imported files, so every one of them
passes through ``md()`` before it meets a Markdown-rendering element: each ASCII
punctuation character is backslash-escaped (CommonMark allows that for all of them),
which leaves no link, image, autolink (``http\\://``, ``www\\.``), emphasis, heading,
HTML tag, maths, emoji or colour directive, and shows the text exactly as written.
Long free text is better shown with ``st.text`` (no Markdown at all) or inside
``html.escape``d HTML.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def md(value: object) -> str:
    """``value`` as text for a Markdown-rendering element: shown literally, never a link or image."""
    return _PUNCTUATION.sub(r"\\\1", str(value)).replace("\r", "")


def quote(value: object) -> str:
    """A block quote of user text (every line quoted, every character literal)."""
    return "\n".join(f"> {md(line)}" if line.strip() else ">" for line in str(value).splitlines()) or ">"
