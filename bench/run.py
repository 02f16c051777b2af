"""Card-to-screen latency: Stellwand against a bare WebSocket relay, measured in the same run.

Starts daphne (embedded default: SQLite file, in-memory channel layer) on a free port on
127.0.0.1, connects N phones' sockets to one board, posts K cards over HTTP as a real phone
would, and times each card from the start of its POST until it has arrived on every socket.
The baseline is a bare `websockets` relay on the same machine doing the same fan-out. The
machine is noisy: read the ratio, not the milliseconds.

It then measures a burst: posters that send cards at the same moment, as a room does
after "Please write your ideas now". The pushes of one board can then arrive out of revision
order; the numbers say how many phones saw a revision skipped (each would have fetched a
snapshot at once before the client waited for the skipped one), how many would still fetch one
after waiting a second, and how long after the last push the board's revision signal came.

    .venv/bin/python bench/run.py [--phones 30] [--cards 40] [--posters 8]
        [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--redis redis://127.0.0.1:6379/5]

With --postgres (a server to create the database `stellwand_bench` on) and --redis (a channel
layer database of its own: the benchmark does not flush it), the server runs as in production.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import json
import logging
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def prepare(db_url: str, phones: int) -> tuple[int, list[str]]:
    """Create a workshop with one group and `phones` participants; return board id, sessions."""
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from boards.services import GroupSpec, workshop_create_with_groups
    from workshop.services import participant_join

    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    workshop = workshop_create_with_groups(
        user=user, groups=[GroupSpec("Mobilität")], title="Benchmark"
    )
    group = workshop.groups.get()
    keys = []
    for _ in range(phones + 1):
        session = SessionStore()
        participant_join(session=session, workshop=workshop, group=group)
        session.save()
        keys.append(session.session_key)
    return group.board.pk, keys


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def fan_out(sockets: list, marker: str, started: float) -> float:
    """Wait until `marker` arrived on every socket; return the slowest arrival (ms)."""

    async def one(ws) -> float:
        while True:
            message = await ws.recv()
            if marker in message:
                return (time.perf_counter() - started) * 1000

    return max(await asyncio.gather(*(one(ws) for ws in sockets)))


def poster(base: str, board_id: int, key: str) -> Callable[[str], int]:
    """A participant's card POST as their phone sends it; returns the answer's status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(
        urllib.request.Request(f"{base}/b/{board_id}/", headers={"Cookie": f"sessionid={key}"})
    ).read()
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.decode()).group(1)
    cookie = f"sessionid={key}; csrftoken={next(c.value for c in jar if c.name == 'csrftoken')}"

    def post(text: str) -> int:
        body = urllib.parse.urlencode({"text": text, "client_uuid": str(uuid.uuid4())})
        req = urllib.request.Request(
            f"{base}/b/{board_id}/cards/",
            data=body.encode(),
            headers={"Cookie": cookie, "X-CSRFToken": csrf, "HX-Request": "true"},
        )
        try:
            with urllib.request.urlopen(req) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    return post


async def phone_sockets(port: int, board_id: int, keys: list[str]) -> list:
    return [
        await websockets.connect(
            f"ws://127.0.0.1:{port}/ws/boards/{board_id}/",
            origin=f"http://127.0.0.1:{port}",
            additional_headers={"Cookie": f"sessionid={key}"},
            max_size=None,
        )
        for key in keys
    ]


async def bench_stellwand(
    port: int, board_id: int, keys: list[str], cards: int
) -> tuple[list[float], list[float]]:
    """Latencies until every phone has the card, and of the author's POST alone (ms)."""
    base = f"http://127.0.0.1:{port}"
    poster_key, phone_keys = keys[0], keys[1:]
    send = poster(base, board_id, poster_key)

    def post(text: str) -> None:
        assert send(text) == 200

    sockets = await phone_sockets(port, board_id, phone_keys)
    for ws in sockets:
        await ws.recv()  # the snapshot
    latencies, posts = [], []
    for i in range(cards):
        marker = f"Karte {i} {uuid.uuid4().hex[:8]}"
        started = time.perf_counter()
        waiting = asyncio.create_task(fan_out(sockets, marker, started))
        await asyncio.to_thread(post, marker)
        posts.append((time.perf_counter() - started) * 1000)
        latencies.append(await waiting)
        await asyncio.sleep(0.05)
    for ws in sockets:
        await ws.close()
    return latencies, posts


REV = re.compile(r'data-rev="(\d+)"')


async def bench_burst(port: int, board_id: int, keys: list[str], posters: int, cards: int) -> dict:
    """`posters` participants post `cards` cards each at the same moment; the other phones
    record each push's revision and arrival, and the revision signal after the burst."""
    base = f"http://127.0.0.1:{port}"
    poster_keys, phone_keys = keys[:posters], keys[posters:]

    posts = [poster(base, board_id, key) for key in poster_keys]
    sockets = await phone_sockets(port, board_id, phone_keys)
    for ws in sockets:
        first = await ws.recv()  # the snapshot
    start_rev = int(REV.search(first).group(1))
    total = posters * cards
    expected = set(range(start_rev + 1, start_rev + total + 1))

    async def listen(ws) -> tuple[list[tuple[int, float]], float | None]:
        arrivals: list[tuple[int, float]] = []
        signal_at = None
        while True:
            try:
                message = await asyncio.wait_for(ws.recv(), timeout=5)
            except TimeoutError:
                return arrivals, signal_at
            found = REV.search(message)
            if not found:
                continue
            rev = int(found.group(1))
            if "data-rev-signal" in message:
                if rev == start_rev + total:
                    return arrivals, time.perf_counter()
                continue
            if "data-snapshot" not in message:
                arrivals.append((rev, time.perf_counter()))

    listening = [asyncio.create_task(listen(ws)) for ws in sockets]

    def burst(post) -> list[int]:
        return [post(f"Gleichzeitig {n} {uuid.uuid4().hex[:6]}") for n in range(cards)]

    statuses = await asyncio.gather(*(asyncio.to_thread(burst, post) for post in posts))
    results = await asyncio.gather(*listening)
    for ws in sockets:
        await ws.close()
    skipped = waited_in_vain = missing = 0
    signal_after = []
    for arrivals, signal_at in results:
        seen = {rev for rev, _at in arrivals}
        missing += len(expected - seen)
        revs = [rev for rev, _at in arrivals]
        if any(b != a + 1 for a, b in zip([start_rev, *revs], revs, strict=False)):
            skipped += 1
        # The client holds a push that skips a revision for a second: does the skipped one come?
        arrived = dict(arrivals)
        late = False
        for rev, at in arrivals:
            for before in range(start_rev + 1, rev):
                if before not in arrived or arrived[before] - at > 1.0:
                    late = True
        waited_in_vain += late
        if signal_at is not None and arrivals:
            signal_after.append((signal_at - max(at for _rev, at in arrivals)) * 1000)
    return {
        "posters": posters,
        "cards_each": cards,
        "phones": len(sockets),
        "refused_posts": sum(status != 200 for batch in statuses for status in batch),
        "pushes_missing": missing,
        "phones_that_saw_a_revision_skipped": skipped,
        "phones_that_would_fetch_after_waiting_1s": waited_in_vain,
        "phones_that_heard_the_signal": len(signal_after),
        "signal_after_last_push": summary(signal_after) if signal_after else None,
    }


async def bench_relay(phones: int, cards: int) -> list[float]:
    clients: set = set()

    async def handler(ws) -> None:
        clients.add(ws)
        try:
            async for message in ws:
                websockets.broadcast([c for c in clients if c is not ws], message)
        finally:
            clients.discard(ws)

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        poster = await websockets.connect(f"ws://127.0.0.1:{port}/")
        sockets = [await websockets.connect(f"ws://127.0.0.1:{port}/") for _ in range(phones)]
        latencies = []
        for i in range(cards):
            marker = f"Karte {i} {uuid.uuid4().hex[:8]}"
            started = time.perf_counter()
            waiting = asyncio.create_task(fan_out(sockets, marker, started))
            await poster.send(f'<li class="card">{marker}</li>')
            latencies.append(await waiting)
            await asyncio.sleep(0.05)
        for ws in [poster, *sockets]:
            await ws.close()
    return latencies


def fresh_postgres(server_url: str) -> str:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS stellwand_bench")
        connection.execute("CREATE DATABASE stellwand_bench")
    return server_url.rsplit("/", 1)[0] + "/stellwand_bench"


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 95), 2),
        "max_ms": round(max(values), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=30)
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--postgres", help="a PostgreSQL server to create the bench database on")
    parser.add_argument("--redis", help="a Redis URL for the channel layer")
    args = parser.parse_args()
    logging.getLogger("websockets").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.sqlite3"
        if args.postgres:
            db_url = fresh_postgres(args.postgres)
        env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_LOG_LEVEL": "WARNING"}
        env.pop("REDIS_URL", None)
        if args.redis:
            env["REDIS_URL"] = args.redis
        env["STELLWAND_RATE_CARDS"] = "off"  # one phone posts every card: latency, not limits
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        board_id, keys = prepare(db_url, args.phones + args.posters)
        port = free_port()
        server = subprocess.Popen(
            [
                python,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "workshop.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_port(port)
            relay = asyncio.run(bench_relay(args.phones, args.cards))
            stellwand, posts = asyncio.run(
                bench_stellwand(port, board_id, keys[: args.phones + 1], args.cards)
            )
            burst = asyncio.run(bench_burst(port, board_id, keys, args.posters, 5))
        finally:
            server.terminate()
            server.wait(timeout=10)

    result = {
        "phones": args.phones,
        "cards": args.cards,
        "database": db_url.split(":")[0],
        "channel_layer": "redis" if args.redis else "in-memory",
        "relay": summary(relay),
        "stellwand": summary(stellwand),
        "stellwand_post_only": summary(posts),
        "ratio_p50": round(statistics.median(stellwand) / statistics.median(relay), 1),
        "ratio_p95": round(percentile(stellwand, 95) / percentile(relay, 95), 1),
        "burst": burst,
    }
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"latency-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=2)
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
