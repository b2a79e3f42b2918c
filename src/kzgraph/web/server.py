"""Running the web application on uvicorn, with a deadline for every request's head.

uvicorn (h11) times out only idle keep-alive connections after a response: a connection that
never sends a byte, or sends a header line every few seconds, is held for ever, and its
`limit_concurrency` counts such connections, so a few hundred of them made every other request
503. `GuardedH11Protocol` is uvicorn's own h11 protocol with two additions: a request's line
and headers must arrive within `header_timeout` seconds of the connection (or of the previous
response), or the connection is closed; and a request line or head over the size limit is
answered 414 / 431 (read to the end, so that the client sees the answer instead of a reset).
Concurrency is bounded where the work is (the query workers' lanes), not by counting sockets.
"""

from __future__ import annotations

import asyncio
import functools
import json
import resource

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import make_app
from .settings import ServeSettings

MAX_HEAD = 16 * 1024  # bytes of request line and headers (h11's default limit)
_LINGER_SECONDS = 2.0  # how long a refused request's rest is read before the connection closes
_REFUSALS = {
    414: ("URI Too Long", f"The request line is longer than {MAX_HEAD} bytes; POST long queries"),
    431: ("Request Header Fields Too Large", f"The request's headers are longer than {MAX_HEAD} bytes"),
}


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and 414/431 for oversized heads."""

    def __init__(self, *args, header_timeout: float = 10.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self._head_deadline: asyncio.TimerHandle | None = None
        self._refused = False

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # the answer is sent; what the client still sends is read and dropped
        if self.conn.their_state is h11.IDLE:
            pending = self.conn.trailing_data[0]
            if len(pending) + len(data) > MAX_HEAD:
                head = (pending + data)[: MAX_HEAD + 4]
                if b"\r\n\r\n" not in head and b"\n\n" not in head:  # a body may follow a whole head
                    self._refuse(431 if b"\n" in head else 414)
                    return
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm_head_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._arm_head_deadline()

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.header_timeout, self._head_timed_out)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()

    def _refuse(self, status: int) -> None:
        """Answer `status` without a parsed request (h11 can't), then read the rest and close."""
        self._refused = True
        self._disarm_head_deadline()
        reason, message = _REFUSALS[status]
        body = json.dumps({"message": message}).encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n"
        )
        self.transport.write(head.encode() + body)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(_LINGER_SECONDS, self.transport.close)


def server_options(settings: ServeSettings) -> dict:
    """uvicorn's options for `settings`: the guarded protocol, keep-alive, no Server header."""
    return {
        "http": functools.partial(GuardedH11Protocol, header_timeout=settings.header_timeout),
        "h11_max_incomplete_event_size": MAX_HEAD,
        "timeout_keep_alive": 5,
        "server_header": False,
    }


def raise_open_files_limit() -> None:
    """Let the process hold as many sockets as the system allows (the soft limit is often 1024)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, 65536) if hard == resource.RLIM_INFINITY else hard
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def run_serve(
    graph,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: ServeSettings = ServeSettings(),
    log_level: str = "info",
) -> None:
    """Serve `graph` until interrupted (uvicorn.run; tests patch it)."""
    raise_open_files_limit()
    uvicorn.run(
        make_app(graph, settings), host=host, port=port, log_level=log_level, **server_options(settings)
    )
