"""Two real daphne workers behind a proxy, on PostgreSQL and a redis-server of the test's own.

- `FrontProxy`: what nginx does in production, in a few threads. Each new connection goes to
  the next worker in turn; a worker that refuses (killed) is skipped, so its phones land on
  the other one when they reconnect. It knows which client is on which worker, and can drop
  a connection.
- `Cluster`: a database of the test's own on `PG_TEST_URL`'s server, a private redis-server
  (stopped and started by the test, never the machine's shared one), two workers, the proxy.
- `SocketPhone`: a phone's WebSocket as `static/js/stellwand.js` handles it: the snapshot
  on every connect, a push of the next revision applied, an old one dropped, one that skips
  a revision held a second for the one it skipped, then the board fetched again over HTTP
  (as when the board's revision signal says the phone is still behind); reconnecting after
  a lost socket, backing off after 4013.
- `send_until_stored`: a phone's outbox: the same client_uuid again until a 2xx.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import websockets
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tests import services
from tests.servers import ROOT, Daphne, PrivateRedis, free_port, server_env, start_daphne

# ---------------------------------------------------------------- the proxy


@dataclass(eq=False)
class Link:
    """One client connection and the worker it was sent to."""

    client: socket.socket
    upstream: socket.socket
    peer: tuple[str, int]  # the client's address, as the client sees its own socket
    worker: int  # the worker's port
    request: str = ""  # the first line the client sent ("GET /ws/boards/1/ HTTP/1.1")
    open: bool = True
    dropped: bool = False  # cut by the test

    @property
    def is_socket(self) -> bool:
        return " /ws/" in self.request


def _reset(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        # Linger 0: close with RST, like a phone that lost its network.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class FrontProxy:
    """A TCP proxy on 127.0.0.1 in front of several workers: round-robin, skipping the dead."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = list(ports)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.links: list[Link] = []
        self.skipped = 0  # connections that found a worker refusing and went to the next
        self._turn = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", self.port), backlog=128)
        self._listener.settimeout(0.1)
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def open_links(self, worker: int | None = None) -> list[Link]:
        with self._lock:
            return [x for x in self.links if x.open and worker in (None, x.worker)]

    def worker_of(self, peer: tuple[str, int] | None, *, open: bool = True) -> int | None:
        """The worker a client connection is on (or was on)."""
        with self._lock:
            found = [x.worker for x in self.links if x.peer == peer and (x.open or not open)]
        return found[-1] if found else None

    def drop(self, link: Link) -> None:
        link.dropped = True
        _reset(link.client)
        _reset(link.upstream)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for link in self.open_links():
            self.drop(link)

    def _upstream(self) -> tuple[int, socket.socket] | None:
        with self._lock:
            order = self.ports[self._turn :] + self.ports[: self._turn]
            self._turn = (self._turn + 1) % len(self.ports)
        for port in order:
            try:
                return port, socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                with self._lock:
                    self.skipped += 1
        return None

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            target = self._upstream()
            if target is None:
                _reset(client)
                continue
            port, upstream = target
            upstream.settimeout(None)
            link = Link(client=client, upstream=upstream, peer=peer[:2], worker=port)
            with self._lock:
                self.links.append(link)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(link, src, dst), daemon=True).start()

    def _pump(self, link: Link, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                if src is link.client and not link.request:
                    link.request = data.split(b"\r\n", 1)[0].decode("latin-1")
                dst.sendall(data)
        except OSError:
            pass
        finally:
            link.open = False
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


# ---------------------------------------------------------------- the cluster

# Migrating and preparing workshops in one Django process: on a busy machine each start of
# Django costs seconds, and the workers start meanwhile.
PREPARE = """
import json, uuid
from django.core.management import call_command
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import get_user_model
from boards.services import GroupSpec, workshop_create_with_groups
from workshop.services import participant_join
call_command("migrate", verbosity=0, skip_checks=True)  # the suite checks
user = get_user_model().objects.create_user(
    "scale-" + uuid.uuid4().hex[:8], password="scale-out-password-1"
)
made = []
for _ in range(WORKSHOPS):
    workshop = workshop_create_with_groups(
        user=user, title="Zwei Worker", groups=[GroupSpec("Mobilität")]
    )
    group = workshop.groups.get()
    keys = []
    for _ in range(PARTICIPANTS):
        session = SessionStore()
        participant_join(session=session, workshop=workshop, group=group)
        session.save()
        keys.append(session.session_key)
    made.append({"board": group.board.pk, "keys": keys, "join_code": workshop.join_code})
print(json.dumps(made))
"""


def _database_url(name: str) -> str:
    """PG_TEST_URL's server, another database on it."""
    params = conninfo_to_dict(services.url("postgres"))
    user = params.get("user", "postgres")
    host = params.get("host", "127.0.0.1")
    port = params.get("port", 5432)
    return f"postgresql://{user}@{host}:{port}/{name}"


class ScaleoutDatabase:
    """A database of its own on PG_TEST_URL's server, migrated in the background, with
    `workshops` workshops of one group and `participants` joined sessions each."""

    def __init__(self, workshops: int, participants: int) -> None:
        self.admin = make_conninfo(services.url("postgres"), dbname="postgres")
        self.name = f"stellwand_scaleout_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.url = _database_url(self.name)
        code = PREPARE.replace("WORKSHOPS", str(workshops))
        self._prepare = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                code.replace("PARTICIPANTS", str(participants)),
            ],
            cwd=ROOT,
            env=server_env(DATABASE_URL=self.url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._workshops: list[dict] | None = None

    def ready(self) -> None:
        """Wait until it is migrated and its workshops are made."""
        if self._workshops is None:
            out, err = self._prepare.communicate(timeout=300)
            assert self._prepare.returncode == 0, err
            self._workshops = json.loads(out.strip().splitlines()[-1])

    def take(self) -> dict:
        """An unused workshop: {"board": id, "keys": [session keys], "join_code": code}."""
        self.ready()
        assert self._workshops, "every prepared workshop is taken: prepare more"
        return self._workshops.pop()

    def drop(self) -> None:
        if self._prepare.poll() is None:
            self._prepare.kill()
            self._prepare.wait()
        with psycopg.connect(self.admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


# Seconds a worker may take to start: generous, several test runs may share two cores.
STARTUP = 120


@dataclass
class Cluster:
    database: ScaleoutDatabase
    redis: PrivateRedis
    workers: list[Daphne]
    proxy: FrontProxy
    env: dict[str, str]
    logs: Path
    kills: int = 0
    outages: int = 0

    def kill(self, worker: Daphne) -> None:
        """SIGKILL: no shutdown, no goodbye to its sockets (the kernel closes them)."""
        os.kill(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(timeout=10)
        self.kills += 1

    def redis_down(self) -> None:
        self.redis.stop()
        self.outages += 1

    def redis_up(self) -> None:
        self.redis.start()  # on the same port

    def heal(self) -> None:
        """Redis running and two workers alive (a killed one replaced), for the next test."""
        if self.redis.proc is None:
            self.redis_up()
        for n, worker in enumerate(self.workers):
            if worker.proc.poll() is not None:
                log = self.logs / f"worker-{n}-{self.kills}.log"
                fresh = start_daphne(log, timeout=STARTUP, **self.env)
                _warm(fresh)
                self.workers[n] = fresh
                self.proxy.ports[n] = fresh.port

    def query(self, sql: str, *args: object) -> list[tuple]:
        with psycopg.connect(self.database.url) as conn:
            return conn.execute(sql, args).fetchall()

    def wall(self, board: int) -> tuple[int, dict[int, str]]:
        """The board's revision and its cards on the wall {id: client_uuid}, from the database."""
        rev = self.query("SELECT rev FROM boards_board WHERE id = %s", board)[0][0]
        rows = self.query(
            "SELECT id, client_uuid FROM boards_card WHERE board_id = %s AND deleted_at IS NULL"
            " AND merged_into_id IS NULL AND state = 'pinned' AND NOT hidden",
            board,
        )
        return rev, {pk: str(client_uuid) for pk, client_uuid in rows}

    def log_text(self) -> str:
        return "\n".join(f"--- worker {w.port}\n{w.log_text()}" for w in self.workers)


def _warm(worker: Daphne) -> None:
    """The first request loads Django's URLs and templates: before any test waits."""
    with urllib.request.urlopen(worker.url + "/", timeout=STARTUP) as response:
        assert response.status == 200


@contextlib.contextmanager
def start_cluster(database: ScaleoutDatabase, logs: Path) -> Iterator[Cluster]:
    """A private redis-server, two workers on `database` and it, and the proxy before them."""
    redis = PrivateRedis(free_port())
    redis.start()
    env = {
        "DATABASE_URL": database.url,
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "STELLWAND_CHANNEL_PREFIX": f"scaleout{uuid.uuid4().hex[:8]}",
        "STELLWAND_CACHE_PREFIX": f"scaleout{uuid.uuid4().hex[:8]}",  # the rate limits' counters
        "DJANGO_DEBUG": "true",
    }
    workers: list[Daphne] = []
    proxy: FrontProxy | None = None
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            starting = [
                pool.submit(start_daphne, logs / f"worker-{n}.log", timeout=STARTUP, **env)
                for n in range(2)
            ]
            for future in starting:
                with contextlib.suppress(Exception):
                    workers.append(future.result())
            for future in starting:
                future.result()  # raise what failed, once both are known (to stop the other)
            database.ready()  # it was migrating while the workers started
            list(pool.map(_warm, workers))
        proxy = FrontProxy([w.port for w in workers])
        yield Cluster(database, redis, workers, proxy, env, logs)
    finally:
        if proxy is not None:
            proxy.close()
        for worker in workers:  # healed ones replaced their list items
            worker.proc.kill()  # nothing to wait for: daphne's graceful stop takes seconds
            worker.proc.wait()
        redis.stop()


# ---------------------------------------------------------------- phones

REV = re.compile(r'data-board-id="(\d+)" data-rev="(\d+)"')
CARD = re.compile(r'<li id="card-(\d+)" class="card[ "]')
STOP_CODES = {4001, 4002, 4003, 4004, 4005, 4008}
TRY_AGAIN = 4013
GAP_WAIT = 1.0  # stellwand.js's GAP_WAIT_MS


class SocketPhone:
    """A participant's phone on the board's socket through the proxy (see the module doc)."""

    def __init__(self, name: str, proxy: FrontProxy, board: int, key: str) -> None:
        self.name = name
        self.proxy = proxy
        self.board = board
        self.cookie = f"sessionid={key}"
        self.rev: int | None = None
        self.cards: list[int] = []  # in the order the wall shows them
        # A push of a card the wall already has (its snapshot was rendered after the card was
        # stored, with the revision read before): dropped, as the page's tidy() drops it.
        self.deduped = 0
        self.live = False
        self.peer: tuple[str, int] | None = None
        self.peers: list[tuple[str, int]] = []  # of every socket it opened
        self.connects = 0  # sockets that got their snapshot
        self.lost = 0  # sockets that ended abnormally (their worker died, the network cut)
        self.refused = 0  # closed with 4013: the worker cannot reach Redis
        self.resyncs = 0  # snapshots fetched over HTTP after a revision jump
        self.stopped_with: int | None = None
        self.put_in_order = 0  # pushes that came early, held and applied after the one they skipped
        self._max_seen = 0
        self._held: dict[int, str] = {}
        self._gap: asyncio.TimerHandle | None = None
        self._syncing = False
        self._retries = 0
        self._task: asyncio.Task | None = None
        self._resyncing: asyncio.Task | None = None

    @property
    def worker(self) -> int | None:
        return self.proxy.worker_of(self.peer) if self.live else None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        for task in (self._task, self._resyncing):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def converged(self, rev: int, cards: set[int]) -> bool:
        return self.live and self.rev == rev and sorted(self.cards) == sorted(cards)

    def __repr__(self) -> str:
        return (
            f"<{self.name} live={self.live} worker={self.worker} rev={self.rev}"
            f" cards={len(self.cards)} connects={self.connects} lost={self.lost}"
            f" refused={self.refused} resyncs={self.resyncs} in_order={self.put_in_order}"
            f" deduped={self.deduped}>"
        )

    async def _run(self) -> None:
        ws_url = f"ws://127.0.0.1:{self.proxy.port}/ws/boards/{self.board}/"
        while self.stopped_with is None:
            code: int | None = None
            try:
                async with websockets.connect(
                    ws_url,
                    origin=self.proxy.url,
                    additional_headers={"Cookie": self.cookie},
                    open_timeout=10,
                    ping_interval=None,  # a browser does not ping; the server's heartbeat is it
                ) as ws:
                    self.peer = ws.transport.get_extra_info("sockname")[:2]
                    self.peers.append(self.peer)
                    async for frame in ws:
                        if not self.live:
                            self.live = True  # live once the server speaks, as the page says
                            self.connects += 1
                        self._receive(frame)
                    code = ws.close_code
            except websockets.ConnectionClosed as closed:
                code = closed.rcvd.code if closed.rcvd else 1006
            except (OSError, TimeoutError, websockets.InvalidHandshake):
                code = None  # did not get through: as good as lost
            self.live = False
            if code in STOP_CODES:
                self.stopped_with = code
            elif code == TRY_AGAIN:
                # The page backs off 1, 2, 4 … s with jitter; a test has no 30 s to spare.
                self.refused += 1
                self._retries += 1
                await asyncio.sleep(
                    min(4.0, 0.5 * 2 ** (self._retries - 1)) * random.uniform(0.5, 1)
                )
            else:
                self.lost += 1
                await asyncio.sleep(random.uniform(0, 1))  # htmx's "full-jitter", first retry

    def _receive(self, frame: str) -> None:
        self._retries = 0
        if "data-heartbeat" in frame and len(frame) < 100:
            return
        found = REV.search(frame)
        if found is None or int(found[1]) != self.board:
            return  # not this board's (the phase, the countdown, this person's own cards)
        rev = int(found[2])
        if "data-rev-signal" in frame:
            # The board's newest revision: still behind it a moment later, a push was lost.
            if self.rev is not None and rev > self.rev:
                self._max_seen = max(self._max_seen, rev)
                asyncio.get_running_loop().call_later(GAP_WAIT, self._behind, rev)
            return
        self._max_seen = max(self._max_seen, rev)
        if "data-snapshot" in frame:
            if self.rev is None or rev >= self.rev:
                self._apply_snapshot(frame, rev)
            return
        assert self.rev is not None, "a push before the snapshot"
        if rev <= self.rev:
            return  # already in the snapshot
        if rev > self.rev + 1:
            # Overtaken by a later push, or lost: wait a moment for the one it skipped.
            self._held[rev] = frame
            if self._gap is None:
                self._gap = asyncio.get_running_loop().call_later(GAP_WAIT, self._gap_over)
            return
        for card in map(int, CARD.findall(frame)):
            if card in self.cards:
                self.deduped += 1
            else:
                self.cards.append(card)
        self.rev = rev
        self._release_held()

    def _release_held(self) -> None:
        """Apply a held push that is next now; forget those the wall already has."""
        for rev in [r for r in self._held if self.rev is not None and r <= self.rev]:
            del self._held[rev]
        following = self._held.pop((self.rev or 0) + 1, None)
        if following is not None:
            self.put_in_order += 1
            self._receive(following)
        elif not self._held and self._gap is not None:
            self._gap.cancel()
            self._gap = None

    def _gap_over(self) -> None:
        self._gap = None
        if self._held:
            self._held.clear()
            self._start_resync()

    def _behind(self, rev: int) -> None:
        if self.rev is not None and self.rev < rev:
            self._start_resync()

    def _apply_snapshot(self, html: str, rev: int) -> None:
        wall = html.split(f'id="board-{self.board}-me"', 1)[0]  # the wall, not this person's
        self.cards = [int(card) for card in CARD.findall(wall)]
        self.rev = rev
        self._release_held()

    def _start_resync(self) -> None:
        if not self._syncing:  # one fetch at a time, as the page does
            self._syncing = True
            self.resyncs += 1
            self._resyncing = asyncio.create_task(self._resync())

    async def _resync(self) -> None:
        try:
            html = await asyncio.to_thread(self._fetch_snapshot)
        except (OSError, http.client.HTTPException):
            return  # the next push or connect tries again
        finally:
            self._syncing = False
        found = REV.search(html)
        if found is not None and self.rev is not None and int(found[2]) >= self.rev:
            self._apply_snapshot(html, int(found[2]))
        if self._max_seen > (self.rev or 0):
            await asyncio.sleep(0.2)  # pushes newer than this snapshot came meanwhile
            self._start_resync()

    def _fetch_snapshot(self) -> str:
        request = urllib.request.Request(
            f"{self.proxy.url}/b/{self.board}/snapshot/",
            headers={"Cookie": self.cookie, "HX-Request": "true"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode()


async def wait_until(
    condition: Callable[[], bool], timeout: float, what: Callable[[], str] | str
) -> None:
    """Poll `condition` until it holds; fail saying what was awaited and how things stand."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not within {timeout:.0f} s: {what() if callable(what) else what}"
            )
        await asyncio.sleep(0.1)


# ---------------------------------------------------------------- the outbox


@dataclass
class Sent:
    text: str
    client_uuid: str
    status: int
    tries: int
    at: float  # time.monotonic() of the answer


@dataclass
class Outbox:
    """Everything sent, and how many tries it took (a try beyond the first is a retry)."""

    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def retries(self) -> int:
        return sum(s.tries - 1 for s in self.sent)

    def send_until_stored(self, post: Callable[[str, str], int], text: str) -> Sent:
        """POST the card until a 2xx, always with the same client_uuid, as the phone's outbox."""
        client_uuid = str(uuid.uuid4())
        for tries in range(1, 31):
            try:
                status = post(text, client_uuid)
            except (OSError, http.client.HTTPException):
                status = 0  # reset, refused, cut off mid-answer: the card may be stored or not
            if 200 <= status < 300:
                sent = Sent(text, client_uuid, status, tries, time.monotonic())
                with self.lock:
                    self.sent.append(sent)
                return sent
            assert status == 0 or status >= 500, f"{text!r} was refused with {status}"
            time.sleep(min(1.0, 0.1 * tries))
        raise AssertionError(f"{text!r} was not stored after 30 tries")
