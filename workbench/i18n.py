"""Interface language: every user-facing string passes through :func:`gettext`.

Why a module of its own: pages, services (export headings) and ``errors.py``
all need the same look-up, and only ``workbench/ui`` may import streamlit, so
the current language cannot live in ``st.session_state`` here.

This first version returns the English source text unchanged; issue 21 fills
in the message catalogues (gettext via Babel) and the per-member language.
Wrap new strings now (``from workbench.i18n import gettext as _``) so that
they are extracted with the rest.
"""

from __future__ import annotations


def gettext(message: str) -> str:
    """Return ``message`` in the current interface language."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form of a message for ``n`` items."""
    return singular if n == 1 else plural


_ = gettext
