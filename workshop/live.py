"""The only door to the channel layer.

Group names are built here from server-side ids only. Sends are registered with
`transaction.on_commit`, so a rolled-back write never announces anything.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connections, transaction
from django.utils.html import escape

logger = logging.getLogger(__name__)


class Audience(StrEnum):
    """Who looks at a board: each audience gets its own rendering of a change."""

    FACILITATORS = "facilitators"
    PARTICIPANTS = "participants"
    PROJECTOR = "projector"


# Close codes in the 4000 range: the client shows why and does not reconnect.
CLOSE_REMOVED = 4001
CLOSE_WORKSHOP_CLOSED = 4002
CLOSE_PROJECTOR_REVOKED = 4003
CLOSE_GROUP_REMOVED = 4004
CLOSE_WORKSHOP_DELETED = 4005
# The socket is push-only: a client that sends a frame is closed (the 4000 range, because
# autobahn refuses 1008 from an application and turns it into 1011 with a traceback).
CLOSE_PUSH_ONLY = 4008
# The channel layer (Redis) is unreachable: the client retries with backoff ("reconnecting").
CLOSE_TRY_AGAIN = 4013


def languages() -> list[str]:
    """Every interface language: a board fragment is rendered once in each."""
    return [code for code, _name in settings.LANGUAGES]


def board_group(board_id: int, audience: Audience, language: str | None = None) -> str:
    """Sockets showing `board_id` to `audience` in `language` (default: the site's)."""
    return f"board.{board_id}.{audience}.{language or settings.LANGUAGE_CODE}"


def workshop_group(workshop_id: int, audience: Audience, language: str | None = None) -> str:
    """Workshop-wide pushes: rendered content per language; without one, for closing sockets."""
    if language is None:
        return f"workshop.{workshop_id}.{audience}"
    return f"workshop.{workshop_id}.{audience}.{language}"


def plenary_group(workshop_id: int, audience: Audience, language: str) -> str:
    """Sockets showing the workshop's plenary to `audience` in `language`."""
    return f"plenary.{workshop_id}.{audience}.{language}"


def revision_group(board_id: int) -> str:
    """Every socket showing `board_id`, whoever and in whatever language: its revision signal."""
    return f"board.{board_id}.rev"


def participant_group(participant_id: int) -> str:
    return f"participant.{participant_id}"


def personal_group(participant_id: int, language: str) -> str:
    """What only this participant sees (their hidden cards, their dots), in their language."""
    return f"participant.{participant_id}.{language}"


def facilitator_group(workshop_id: int, user_id: int) -> str:
    """One facilitator's sockets in one workshop: closed when they are removed from it."""
    return f"workshop.{workshop_id}.user.{user_id}"


class LayerHealth:
    """Whether the channel layer answers: one log line when it stops, one when it is back.

    While it is down, pushes are skipped for a moment after each failure instead of each
    write waiting for Redis again: writes are stored either way, and every client resyncs
    from its revision when its socket is back.
    """

    RETRY_SECONDS = 2.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_since: float | None = None
        self._next_try = 0.0

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def should_try(self) -> bool:
        return self.down_since is None or time.monotonic() >= self._next_try

    def failed(self, error: BaseException, *, pause_pushes: bool = False) -> None:
        with self._lock:
            first = self.down_since is None
            if first:
                self.down_since = time.monotonic()
            if pause_pushes:
                self._next_try = time.monotonic() + self.RETRY_SECONDS
        if first:
            logger.warning(
                "The channel layer is unreachable (%s: %s). Writes are still stored; live "
                "updates pause until it is back.",
                type(error).__name__,
                error,
            )

    def ok(self) -> None:
        """A push went through (subscribing is no proof: a known group needs no Redis call)."""
        with self._lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            logger.warning(
                "The channel layer is back after %.0f s; clients resync.", time.monotonic() - since
            )


health = LayerHealth()


def _group_send(group: str, message: dict[str, object]) -> None:
    layer = get_channel_layer()
    if layer is None or not health.should_try():
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception as error:
        # The write is committed; clients resync on reconnect. Never fail the request.
        health.failed(error, pause_pushes=True)
    else:
        health.ok()


class QuietLayerErrors(logging.Filter):
    """channels_redis logs a traceback a second while Redis is down: count it as the outage."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            health.failed(record.exc_info[1])
            return False
        return True


def _push(render: Callable[[], dict[str, str]]) -> None:
    try:
        fragments = render()
    except Exception:
        # Committed is committed: a failed render (say, the board is gone by now)
        # must not turn the request into an error. Clients resync on their next connect.
        logger.exception("rendering a live push failed")
        return
    for group, html in fragments.items():
        _group_send(group, {"type": "board.fragment", "html": html})


def send_html_on_commit(render: Callable[[], dict[str, str]]) -> None:
    """After commit, call `render` for {group: html} and push each fragment to its group."""
    transaction.on_commit(lambda: _push(render))


class Coalescer:
    """At most one send per key every `interval` seconds, rendered when it goes out.

    The first change for a key goes out at once; changes within `interval` after a send
    wait for one send at the end of it, which renders the state of that moment. So a room of
    people tapping "I'm done" or placing dots costs a board two pushes a second, not one per
    tap. A key holds parts (the timer, the done count, the facilitators' wall): each part's
    latest render goes out in the same send, as its own message.
    """

    def __init__(self, interval: float = 0.5, *, leading: bool = True) -> None:
        self.interval = interval
        # Without `leading`, even the first change waits `interval`: a debounce whose one send
        # renders the state at its end (the revision signal).
        self.leading = leading
        self.clock: Callable[[], float] = time.monotonic
        # Off in the unit tests: nothing renders on another thread; they call `flush`.
        self.threads = True
        self._lock = threading.Lock()
        self._pending: dict[str, dict[str, Callable[[], dict[str, str]]]] = {}
        self._timers: dict[str, threading.Timer] = {}
        self._last: dict[str, float] = {}

    def request(self, key: str, part: str, render: Callable[[], dict[str, str]]) -> None:
        with self._lock:
            if key in self._pending:
                self._pending[key][part] = render
                return
            self._pending[key] = {part: render}
            if self.leading:
                wait = self._last.get(key, float("-inf")) + self.interval - self.clock()
            else:
                wait = self.interval
            if wait > 0:
                if self.threads:
                    timer = threading.Timer(wait, self._fire, args=(key, _main_loop()))
                    timer.daemon = True
                    self._timers[key] = timer
                    timer.start()
                return
        self._send(key)

    def pending(self) -> list[str]:
        with self._lock:
            return list(self._pending)

    def _send(self, key: str) -> None:
        with self._lock:
            parts = self._pending.pop(key, None)
            self._timers.pop(key, None)
            if parts is None:
                return
            self._last[key] = self.clock()
        for render in parts.values():
            _push(render)

    def _fire(self, key: str, loop: object) -> None:
        # Back on the server's event loop for the send, as a request thread would be: the
        # in-memory layer's queues belong to that loop.
        if loop is not None:
            SyncToAsync.threadlocal.main_event_loop = loop
            SyncToAsync.threadlocal.main_event_loop_pid = os.getpid()
        try:
            self._send(key)
        finally:
            connections.close_all()

    def flush(self) -> None:
        """Send everything pending now, in this thread."""
        with self._lock:
            timers = list(self._timers.values())
            self._timers.clear()
        for timer in timers:
            timer.cancel()
        for key in self.pending():
            self._send(key)

    def reset(self) -> None:
        """Forget pending sends and when each key last went out."""
        with self._lock:
            for timer in self._timers.values():
                timer.cancel()
            self._timers.clear()
            self._pending.clear()
            self._last.clear()


def _main_loop() -> object:
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if loop is None or getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    return loop if loop.is_running() else None


coalescer = Coalescer()
# The revision signal of each board, a second after its first change: see `signal_on_commit`.
signals = Coalescer(interval=1.0, leading=False)


def send_html_coalesced(key: str, render: Callable[[], dict[str, str]], *, part: str = "") -> None:
    """After commit, push `render`'s {group: html} for `key` within the budget: at once if
    nothing went out for `key` in the last half second, else once at its end."""
    transaction.on_commit(lambda: coalescer.request(key, part, render))


def signal_on_commit(key: str, render: Callable[[], dict[str, str]]) -> None:
    """After commit, push `render`'s {group: html} once, `signals.interval` after the first
    change for `key`, rendered then: a burst of changes costs one send.

    This is how every screen of a board learns the board's newest revision about a second
    after it changed, even when the push of that change was lost on its way: the client
    fetches a snapshot if it is still behind shortly after (`static/js/stellwand.js`).
    """
    transaction.on_commit(lambda: signals.request(key, "", render))


def flush_coalesced() -> None:
    """Send every coalesced push and signal that is waiting (for tests, and at shutdown)."""
    coalescer.flush()
    signals.flush()


def close_on_commit(groups: list[str], code: int) -> None:
    """After commit, close every socket in `groups` with `code` (they will not reconnect)."""

    def push() -> None:
        for group in groups:
            _group_send(group, {"type": "socket.close", "code": code})

    transaction.on_commit(push)


def navigate_html(url: str) -> str:
    """What a page follows at once: stellwand.js goes to `url` (a path of this site)."""
    return f'<template data-navigate="{escape(url)}"></template>'


def navigate_on_commit(groups: list[str], url: str) -> None:
    """After commit, every socket in `groups` sends its page to `url` and closes: it stops
    getting what it showed (a moved participant's old group) even if the page does not go."""

    def push() -> None:
        for group in groups:
            _group_send(group, {"type": "socket.navigate", "html": navigate_html(url)})

    transaction.on_commit(push)


def _layer_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError, TimeoutError)


class TryAgainWhenLayerDown:
    """ASGI middleware for sockets: a consumer that cannot reach the channel layer before it
    has answered the handshake (Channels subscribes its channel first) gets a clean close
    with CLOSE_TRY_AGAIN instead of an HTTP 500 and a traceback."""

    def __init__(self, application) -> None:
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        answered = False

        async def watched_send(message):
            nonlocal answered
            answered = True
            await send(message)

        try:
            return await self.application(scope, receive, watched_send)
        except _layer_errors() as error:
            if answered:
                raise
            health.failed(error)
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})
            return None
