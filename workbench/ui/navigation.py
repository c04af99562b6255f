"""Only the router in ``app.py`` decides which pages exist: Streamlit's ``pages/`` discovery is off.

Streamlit still carries its first multipage design: when a ``pages/`` folder sits beside the
main script, a process's runs go through a legacy router that turns every file in that folder
into a page, reachable by its URL, until some run calls ``st.navigation``. The very first
request to a fresh server (or every AppTest run, which resets the flag) would then run a page
script directly, without ``app.py`` choosing what a locked session or a member's role may see.
The flag is a class attribute read before each run; setting it before any session exists
keeps the legacy router out for the life of the process.
"""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager


def router_only() -> None:
    """Switch Streamlit's automatic ``pages/`` discovery off for this process."""
    PagesManager.uses_pages_directory = False
