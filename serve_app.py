"""The web app as served by `workbench serve`: app.py inside Streamlit's ASGI app, with security headers.

``streamlit run serve_app.py`` finds the ``app`` object below and serves it; see
``workbench/ui/headers.py`` for the headers and why. It runs once per server process, before
any browser session, so it is where Streamlit's own ``pages/`` discovery is switched off
(``workbench/ui/navigation.py``): only ``app.py``'s ``st.navigation`` list makes pages.
"""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from workbench.ui import warmup
from workbench.ui.headers import SecurityHeaders
from workbench.ui.navigation import router_only

router_only()
warmup.start()  # scipy's clustering, imported before the first lead opens Pathways
# app.py beside this file, in a checkout and inside the installed wheel (workbench/_app/).
app = st.App(str(Path(__file__).resolve().parent / "app.py"), middleware=[Middleware(SecurityHeaders)])
