"""The push-only socket under a real daphne (autobahn decides which close codes go out)."""

from __future__ import annotations

import asyncio

import pytest
import websockets
from django.contrib.sessions.backends.db import SessionStore

from workshop import live
from workshop.services import participant_join

pytestmark = pytest.mark.django_db(transaction=True)


def origin_of(url: str) -> str:
    """The page a socket belongs to: the same host and port as the server."""
    return "http" + url.removeprefix("ws").split("/ws/")[0]


def joined_cookie(group) -> str:
    session = SessionStore()
    participant_join(session=session, workshop=group.workshop, group=group, display_name="Kim")
    session.save()
    return f"sessionid={session.session_key}"


async def frames_until_closed(url: str, cookie: str, send: str | bytes) -> int | None:
    """Send one frame after the snapshot; the close code the server sent (None: no close
    frame, as when the server drops the connection, or resets it while the frame is sent)."""
    try:
        return await _frames_until_closed(url, cookie, send)
    except (ConnectionResetError, websockets.ConnectionClosedError) as dropped:
        rcvd = getattr(dropped, "rcvd", None)
        return rcvd.code if rcvd is not None else None


async def _frames_until_closed(url: str, cookie: str, send: str | bytes) -> int | None:
    async with websockets.connect(
        url,
        origin=origin_of(url),
        additional_headers={"Cookie": cookie},
        max_size=None,
    ) as ws:
        first = await asyncio.wait_for(ws.recv(), 10)
        assert "data-snapshot" in first
        await ws.send(send)
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd is not None else None


@pytest.mark.parametrize(
    "frame",
    [pytest.param("hello", id="text"), pytest.param(b"\x00\x01", id="bytes")],
)
def test_a_frame_from_the_client_closes_the_socket_with_the_push_only_code(daphne, board_a, frame):
    cookie = joined_cookie(board_a.group)
    before = len(daphne.log_text())
    code = asyncio.run(frames_until_closed(f"{daphne.ws}/ws/boards/{board_a.pk}/", cookie, frame))
    assert code == live.CLOSE_PUSH_ONLY
    logged = daphne.log_text()[before:]
    assert "Traceback" not in logged
    assert "invalid close code" not in logged


def test_an_oversized_frame_closes_the_socket_cleanly(daphne, board_a):
    cookie = joined_cookie(board_a.group)
    before = len(daphne.log_text())
    url = f"{daphne.ws}/ws/boards/{board_a.pk}/"
    # Past daphne's limit (1 MiB): autobahn drops the connection (1009, or a reset while the
    # client is still sending), without a traceback, and the next socket works.
    code = asyncio.run(frames_until_closed(url, cookie, "x" * (2 << 20)))
    assert code in {None, 1009}
    assert asyncio.run(frames_until_closed(url, cookie, "again")) == live.CLOSE_PUSH_ONLY
    assert "Traceback" not in daphne.log_text()[before:]
