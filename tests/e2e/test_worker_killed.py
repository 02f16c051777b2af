"""Scenario 21 on a real phone: its worker is killed, then Redis is down for a while.

Chromium reaches two daphne workers (PostgreSQL, a private redis-server) through the
round-robin proxy of tests/scaleout/cluster.py. After the outage the board first stays
quiet (the page's 30 s safety resync catches up; the page's clock is moved on for it), then
a change is pushed again. Needs PostgreSQL (`PG_TEST_URL`); `REDIS_TEST_URL` switches it on
like the other scale-out tests.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Screens, Server, cards, choose_group_and_join, expect_live, pin
from tests.scaleout.cluster import Cluster, ScaleoutDatabase, start_cluster
from tests.servers import poster
from workshop.live import LayerHealth

pytestmark = [pytest.mark.e2e, pytest.mark.services("postgres", "redis")]


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    database = ScaleoutDatabase(workshops=1, participants=1)
    try:
        with start_cluster(database, tmp_path) as running:
            yield running
    finally:
        database.drop()


@pytest.fixture
def screens(new_context, cluster: Cluster) -> Iterator[Screens]:
    """Phones through the proxy, checked like every browser test's (hosts, errors, CSP)."""
    proxy = cluster.proxy
    server = Server(url=proxy.url, port=proxy.port, db_path="", log=cluster.logs / "none")
    s = Screens(new_context=new_context, server=server, log=[])
    yield s
    for context in s.contexts:
        context.close()
    s.check()


def board_sockets(cluster: Cluster, board: int) -> list:
    return [x for x in cluster.proxy.open_links() if f" /ws/boards/{board}/" in x.request]


def shows_the_database(phone: Page, cluster: Cluster, board: int, count: int) -> None:
    """Every card on the wall exactly once, at the database's revision (`count` cards)."""
    rev, wall = cluster.wall(board)
    texts = cluster.query("SELECT text FROM boards_card WHERE board_id = %s", board)
    assert len(wall) == len(texts) == count
    for (text,) in texts:
        expect(cards(phone, board, text)).to_have_count(1, timeout=20_000)
    expect(cards(phone, board)).to_have_count(count)
    expect(phone.locator(f"#board-{board}-rev")).to_have_attribute("data-rev", str(rev))


def pinned(phone: Page, board: int, text: str, timeout: float = 10_000) -> None:
    """The phone pins a card and shows it: it is stored (the answer brings it)."""
    pin(phone, text)
    expect(cards(phone, board, text)).to_have_count(1, timeout=timeout)


def test_a_phone_rides_out_its_worker_killed_and_a_redis_outage(screens, cluster: Cluster):
    data = cluster.database.take()
    board = data["board"]
    phone = screens.phone()
    phone.clock.install()  # runs as usual; the test moves it on once, past the safety resync
    phone.goto(f"/j/{data['join_code']}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)
    (before,) = board_sockets(cluster, board)
    doomed, survivor = sorted(cluster.workers, key=lambda w: w.port != before.worker)
    other = {w.port: poster(w.port, board, data["keys"][0]) for w in cluster.workers}

    def write(worker, text: str) -> None:
        assert other[worker.port](text, str(uuid.uuid4())) == 200

    write(doomed, "Über den Worker, der gleich stirbt")
    write(survivor, "Über den Worker, der bleibt")
    pinned(phone, board, "Vom Telefon, vorher")
    shows_the_database(phone, cluster, board, 3)

    cut = cluster.proxy.open_links(doomed.port)
    cluster.kill(doomed)
    write(survivor, "Während das Telefon neu verbindet")
    pinned(phone, board, "Vom Telefon, während es neu verbindet", timeout=30_000)
    expect_live(phone, timeout=30_000)
    (after,) = board_sockets(cluster, board)
    assert after is not before
    assert not before.open
    assert after.worker == survivor.port
    shows_the_database(phone, cluster, board, 5)

    cluster.redis_down()
    write(survivor, "Vom Nachbarn, ohne Redis")
    pinned(phone, board, "Vom Telefon, ohne Redis")
    last_failed_push = time.monotonic()
    expect(cards(phone, board, "Vom Nachbarn, ohne Redis")).to_have_count(0)  # not pushed
    cluster.redis_up()
    # Nothing changes after the outage: the page's safety resync (every 30 s) catches up.
    phone.clock.fast_forward("00:40")
    shows_the_database(phone, cluster, board, 7)
    # The first push after a failed one waits LayerHealth.RETRY_SECONDS (not observable).
    time.sleep(max(0.0, last_failed_push + LayerHealth.RETRY_SECONDS + 0.5 - time.monotonic()))
    write(survivor, "Nach dem Ausfall")  # pushed again
    shows_the_database(phone, cluster, board, 8)
    expect(phone.locator("[data-pending-list] li")).to_have_count(0)
    print(f"\nworker killed: 1, connections cut with it: {len(cut)}; Redis down: 1")
