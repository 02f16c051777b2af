"""Scenario 21: one of two workers killed mid-burst, and Redis down for a while.

Two real daphne workers on PostgreSQL and a private redis-server, behind a round-robin proxy;
phones are WebSockets through the proxy that behave as stellwand.js does (tests/scaleout/
cluster.py). Needs PostgreSQL (`PG_TEST_URL`); skipped without it, like the other scale-out
tests (which `REDIS_TEST_URL` switches on; the Redis they stop is always their own).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections import Counter

import pytest

from tests.scaleout.cluster import Cluster, Outbox, SocketPhone, wait_until
from tests.servers import poster
from workshop.live import LayerHealth

pytestmark = pytest.mark.services("postgres", "redis")

PHONES = 6
WRITERS = 3  # the first three phones' people write too
CARDS_EACH = 8  # fewer than the dozen a phone may send at once after being offline


async def connect_phones(cluster: Cluster, data: dict) -> list[SocketPhone]:
    """One after the other, so that the proxy's turns put them on both workers."""
    phones = []
    for n, key in enumerate(data["keys"]):
        phone = SocketPhone(f"phone-{n}", cluster.proxy, data["board"], key)
        phone.start()
        await wait_until(lambda p=phone: p.live, 20, f"{phone.name} to get its snapshot")
        phones.append(phone)
    return phones


async def all_converge(cluster: Cluster, phones: list[SocketPhone], board: int) -> None:
    def converged() -> bool:
        rev, cards = cluster.wall(board)
        return all(phone.converged(rev, set(cards)) for phone in phones)

    await wait_until(converged, 30, lambda: f"database {cluster.wall(board)[0]}, {phones}")


def assert_stored_once(cluster: Cluster, board: int, outbox: Outbox) -> None:
    """Every card whose POST got a 2xx is on the wall, once; nothing else is."""
    _rev, cards = cluster.wall(board)
    counts = Counter(cards.values())
    assert sorted(counts) == sorted(s.client_uuid for s in outbox.sent)
    assert set(counts.values()) == {1}
    texts = [
        row[0] for row in cluster.query("SELECT text FROM boards_card WHERE board_id = %s", board)
    ]
    assert sorted(texts) == sorted(s.text for s in outbox.sent)


def test_a_killed_workers_phones_resync_on_the_other_and_no_card_is_lost(cluster: Cluster):
    data = cluster.database.take()
    board = data["board"]
    doomed, survivor = cluster.workers
    outbox = Outbox()
    stored = threading.Semaphore(0)

    def write(n: int) -> None:
        post = poster(cluster.proxy.port, board, data["keys"][n])  # via the proxy: both workers
        for i in range(CARDS_EACH):
            outbox.send_until_stored(post, f"Karte {i} von Person {n}")
            stored.release()

    async def scenario() -> dict[str, object]:
        phones = await connect_phones(cluster, data)
        on_doomed = [p for p in phones if p.worker == doomed.port]
        assert len(on_doomed) == PHONES // 2, phones
        with concurrent.futures.ThreadPoolExecutor(WRITERS) as pool:
            burst = [pool.submit(write, n) for n in range(WRITERS)]
            for _ in range(WRITERS * CARDS_EACH // 4):  # a quarter of the burst is stored
                await asyncio.to_thread(stored.acquire)
            cut = cluster.proxy.open_links(doomed.port)
            cluster.kill(doomed)
            killed_at = time.monotonic()
            for future in burst:
                await asyncio.to_thread(future.result)
        await all_converge(cluster, phones, board)
        for phone in on_doomed:
            assert (phone.lost, phone.connects) == (1, 2), phone
            assert phone.worker == survivor.port, phone
        for phone in set(phones) - set(on_doomed):
            assert (phone.lost, phone.connects) == (0, 1), phone
        await asyncio.gather(*(phone.stop() for phone in phones))
        return {"cut": cut, "phones": phones, "killed_at": killed_at}

    seen = asyncio.run(scenario())
    assert len(outbox.sent) == WRITERS * CARDS_EACH
    after = [s for s in outbox.sent if s.at > seen["killed_at"]]
    assert 0 < len(after) < len(outbox.sent), "the kill was not in the middle of the burst"
    assert_stored_once(cluster, board, outbox)
    cut = seen["cut"]
    print(
        f"\nworker killed: {cluster.kills}; connections cut with it: {len(cut)}"
        f" ({sum(link.is_socket for link in cut)} sockets); POST retries: {outbox.retries};"
        f" resyncs: {sum(p.resyncs for p in seen['phones'])}; pushes put in order:"
        f" {sum(p.put_in_order for p in seen['phones'])}; pushes of a card already shown:"
        f" {sum(p.deduped for p in seen['phones'])}"
    )


def test_while_redis_is_down_writes_are_stored_and_every_phone_converges_after(cluster: Cluster):
    data = cluster.database.take()
    data["keys"] = data["keys"][:4]
    board = data["board"]
    workers = cluster.workers
    posts = [poster(w.port, board, data["keys"][n]) for n, w in enumerate(workers)]
    outbox = Outbox()

    def write_on_both(label: str, rounds: int) -> None:
        for i in range(rounds):
            for n, post in enumerate(posts):
                outbox.send_until_stored(post, f"{label} {i} über Worker {n}")

    async def scenario() -> list[SocketPhone]:
        phones = await connect_phones(cluster, data)
        assert {p.worker for p in phones} == {w.port for w in workers}, phones
        await asyncio.to_thread(write_on_both, "Vorher", 1)
        await all_converge(cluster, phones, board)

        cluster.redis_down()
        started = time.monotonic()
        await asyncio.to_thread(write_on_both, "Während", 3)
        assert all(s.tries == 1 for s in outbox.sent), "a write waited for Redis and failed"
        last_failed_push = time.monotonic()
        rev, stored = cluster.wall(board)
        assert len(stored) == 2 + 6  # stored meanwhile
        assert not any(p.rev == rev for p in phones), phones  # and no phone heard of them
        # A phone whose network blinks now finds both workers without Redis: refused (4013).
        blinked = phones[0]
        for link in cluster.proxy.open_links():
            if link.peer == blinked.peer:
                cluster.proxy.drop(link)
        await wait_until(lambda: blinked.refused >= 3, 20, lambda: repr(blinked))
        refused_by = {cluster.proxy.worker_of(peer, open=False) for peer in blinked.peers[1:]}
        assert refused_by == {w.port for w in workers}, blinked
        outage = time.monotonic() - started

        cluster.redis_up()
        # The first push after a failed one waits LayerHealth.RETRY_SECONDS (not observable).
        await asyncio.sleep(
            max(0.0, last_failed_push + LayerHealth.RETRY_SECONDS + 0.5 - time.monotonic())
        )
        await wait_until(lambda: blinked.live, 20, lambda: repr(blinked))
        # The next change brings every phone, on either worker, to the database's state.
        await asyncio.to_thread(write_on_both, "Nachher", 1)
        await all_converge(cluster, phones, board)
        assert blinked.lost == 1, blinked
        assert not any(p.lost for p in phones[1:]), phones  # their sockets stayed open
        print(
            f"\nRedis down: {cluster.outages} time(s), {outage:.1f} s; connections dropped: 1,"
            f" its sockets refused meanwhile: {blinked.refused}; phones: {phones}"
        )
        await asyncio.gather(*(phone.stop() for phone in phones))
        return phones

    asyncio.run(scenario())
    assert len(outbox.sent) == 2 + 6 + 2
    assert_stored_once(cluster, board, outbox)
    log = cluster.log_text()
    assert "Traceback" not in log, log
