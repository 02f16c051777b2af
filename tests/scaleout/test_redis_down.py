"""Redis down for a while: writes are still stored, the log says so once, new sockets are
refused cleanly (the page retries), and everything works again when Redis is back.

Runs its own redis-server (never the machine's shared one) next to a real daphne.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
import websockets
from django.contrib.sessions.backends.db import SessionStore

from boards.models import Card
from tests.servers import PrivateRedis, database_url, free_port, poster, start_daphne
from workshop import live
from workshop.services import participant_join

pytestmark = [pytest.mark.services("redis"), pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_and_daphne(tmp_path):
    from django.db import connection

    redis = PrivateRedis(free_port())
    redis.start()
    server = start_daphne(
        tmp_path / "daphne.log",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        STELLWAND_CHANNEL_PREFIX=f"down{uuid.uuid4().hex[:8]}",
        DJANGO_DEBUG="true",
    )
    yield redis, server
    server.stop()
    redis.stop()


async def first_frame_or_close(url: str, origin: str, cookie: str) -> str:
    """'snapshot' when the socket delivers the wall, else the close code it got."""
    try:
        async with websockets.connect(
            url, origin=origin, additional_headers={"Cookie": cookie}, open_timeout=10
        ) as ws:
            frame = await asyncio.wait_for(ws.recv(), 10)
            return "snapshot" if "data-snapshot" in frame else "other"
    except websockets.ConnectionClosed as closed:
        return str(closed.rcvd.code if closed.rcvd else None)
    except websockets.InvalidStatus as refused:
        return f"HTTP {refused.response.status_code}"


def test_writes_survive_a_redis_outage_and_the_log_says_it_once(redis_and_daphne, group_a):
    redis, server = redis_and_daphne
    session = SessionStore()
    participant_join(session=session, workshop=group_a.workshop, group=group_a)
    session.save()
    cookie = f"sessionid={session.session_key}"
    url = f"{server.ws}/ws/boards/{group_a.board.pk}/"
    post = poster(server.port, group_a.board.pk, session.session_key)

    assert asyncio.run(first_frame_or_close(url, server.url, cookie)) == "snapshot"
    assert post("Vor dem Ausfall", str(uuid.uuid4())) == 200

    redis.stop()
    before = len(server.log_text())
    statuses = [post(f"Während des Ausfalls {i}", str(uuid.uuid4())) for i in range(3)]
    assert statuses == [200, 200, 200]
    assert asyncio.run(first_frame_or_close(url, server.url, cookie)) == str(live.CLOSE_TRY_AGAIN)
    time.sleep(3)  # channels_redis' receive task fails once a second meanwhile
    during = server.log_text()[before:]
    assert "Traceback" not in during
    assert during.count("The channel layer is unreachable") == 1, during

    redis.start()
    deadline = time.monotonic() + 20
    while True:
        frame = asyncio.run(first_frame_or_close(url, server.url, cookie))
        if frame == "snapshot" or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert frame == "snapshot"
    assert post("Nach dem Ausfall", str(uuid.uuid4())) == 200
    after = server.log_text()[before:]
    assert after.count("The channel layer is back") == 1, after
    assert "Traceback" not in after
    texts = set(Card.objects.values_list("text", flat=True))
    assert texts == {
        "Vor dem Ausfall",
        "Während des Ausfalls 0",
        "Während des Ausfalls 1",
        "Während des Ausfalls 2",
        "Nach dem Ausfall",
    }
