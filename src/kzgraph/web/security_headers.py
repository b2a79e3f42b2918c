"""Security headers on every response: a Content-Security-Policy whose only inline scripts and
styles are the ones this server wrote (a fresh nonce per request, `csp_nonce` in templates),
no sniffing, no framing, no referrer.

The policy forbids `unsafe-inline`, so a `<script>` or an `onclick=` that reached a page from
loaded data does not run, nor does a `javascript:` link.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The vendored YASGUI's table column resizer adds two constant <style> elements (its layout
# rules and, while a column is dragged, `*{cursor:col-resize!important}`): allowed by hash.
YASGUI_STYLE_HASHES = (
    "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=",
    "sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg=",
)
# The vendored vis-network 9.1.2 (lineage page, editor graph view) injects its stylesheet as
# seven constant <style> elements, created empty first: allowed by hash (Chromium names
# the hash of each one it blocks; tests/test_serve_browser.py fails when the vendored build changes).
VIS_NETWORK_STYLE_HASHES = (
    "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",  # the empty element
    "sha256-4cgFR0//m8/eHo2G/esYsuZetUHlzCUWYM59sfgE9zY=",
    "sha256-IY7YKNHjbzQ1NfAKrBZvBZohgXMtxrqB9PaqhAaT3vg=",
    "sha256-OutIf5hnp68ctx4ThtV5J02g5HTJ5bbu/hkNfqVXWWo=",
    "sha256-QE7TOEDW7YIlMzvUUnm8boDWeNBN7PBbaaYJjnp34WI=",
    "sha256-QuPewnJYr+SnQiTnCNHFBw99ExTsz9f8w5320PimEPw=",
    "sha256-gGUn/VMBXCeWm86qX/pOf+4ZDSbe0JcaXXb4rJjw1mA=",
    "sha256-uepMTym1NwItBa/XV6ef6fQobLL0A0CNVDM5km5L+nQ=",
)
STYLE_HASHES = YASGUI_STYLE_HASHES + VIS_NETWORK_STYLE_HASHES


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}' " + " ".join(f"'{h}'" for h in STYLE_HASHES),
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """ASGI middleware: a nonce in `scope["state"]["csp_nonce"]`, and the headers on the answer."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(18)
        scope.setdefault("state", {})["csp_nonce"] = nonce

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = content_security_policy(nonce)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "no-referrer"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csp_nonce(request: Request) -> dict[str, str]:
    """Templates' context: `csp_nonce`, for the `<script nonce>` a page may inline."""
    return {"csp_nonce": request.state.csp_nonce}
