"""The scale-out path for real: two daphne workers sharing PostgreSQL and Redis.

A card posted to one worker reaches a phone connected to the other, and a retried POST sent
to both workers at once still makes exactly one card. Needs PostgreSQL (`PG_TEST_URL`); the
Redis is a redis-server of the test's own (tests/scaleout/conftest.py), and `REDIS_TEST_URL`
switches these tests on (see tests/services.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid

import pytest
import websockets

from tests.scaleout.cluster import Cluster
from tests.servers import poster

pytestmark = pytest.mark.services("postgres", "redis")


def test_a_card_posted_on_one_worker_reaches_a_phone_on_the_other(cluster: Cluster):
    port_a, port_b = (w.port for w in cluster.workers)
    data = cluster.database.take()
    board = data["board"]
    writer, reader = data["keys"][:2]
    post = poster(port_a, board, writer)
    text = f"Über Redis zum anderen Worker {uuid.uuid4().hex[:6]}"

    async def scenario() -> str:
        async with websockets.connect(
            f"ws://127.0.0.1:{port_b}/ws/boards/{board}/",
            origin=f"http://127.0.0.1:{port_b}",
            additional_headers={"Cookie": f"sessionid={reader}"},
        ) as ws:
            assert "data-snapshot" in await asyncio.wait_for(ws.recv(), 10)
            await asyncio.wait_for(ws.recv(), 10)  # the phone's own element
            status = await asyncio.to_thread(post, text, str(uuid.uuid4()))
            assert status == 200
            while True:
                message = await asyncio.wait_for(ws.recv(), 10)
                if text in message:
                    return message

    message = asyncio.run(scenario())
    assert 'data-rev="' in message


def test_one_retried_post_sent_to_both_workers_at_once_is_one_card(cluster: Cluster):
    data = cluster.database.take()
    board = data["board"]
    posts = [poster(w.port, board, data["keys"][0]) for w in cluster.workers]
    client_uuid = str(uuid.uuid4())
    text = "Fünfmal gesendet, einmal angeheftet"
    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda i: posts[i % 2](text, client_uuid), range(6))  # 3 on each worker
        )
    assert statuses == [200] * 6
    count = cluster.query("SELECT count(*) FROM boards_card WHERE client_uuid = %s", client_uuid)
    rev = cluster.query("SELECT rev FROM boards_board WHERE id = %s", board)
    assert count[0][0] == 1
    assert rev[0][0] >= 1


def test_a_participants_cards_are_counted_across_both_workers(cluster: Cluster):
    """The rate limit's counters are in Redis: posts alternating between the workers get the
    limit once (20 in a minute), not once on each worker."""
    data = cluster.database.take()
    board = data["board"]
    posts = [poster(w.port, board, data["keys"][0]) for w in cluster.workers]
    statuses = [posts[n % 2](f"Karte {n}", str(uuid.uuid4())) for n in range(30)]
    assert statuses[:20] == [200] * 20
    # A window's edge inside a slow burst may let one more through (the estimate slides).
    assert statuses.count(200) in {20, 21}
    assert statuses[-1] == 429
