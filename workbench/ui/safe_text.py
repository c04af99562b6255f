"""User-written text made inert for Streamlit elements that render Markdown.

``st.markdown``, ``st.caption``, ``st.write`` of a string, ``st.success`` and the other
messages, and the labels of expanders, tabs and widgets all render Markdown, and
Markdown turns ``![x](http://host/beacon.png)`` into an image the browser fetches
and ``[re-enter your password](http://host)`` into a link. Code names and
definitions, memos, quotes, theme labels, participant values, interview titles and
member names are written by users or come from imported files, so every one of them
passes through ``md()`` before it meets a Markdown-rendering element: each ASCII
punctuation character is backslash-escaped (CommonMark allows that for all of them),
which leaves no link, image, emphasis, heading, HTML tag, maths, emoji or colour
directive, and shows the text exactly as written. GitHub-flavoured Markdown also turns
bare ``http://...``, ``www.`` and e-mail addresses into links, and it does so on the
text after escapes are resolved (found in Chromium), so an invisible WORD JOINER
(U+2060) is put after every ``:`` and ``@`` and after ``www``: the text reads and
looks the same, but no autolink pattern matches.
Long free text is better shown with ``st.text`` (no Markdown at all) or inside
``html.escape``d HTML.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")
_AUTOLINK = re.compile(r"(\\[:@])|((?i:www)(?=\\\.))")
JOINER = "\u2060"


def md(value: object) -> str:
    """``value`` as text for a Markdown-rendering element: shown literally, never a link or image."""
    escaped = _PUNCTUATION.sub(r"\\\1", str(value)).replace("\r", "")
    return _AUTOLINK.sub(lambda m: m.group(0) + JOINER, escaped)


def quote(value: object) -> str:
    """A block quote of user text (every line quoted, every character literal)."""
    return "\n".join(f"> {md(line)}" if line.strip() else ">" for line in str(value).splitlines()) or ">"
