"""Presence under a real daphne: a phone whose connection drops (no closing handshake, as
when it loses its network) stops counting as online; one that stays counts."""

from __future__ import annotations

import asyncio
import time

import pytest
import websockets

from tests.boards.test_consumers_daphne import joined_cookie, origin_of
from workshop.models import Presence

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


async def open_then_drop(url: str, cookie: str, check_online) -> None:
    ws = await websockets.connect(url, origin=origin_of(url), additional_headers={"Cookie": cookie})
    assert "data-snapshot" in await asyncio.wait_for(ws.recv(), 10)
    await asyncio.to_thread(check_online)
    ws.transport.abort()  # the TCP connection is gone, without a closing handshake


def test_a_dropped_connection_is_no_longer_online(daphne, board_a):
    cookie = joined_cookie(board_a.group)
    url = f"{daphne.ws}/ws/boards/{board_a.pk}/"
    before = len(daphne.log_text())

    def check_online():
        assert wait_for(lambda: Presence.objects.count() == 1)

    asyncio.run(open_then_drop(url, cookie, check_online))
    assert wait_for(lambda: not Presence.objects.exists())
    # The server still announces the departure to the consoles (it reads the database): let
    # it finish before the test's database is emptied, or PostgreSQL sees a deadlock.
    time.sleep(1.0)
    assert "Traceback" not in daphne.log_text()[before:]
