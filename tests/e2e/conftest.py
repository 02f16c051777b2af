"""Real-browser tests: Chromium (Playwright) against a real daphne, sharing a SQLite file.

Run them on their own: `.venv/bin/pytest -m e2e -p no:asyncio tests/e2e`.

- `django_db_setup` (pytest-django) creates the test database once, as a file
  (`STELLWAND_TEST_DB`, or `.test-db-e2e.sqlite3` so a unit-test run at the same time
  keeps its own file). A session-wide daphne serves that file (`DATABASE_URL`).
- Tests write their data through the ORM and services with `transactional_db`: every write
  is committed at once, so daphne sees it, and the tables are flushed after each test.
- `CuttableProxy` sits between a phone and daphne and can drop every open connection
  (WebSockets included: Playwright's offline mode leaves open sockets alone,
  microsoft/playwright#4910) and refuse new ones until it is restored.
- `screens` opens laptops and phones; at the end of every test it checks that no request
  left 127.0.0.1/localhost and that no page threw or broke the CSP (every page reports its
  `securitypolicyviolation` events through a binding, and the console is read as well).

A failing test shows the browsers' console and daphne's log. Contexts come from
pytest-playwright's `new_context`, so `--tracing retain-on-failure`, `--screenshot
only-on-failure` and `--headed` work as documented there.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.servers import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = E2E_DIR / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
PASSWORD = "e2e-Moderation-2026"

# A workshop in a German town hall: browsers ask for German (Accept-Language).
GERMAN = {"locale": "de-DE", "timezone_id": "Europe/Berlin"}
LAPTOP = {**GERMAN, "viewport": {"width": 1366, "height": 860}}
PHONE = {
    **GERMAN,
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
BEAMER = {**GERMAN, "viewport": {"width": 1920, "height": 1080}}
# An older projector (or a PC that drives it at HD ready): the smallest screen we fit.
SMALL_BEAMER = {**GERMAN, "viewport": {"width": 1280, "height": 720}}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Every page reports its CSP violations to the test. Init scripts and bindings run under the
# page's own CSP (they come through the DevTools protocol, not as inline scripts). Capturing
# on window also catches violations reported at the document (elements not in the page).
CSP_LISTENER = """
window.addEventListener("securitypolicyviolation", (e) => {
  window.__stellwandCspViolation({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    sample: e.sample,
    source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : "",
    element: e.target && e.target.nodeType === 1
      ? e.target.tagName.toLowerCase() + (e.target.id ? "#" + e.target.id : "")
      : "document",
  });
}, true);
"""

# Generous: a loaded 2-core machine. No test asserts on timing.
LIVE_TIMEOUT = 15_000
expect.set_options(timeout=10_000)

_daphne_log: Path | None = None
_report_key = pytest.StashKey[list[str]]()


# ---------------------------------------------------------------- collection and reports


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything in tests/e2e is a browser test (also marked in each module)."""
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed and E2E_DIR in Path(str(item.path)).parents:
        browser_log = item.stash.get(_report_key, [])
        if browser_log:
            report.sections.append(("browser console", "\n".join(browser_log[-200:])))
        if _daphne_log is not None and _daphne_log.exists():
            lines = [
                line
                for line in _daphne_log.read_text(errors="replace").splitlines()
                if '"GET /static/' not in line
            ]
            report.sections.append(("daphne log (last 200 lines)", "\n".join(lines[-200:])))
    return report


# ---------------------------------------------------------------- database and server


@pytest.fixture(scope="session", autouse=True)
def _allow_orm_next_to_playwright() -> Iterator[None]:
    """Playwright's sync API keeps an event loop in this thread; the ORM must run anyway.

    Set here, for the browser tests only, rather than at import: this conftest is also
    imported by the unit-test run, which must keep Django's async-safety check.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def django_db_modify_db_settings(_allow_orm_next_to_playwright: None) -> None:
    """A file of its own, so a unit-test run at the same time does not delete it."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3", "the browser tests share a SQLite file"
    name = os.environ.get("STELLWAND_TEST_DB") or str(ROOT / ".test-db-e2e.sqlite3")
    db.setdefault("TEST", {})["NAME"] = name


@dataclass
class Server:
    url: str
    port: int
    db_path: str
    log: Path


@pytest.fixture(scope="session")
def daphne_server(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One daphne for the session, on the test database file the test process created."""
    global _daphne_log
    from django.db import connection

    db_path = str(connection.settings_dict["NAME"])
    assert Path(db_path).is_file(), f"the test database is not a file: {db_path!r}"
    port = free_port()
    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    _daphne_log = log
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "STELLWAND_PUBLIC_URL"}
    }
    env.update(
        DATABASE_URL=f"sqlite:///{db_path}",
        DJANGO_SETTINGS_MODULE="workshop.settings",
        DJANGO_DEBUG="true",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    daphne = Path(sys.executable).with_name("daphne")
    command = [str(daphne) if daphne.exists() else (shutil.which("daphne") or "daphne")]
    command += ["-b", "127.0.0.1", "-p", str(port), "workshop.asgi:application"]
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log, timeout=30)
        url = f"http://127.0.0.1:{port}"
        # The first request loads Django's URLs and templates; do it before any test waits.
        with urllib.request.urlopen(url + "/", timeout=30) as response:
            assert response.status == 200
        yield Server(url=url, port=port, db_path=db_path, log=log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def live_db(transactional_db: None, daphne_server: Server, monkeypatch) -> Server:
    """Committed writes (daphne reads the same file); tables flushed after the test.

    Pushes come from daphne, whose sockets the browsers hold. The test process has no
    listeners, and Playwright's loop makes `async_to_sync` refuse here: skip its sends.
    """
    from workshop import live

    monkeypatch.setattr(live, "_group_send", lambda group, message: None)
    return daphne_server


# ---------------------------------------------------------------- the cuttable proxy


class CuttableProxy:
    """A TCP proxy on 127.0.0.1 that can drop every connection and refuse new ones."""

    def __init__(self, target_port: int) -> None:
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._stop = threading.Event()
        self.restore()

    @property
    def is_cut(self) -> bool:
        return self._listener is None

    def restore(self) -> None:
        """Accept connections again (on the same port)."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._stop = threading.Event()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener, self._stop), daemon=True).start()

    def cut(self) -> None:
        """Drop every open connection with a reset and refuse new ones until `restore`."""
        self._stop.set()
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            self._kill(sock)

    def close(self) -> None:
        self.cut()

    @staticmethod
    def _kill(sock: socket.socket) -> None:
        with contextlib.suppress(OSError):
            # Linger 0: close with RST, like a phone that lost its network.
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()

    def _accept(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                client, _addr = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            if stop.is_set():
                self._kill(client)
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                self._kill(client)
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._sockets.discard(src)
                self._sockets.discard(dst)
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


@pytest.fixture
def proxy(daphne_server: Server) -> Iterator[CuttableProxy]:
    p = CuttableProxy(daphne_server.port)
    yield p
    p.close()


# ---------------------------------------------------------------- browsers


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium: `playwright install` cannot download here."""
    chromium = os.environ.get("STELLWAND_CHROMIUM", "/usr/bin/chromium")
    args = {**browser_type_launch_args, "args": CHROMIUM_ARGS}
    if Path(chromium).exists():
        args["executable_path"] = chromium
    return args


@dataclass
class Screens:
    """Opens browser contexts the way people use them and remembers what they requested."""

    new_context: object
    server: Server
    log: list[str]
    requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    csp_console: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)

    def _context(self, base_url: str | None, **options: object) -> BrowserContext:
        context = self.new_context(base_url=base_url or self.server.url, **options)  # type: ignore[operator]
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("page", self._watch)
        context.expose_binding("__stellwandCspViolation", self._csp_violation)
        context.add_init_script(CSP_LISTENER)
        self.contexts.append(context)
        return context

    def _csp_violation(self, source: dict, report: dict) -> None:
        page = source.get("page")
        where = page.url if page is not None else "?"
        line = (
            f"{where}: {report.get('directive')} blocked {report.get('blocked')!r}"
            f" on {report.get('element')} (sample {report.get('sample')!r},"
            f" source {report.get('source') or '-'})"
        )
        self.log.append(f"[securitypolicyviolation] {line}")
        self.csp_violations.append(line)

    def _watch(self, page: Page) -> None:
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        self.log.append(f"[{message.type}] {page.url}: {message.text}")
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_console.append(f"{page.url}: {message.text}")

    def laptop(self, base_url: str | None = None, **options: object) -> Page:
        """`options` go to the browser context, e.g. `locale="en-US"`."""
        return self._context(base_url, **{**LAPTOP, **options}).new_page()

    def phone(self, base_url: str | None = None, **options: object) -> Page:
        return self._context(base_url, **{**PHONE, **options}).new_page()

    def beamer(self, base_url: str | None = None, **options: object) -> Page:
        """The PC in the room that drives the projector (full HD)."""
        return self._context(base_url, **{**BEAMER, **options}).new_page()

    def small_beamer(self, base_url: str | None = None) -> Page:
        """A projector at 1280x720."""
        return self._context(base_url, **SMALL_BEAMER).new_page()

    def check(self) -> None:
        assert self.requests or not self.contexts, "no request was recorded: is recording broken?"
        foreign = sorted(
            {
                url
                for url in self.requests
                if urlsplit(url).scheme in {"http", "https", "ws", "wss"}
                and urlsplit(url).hostname not in LOCAL_HOSTS
            }
        )
        assert not foreign, f"requests left the machine: {foreign}"
        assert not self.page_errors, f"uncaught errors in pages: {self.page_errors}"
        reports = self.csp_violations or self.csp_console
        assert not reports, (
            f"{len(self.csp_violations)} CSP violation(s) reported by the pages"
            f" ({len(self.csp_console)} in the console):\n" + "\n".join(reports[:30])
        )


@pytest.fixture
def screens(request: pytest.FixtureRequest, live_db: Server, new_context) -> Iterator[Screens]:
    """Laptops and phones against daphne; checked for foreign hosts, JS errors, CSP."""
    log: list[str] = []
    request.node.stash[_report_key] = log
    s = Screens(new_context=new_context, server=live_db, log=log)
    yield s
    for context in s.contexts:
        with contextlib.suppress(Exception):
            context.close()
    s.check()


# ---------------------------------------------------------------- people and steps


@pytest.fixture
def facilitator(live_db: Server):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        username="andrea", password=PASSWORD, first_name="Andrea", last_name="Schermann"
    )


def expect_live(page: Page, timeout: float = LIVE_TIMEOUT) -> None:
    """The page's WebSocket is open (the status line says so)."""
    expect(page.locator("[data-live-status]")).to_have_attribute(
        "data-state", "live", timeout=timeout
    )


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Through the real login form."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_password")).to_have_count(0)


def choose_group_and_join(page: Page, group: str, name: str = "") -> None:
    """On the join form: optional name, a group, submit; lands on the group's board."""
    if name:
        page.locator("#id_display_name").fill(name)
    page.get_by_role("radio", name=group).check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/b/\d+/$"))
    expect(page.locator("form[data-composer]")).to_be_visible()


def cards(page: Page, board_id: int, text: str | None = None):
    locator = page.locator(f"#board-{board_id}-cards li[data-card]")
    return locator.filter(has_text=text) if text is not None else locator


def pin(page: Page, text: str) -> None:
    """Type a card on the phone and press Enter."""
    box = page.locator("form[data-composer] textarea")
    box.click()
    box.fill(text)
    box.press("Enter")


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / name
    # caret="initial": hiding the caret writes style="" on inputs, which a later live swap
    # copies onto new elements, and the strict CSP then reports it.
    page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="initial")
    return path
