"""The web app as served by `workbench serve`: app.py inside Streamlit's ASGI app, with security headers.

``streamlit run serve_app.py`` finds the ``app`` object below and serves it; see
``workbench/ui/headers.py`` for the headers and why.
"""

import streamlit as st
from starlette.middleware import Middleware

from workbench.ui.headers import SecurityHeaders

app = st.App("app.py", middleware=[Middleware(SecurityHeaders)])
