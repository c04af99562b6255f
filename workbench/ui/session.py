"""Per-browser-session state: the unlocked workspace, idle timeout, error display.

This module owns what a session holds; ``workbench.ui.unlock`` owns the sign-in form and the
gate that puts it in place of a page. The form calls in here; nothing here calls the form.

The workspace (and with it the decrypted keys) lives in ``st.session_state``,
which belongs to one browser session. Nothing decrypted is ever put in
``st.cache_data`` or ``st.cache_resource``, which are shared by all users.
Signing out and the idle lock clear the whole session state but a short
allow-list, so nothing a page decrypted is offered to the next person.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from workbench.errors import WorkbenchError
from workbench.i18n import gettext as _
from workbench.services.projects import open_project
from workbench.services.workspace import Workspace

PROJECT_ENV = "WORKBENCH_PROJECT"
IDLE_TIMEOUT_ENV = "WORKBENCH_IDLE_MINUTES"
_WS = "workspace"
_LAST_SEEN = "last_seen"
_LOCK_MESSAGE = "lock_message"
# What survives sign-out and the idle lock: the message saying why, the session's sign-in client
# name (so signing out does not reset its failure count), and the upload widgets' round counters
# (plain integers that make the next uploader a fresh widget). Nothing else.
_CLIENT = "signin_client"  # a random name for this browser session, for the sign-in limits
# The interface language stays too, so the sign-in form after sign-out speaks the member's language.
KEEP_ON_LOCK = frozenset({_LOCK_MESSAGE, _CLIENT, "import_round", "exchange_round", "interface_language"})
_FORGET = "forget_widgets"  # set by lock() after the clearing: the next run's start drops Streamlit's widget state
log = logging.getLogger("workbench.ui")


def project_dir() -> Path | None:
    value = os.environ.get(PROJECT_ENV)
    return Path(value) if value else None


def idle_timeout_s() -> float:
    return float(os.environ.get(IDLE_TIMEOUT_ENV, "30")) * 60


def workspace() -> Workspace | None:
    """The unlocked workspace of this browser session, after the idle check."""
    ws = st.session_state.get(_WS)
    if ws is None:
        return None
    last = float(st.session_state.get(_LAST_SEEN, time.monotonic()))
    if time.monotonic() - last > idle_timeout_s():
        lock(_("You were idle for too long; the project was locked and decrypted data dropped."))
        return None
    st.session_state[_LAST_SEEN] = time.monotonic()
    return ws  # type: ignore[no-any-return]


def client_id() -> str:
    """Who is knocking, for per-client sign-in limits: the browser's address and its session.

    The session is part of the key because every browser on the server's own machine (and
    every one behind a reverse proxy) has the same address: keyed by address alone, twenty
    failures in one tab paused sign-in for everyone, the admin with the right password too.
    Opening new sessions does not buy guesses: each member's own limit counts all sessions.
    """
    try:
        address = st.context.ip_address
    except Exception:  # outside a browser session there is no address
        address = None
    if not isinstance(address, str):  # AppTest hands out a mock object
        address = None
    session = st.session_state.get(_CLIENT)
    if not isinstance(session, str):
        session = st.session_state[_CLIENT] = uuid.uuid4().hex[:12]
    return f"web:{address or 'local'}:{session}"


def unlock(secret: str, user_name: str | None) -> None:
    directory = project_dir()
    if directory is None:
        raise WorkbenchError(_("No project is configured: start the app with `workbench serve DIR`."))
    st.session_state[_WS] = open_project(directory, secret, user_name or None, client=client_id())
    st.session_state[_LAST_SEEN] = time.monotonic()


def lock(message: str | None = None) -> None:
    """Close the workspace and drop every session value not on ``KEEP_ON_LOCK``.

    Pages keep decrypted things in session state (a prepared ``.qdpx``, export
    results, suggestions, search hits, widget values holding memo text). Clearing
    by allow-list rather than by a list of known sensitive keys means a page
    written later is covered without anyone remembering to add its keys here.
    """
    ws = st.session_state.pop(_WS, None)
    if ws is not None:
        ws.close()
    for key in list(st.session_state.keys()):
        if key not in KEEP_ON_LOCK:
            with contextlib.suppress(KeyError, StreamlitAPIException):
                del st.session_state[key]
    if message:
        st.session_state[_LOCK_MESSAGE] = message
    st.session_state[_FORGET] = True


def forget_locked_widgets() -> None:
    """After a lock, drop what Streamlit keeps outside the keys ``st.session_state`` lists.

    Keyless widgets' values (a typed search, a memo) and every widget's callback live in
    Streamlit's own widget state, kept across pages; a callback holds its page's globals, and
    those hold what the page decrypted (search results, a transcript). Deleting the listed keys
    (``lock``) does not reach them, so the router calls this at the top of the next run, after
    callbacks have run and before any widget registers, where clearing is safe.
    """
    if not st.session_state.pop(_FORGET, False):
        return
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    kept = {key: st.session_state[key] for key in KEEP_ON_LOCK if key in st.session_state}
    safe = ctx.session_state
    with safe._lock:  # Streamlit's own lock around its session state
        widgets = safe._state._new_widget_state
        safe._state.clear()  # values, old values, key mappings
        widgets.widget_metadata.clear()  # WStates.clear() leaves the callbacks (and their pages' globals)
    for key, value in kept.items():
        st.session_state[key] = value


def take_lock_message() -> str | None:
    """Why the session was locked (sign-out, idle), once: the sign-in form shows it."""
    message = st.session_state.pop(_LOCK_MESSAGE, None)
    return str(message) if message else None


@contextmanager
def shown_errors() -> Iterator[None]:
    """Show a researcher-readable message instead of a traceback (which may hold data)."""
    try:
        yield
    except WorkbenchError as exc:
        st.error(str(exc))
    except Exception as exc:
        ref = uuid.uuid4().hex[:8]
        log.error("unexpected %s in the app (reference %s)", type(exc).__name__, ref)
        st.error(
            _(
                "Something went wrong ({kind}, reference {ref}). "
                "No data was lost; the details are withheld because they might contain interview text."
            ).format(kind=type(exc).__name__, ref=ref)
        )
