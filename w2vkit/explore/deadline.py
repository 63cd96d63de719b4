"""A deadline for each request's headers: a connection that has begun a request (or opened and said
nothing) and has not sent the whole request line and headers within HEADER_DEADLINE seconds is
closed.

uvicorn times out only an idle connection after a response (timeout_keep_alive), and counts every
open connection against limit_concurrency: 64 connections that each send half a request line and
stop would make every question answer 503 for as long as they stay open, and any local process can
open them without the token. uvicorn's h11 protocol has no such deadline of its own, so this is
that protocol with one timer per request (armed when its first byte may come, disarmed once h11
has read its headers)."""

from __future__ import annotations

HEADER_DEADLINE = 10.0  # seconds; a browser sends a request's headers in one packet


def protocol_with_deadline(seconds: float) -> type:
    """uvicorn's h11 protocol, closing a connection whose request headers take more than `seconds`.
    (uvicorn and h11 are the explore extra's: imported here, so the module imports without them.)"""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderDeadlineProtocol(H11Protocol):
        deadline_timer = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self.conn.their_state is h11.IDLE:  # (bytes of a request whose headers have not all come)
                self._arm()
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm()

        def connection_lost(self, exc) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self.deadline_timer is None:
                self.deadline_timer = self.loop.call_later(seconds, self._expired)

        def _disarm(self) -> None:
            if self.deadline_timer is not None:
                self.deadline_timer.cancel()
                self.deadline_timer = None

        def _expired(self) -> None:
            self.deadline_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeaderDeadlineProtocol
