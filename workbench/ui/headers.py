"""Security headers on every HTTP response of the app, through Streamlit's supported ASGI hook.

Streamlit (1.67) has no setting for response headers, but ``st.App`` takes Starlette
middleware; ``serve_app.py`` wraps ``app.py`` with this one and ``workbench serve`` runs it.
The Content-Security-Policy forbids loads from any other origin (images, scripts, styles,
fonts, frames, connections), so even a Markdown image that slipped past ``safe_text`` could
not reach a beacon; ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY`` stop another site
from framing the app (click-jacking); ``nosniff`` and ``no-referrer`` keep the browser from
guessing content types and from telling other sites which page linked to them. Inline
scripts and styles stay allowed because Streamlit's own page and its components use them;
what the policy removes is every other origin. The same headers are in
``deploy/Caddyfile`` for a TLS proxy in front of a team server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "media-src 'self' data: blob:",
        "connect-src 'self'",
        "frame-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """Pure ASGI middleware: adds ``SECURITY_HEADERS`` to every HTTP response (replacing any)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message.get("type") == "http.response.start":
                names = {name.lower().encode("latin-1") for name in SECURITY_HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                added = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = kept + added
            await send(message)

        await self.app(scope, receive, with_headers)
