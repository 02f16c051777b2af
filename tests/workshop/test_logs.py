"""Secrets in paths (projector tokens, join codes) never reach a log line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import websockets

from boards.models import Card
from tests.conftest import join_via_http
from tests.servers import Daphne, PrivateRedis, database_url, free_port, start_daphne
from workshop import live, services
from workshop.logs import MASK, MaskSecrets, mask


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        ("GET /p/Abc-_123xyz/", "GET /p/***/"),
        ("GET /p/Abc-_123xyz/42/snapshot/", "GET /p/***/42/snapshot/"),
        ("WSCONNECT /ws/projector/Abc-_123xyz/?board=4", "WSCONNECT /ws/projector/***/?board=4"),
        ("GET /j/WERK8K/", "GET /j/***/"),
        ("GET /?code=werk8k", "GET /?code=***"),
        ("GET /?x=1&code=WERK8K&y=2", "GET /?x=1&code=***&y=2"),
        ("GET /b/12/cards/", "GET /b/12/cards/"),
    ],
)
def test_paths_with_secrets_are_masked(path, masked):
    assert mask(path) == masked


def test_djangos_not_found_line_is_masked():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", "/p/s3cr3t/"), None
    )
    MaskSecrets().filter(record)
    assert record.getMessage() == "Not Found: /p/***/"


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def open_projector_socket(url: str) -> None:
    origin = "http" + url.removeprefix("ws").split("/ws/")[0]
    async with websockets.connect(url, origin=origin) as ws:
        await asyncio.wait_for(ws.recv(), 10)


def test_the_real_servers_log_shows_no_projector_token_and_no_join_code(daphne, workshop, board_a):
    token, code = workshop.projector_token, workshop.join_code
    before = len(daphne.log_text())
    assert get(f"{daphne.url}/p/{token}/") == 200
    assert get(f"{daphne.url}/p/{token}/{board_a.pk}/snapshot/") == 200
    assert get(f"{daphne.url}/j/{code}/") == 200
    assert get(f"{daphne.url}/?code={code.lower()}") in {200, 302}
    asyncio.run(open_projector_socket(f"{daphne.ws}/ws/projector/{token}/"))
    services.projector_link_revoke(workshop=workshop)
    assert get(f"{daphne.url}/p/{token}/") == 404  # Django logs "Not Found: <path>"
    with contextlib.suppress(Exception):
        asyncio.run(open_projector_socket(f"{daphne.ws}/ws/projector/{token}/"))
    logged = daphne.log_text()[before:]
    assert "/p/***/" in logged
    assert "/ws/projector/***/" in logged
    assert "/j/***/" in logged
    assert token not in logged
    assert code not in logged
    assert code.lower() not in logged


# No card text, name or secret in any log line (RELIABILITY.md 26) -----------------------

# Plain letters and digits: escaped for HTML, JSON, CSV or a repr, a marker stays itself.
SPUR = uuid.uuid4().hex[:10]
CARD = f"Kartenspur{SPUR}"
NAME = f"Namensspur{SPUR}"
PASSWORD = f"Passwortspur{SPUR}"
JOIN_CODE = "WQXPTN"  # no hex digit in it: no id or address in a log line can hold it


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer


class Visitor:
    """One browser against a real server: its cookies, the CSRF token of the page it read."""

    def __init__(self, server: Daphne) -> None:
        self.base = server.url
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.opener = urllib.request.build_opener(_NoRedirect)

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, data=None, headers=None) -> int:
        if isinstance(data, dict):
            data = urllib.parse.urlencode(data).encode()
        heads = {"Cookie": self.cookie}
        if method == "POST":
            heads |= {"X-CSRFToken": self.csrf, "HX-Request": "true", "Origin": self.base}
            heads["Content-Type"] = "application/x-www-form-urlencoded"
        heads |= headers or {}  # None: without that header
        heads = {name: value for name, value in heads.items() if value is not None}
        req = urllib.request.Request(self.base + path, data=data, headers=heads, method=method)
        try:
            response = self.opener.open(req, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for line in response.headers.get_all("Set-Cookie") or []:
                name, _, value = line.split(";")[0].partition("=")
                if value:
                    self.cookies[name.strip()] = value
            text = response.read().decode("utf-8", errors="replace")
        if found := re.search(r'name="csrf-token" content="([^"]+)"', text):
            self.csrf = found.group(1)
        return response.status

    def get(self, path: str, headers=None) -> int:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data, headers=None) -> int:
        return self.request("POST", path, data, headers)


async def push_then_frame(server: Daphne, path: str, visitor: Visitor, post) -> tuple[int, int]:
    """With the socket open: `post()` a card, wait for its push, then send a frame (the
    socket is push-only). The post's status and the close code."""
    async with websockets.connect(
        server.ws + path, origin=server.url, additional_headers={"Cookie": visitor.cookie}
    ) as ws:
        await asyncio.wait_for(ws.recv(), 10)  # the snapshot
        status = await asyncio.to_thread(post)
        while CARD not in await asyncio.wait_for(ws.recv(), 10):
            pass
        await ws.send(f"{CARD} über den Socket")
        with contextlib.suppress(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 10)
        return status, ws.close_code


async def first_frame(server: Daphne, path: str, visitor: Visitor | None = None) -> str:
    cookie = {"Cookie": visitor.cookie} if visitor else {}
    async with websockets.connect(
        server.ws + path, origin=server.url, additional_headers=cookie
    ) as ws:
        return await asyncio.wait_for(ws.recv(), 10)


def secrets_of(workshop, *visitors: Visitor) -> dict[str, str]:
    """Every secret the run handed out: what no log line may hold."""
    found = {
        "the join code": workshop.join_code,
        "the join code in lower case": workshop.join_code.lower(),
        "the projector token": workshop.projector_token,
    }
    for n, visitor in enumerate(visitors):
        for cookie in ("sessionid", "csrftoken"):
            if cookie in visitor.cookies:
                found[f"visitor {n}'s {cookie}"] = visitor.cookies[cookie]
        found[f"visitor {n}'s CSRF form token"] = visitor.csrf
    return found


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    markers = {"a card text": CARD, "a name": NAME, "a password": PASSWORD} | secrets
    return [what for what, value in markers.items() if value and value in text]


def join(server: Daphne, workshop, group) -> Visitor:
    phone = Visitor(server)
    assert phone.get(f"/j/{workshop.join_code}/") == 200
    form = {"display_name": NAME, "named_in_summary": "on", "group": group.pk}
    assert phone.post(f"/j/{workshop.join_code}/", form) == 302
    assert phone.get(f"/b/{group.board.pk}/") == 200
    return phone


def card_form(text: str) -> dict[str, str]:
    return {"text": text, "client_uuid": str(uuid.uuid4())}


@pytest.fixture
def marked(transactional_db, group_a, facilitator, settings):
    """A workshop with a join code that no log line holds by chance; the facilitator's
    password is a marker too (hashed as the server checks it)."""
    workshop = group_a.workshop
    workshop.join_code = JOIN_CODE
    workshop.save(update_fields=["join_code"])
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    facilitator.set_password(PASSWORD)
    facilitator.save()
    return workshop, group_a


def test_no_card_text_name_or_secret_in_the_real_servers_debug_log(tmp_path, marked, caplog):
    from django.db import connection

    from boards.exports import export_formats

    workshop, group = marked
    board = group.board
    server = start_daphne(
        tmp_path / "daphne.log",
        DATABASE_URL=database_url(connection.settings_dict),
        DJANGO_SETTINGS_MODULE="tests.logsite_settings",  # the app and one view that fails
        DJANGO_DEBUG="true",  # the most a server tells: Django logs SQL only with DEBUG on
        DJANGO_LOG_LEVEL="DEBUG",
    )
    try:
        statuses = {}
        phone = join(server, workshop, group)
        cards = f"/b/{board.pk}/cards/"
        # Accepted, pushed to the phone's socket; a frame sent back closes it.
        statuses["accepted"], statuses["socket"] = asyncio.run(
            push_then_frame(
                server,
                f"/ws/boards/{board.pk}/",
                phone,
                lambda: phone.post(cards, card_form(f"Mehr Radwege {CARD} für alle")),
            )
        )
        statuses["too long"] = phone.post(cards, card_form(CARD * 20))
        statuses["too large"] = phone.post(cards, card_form(CARD * 7000))
        statuses["no CSRF token"] = phone.post(cards, card_form(CARD), {"X-CSRFToken": None})
        card = Card.objects.get(text__contains=CARD)
        edit = f"/b/{board.pk}/cards/{card.pk}/edit/"
        old = {"text": f"{CARD} geändert", "version": card.version}
        statuses["edited"] = phone.post(edit, old)
        statuses["stale edit"] = phone.post(edit, old)
        statuses["fails"] = phone.post("/test/fails/", {"text": CARD})
        # A join without the CSRF cookie, a projector's page and socket, a wrong token, a
        # foreign host: Django names the path (masked), or the host.
        statuses["join without CSRF"] = Visitor(server).post(
            f"/j/{JOIN_CODE}/", {"display_name": NAME}
        )
        token = workshop.projector_token
        statuses["projector"] = Visitor(server).get(f"/p/{token}/")
        assert CARD in asyncio.run(first_frame(server, f"/ws/projector/{token}/"))
        statuses["wrong token"] = Visitor(server).get(f"/p/{token[:-2]}xy/")
        statuses["foreign host"] = Visitor(server).get(f"/p/{token}/", {"Host": "evil.example"})

        # The facilitator: a failed login (a name, a password), a login, a stale edit, every
        # export, and deleting the workshop.
        stranger = Visitor(server)
        stranger.get("/accounts/login/")
        statuses["login failed"] = stranger.post(
            "/accounts/login/", {"username": NAME, "password": PASSWORD}
        )
        laptop = Visitor(server)
        laptop.get("/accounts/login/")
        statuses["login"] = laptop.post(
            "/accounts/login/", {"username": "andrea", "password": PASSWORD}
        )
        assert laptop.get(f"/w/{workshop.pk}/boards/{board.pk}/") == 200
        stale = {"text": f"{CARD} moderiert", "version": 1, "color": "", "kind": ""}
        moderation_edit = f"/w/{workshop.pk}/boards/{board.pk}/cards/{card.pk}/edit/"
        statuses["stale moderation"] = laptop.post(moderation_edit, stale)
        for key in export_formats():
            statuses[f"export {key}"] = laptop.get(f"/w/{workshop.pk}/export/{key}/")
        statuses["deleted"] = laptop.post(f"/w/{workshop.pk}/delete/", {"confirm": "yes"})
        statuses["join a deleted workshop"] = phone.get(f"/j/{JOIN_CODE}/")
    finally:
        server.stop()

    expected = {
        "accepted": 200,
        "socket": live.CLOSE_PUSH_ONLY,
        "too long": 400,
        "too large": 413,
        "no CSRF token": 403,
        "edited": 200,
        "stale edit": 409,
        "fails": 500,
        "join without CSRF": 403,
        "projector": 200,
        "wrong token": 404,
        "foreign host": 400,
        "login failed": 200,
        "login": 302,
        "stale moderation": 409,
        "deleted": 302,
        "join a deleted workshop": 404,
    }
    exports = {what: status for what, status in statuses.items() if what.startswith("export")}
    assert {what: statuses[what] for what in expected} == expected
    assert set(exports.values()) <= {200, 400}, exports  # 400: a poster for 127.0.0.1
    log = server.log_text()
    # The log is as detailed as it gets, and every path wrote to it.
    for line in (
        "HTTP response complete",  # daphne at DEBUG
        "Bad Request: /b/",
        "Request Entity Too Large: /b/",
        "Forbidden (CSRF token missing.): /b/",
        "Conflict: /b/",
        "Conflict: /w/",
        "Internal Server Error: /test/fails/",
        "Traceback",
        f"Forbidden (CSRF cookie not set.): /j/{MASK}/",
        f"Not Found: /p/{MASK}/",
        f"Not Found: /j/{MASK}/",
        "Invalid HTTP_HOST header",
        "AXES: New login failure",
    ):
        assert line in log, f"{line!r} is not in the log"
    secrets = secrets_of(workshop, phone, laptop, stranger)
    assert not leaks(log, secrets), (leaks(log, secrets), log[-5000:])
    assert not leaks(caplog.text, secrets)


async def close_code_or_snapshot(server: Daphne, path: str, visitor: Visitor) -> str:
    try:
        frame = await first_frame(server, path, visitor)
    except websockets.ConnectionClosed as closed:
        return str(closed.rcvd.code if closed.rcvd else None)
    return "snapshot" if "data-snapshot" in frame else "other"


@pytest.mark.services("redis")
def test_no_card_text_name_or_secret_in_the_debug_log_of_a_redis_outage(tmp_path, marked):
    from django.db import connection

    workshop, group = marked
    board = group.board
    redis = PrivateRedis(free_port())  # the test's own, never the machine's shared one
    redis.start()
    server = start_daphne(
        tmp_path / "daphne.log",
        DATABASE_URL=database_url(connection.settings_dict),
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        STELLWAND_CHANNEL_PREFIX=f"logs{SPUR}",
        DJANGO_DEBUG="true",
        DJANGO_LOG_LEVEL="DEBUG",
    )
    socket, cards = f"/ws/boards/{board.pk}/", f"/b/{board.pk}/cards/"
    try:
        phone = join(server, workshop, group)
        pushed = asyncio.run(
            push_then_frame(server, socket, phone, lambda: phone.post(cards, card_form(CARD)))
        )
        assert pushed == (200, live.CLOSE_PUSH_ONLY)
        card = Card.objects.get(text=CARD)
        redis.stop()
        assert phone.post(cards, card_form(f"{CARD} im Ausfall")) == 200
        edit = {"text": f"{CARD} im Ausfall geändert", "version": card.version}
        assert phone.post(f"/b/{board.pk}/cards/{card.pk}/edit/", edit) == 200
        outage = asyncio.run(close_code_or_snapshot(server, socket, phone))
        assert outage == str(live.CLOSE_TRY_AGAIN)
        time.sleep(3)  # channels_redis' receive task fails once a second meanwhile
        redis.start()
        deadline = time.monotonic() + 20
        while asyncio.run(close_code_or_snapshot(server, socket, phone)) != "snapshot":
            assert time.monotonic() < deadline, "the socket did not come back with Redis"
            time.sleep(1)
        assert phone.post(cards, card_form(f"{CARD} danach")) == 200
        while "The channel layer is back" not in server.log_text():
            assert time.monotonic() < deadline, "the log does not say that Redis is back"
            time.sleep(0.2)
    finally:
        server.stop()
        redis.stop()
    log = server.log_text()
    assert "The channel layer is unreachable" in log
    assert "HTTP response complete" in log  # daphne at DEBUG
    assert Card.objects.filter(text__startswith=CARD).count() == 3
    secrets = secrets_of(workshop, phone)
    assert not leaks(log, secrets), (leaks(log, secrets), log[-5000:])


class Collect(logging.Handler):
    """Every record as it is handed to the first handler, before any handler's filter."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines.append(self.format(record))  # with the traceback, as a handler writes it


@pytest.fixture
def every_record():
    """Every record of every logger at DEBUG, seen first (Django's own do not propagate to
    the root, and the console handler's filter would mask a record for handlers after it)."""
    collect = Collect()
    loggers = [logging.getLogger(), logging.getLogger("django")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.handlers.insert(0, collect)
        logger.setLevel(logging.DEBUG)
    yield collect
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(collect)
        logger.setLevel(level)


def test_no_card_text_name_or_secret_in_any_record_of_this_process(
    marked, every_record, settings, django_capture_on_commit_callbacks
):
    """The same paths through the test client: every record, whoever handles it, is clean
    (the masking happens as a record is made, not only in the server's console handler)."""
    from django.test import Client

    workshop, group = marked
    board = group.board
    settings.ROOT_URLCONF = "tests.logsite"  # the app and one view that fails
    phone = Client(raise_request_exception=False, headers={"HX-Request": "true"})
    join_via_http(phone, group, NAME)
    cards = f"/b/{board.pk}/cards/"
    statuses = {}
    with django_capture_on_commit_callbacks(execute=True):  # the pushes render here
        statuses["accepted"] = phone.post(cards, card_form(CARD)).status_code
    live.flush_coalesced()
    statuses["too long"] = phone.post(cards, card_form(CARD * 20)).status_code
    statuses["too large"] = phone.post(cards, card_form(CARD * 7000)).status_code
    card = Card.objects.get(text=CARD)
    edit = f"/b/{board.pk}/cards/{card.pk}/edit/"
    old = {"text": f"{CARD} geändert", "version": card.version}
    with django_capture_on_commit_callbacks(execute=True):
        statuses["edited"] = phone.post(edit, old).status_code
    statuses["stale edit"] = phone.post(edit, old).status_code
    statuses["fails"] = phone.post("/test/fails/", {"text": CARD}).status_code
    strict = Client(enforce_csrf_checks=True)
    statuses["join without CSRF"] = strict.post(f"/j/{JOIN_CODE}/", {}).status_code
    statuses["wrong token"] = Client().get(f"/p/{workshop.projector_token[:-2]}xy/").status_code
    assert statuses == {
        "accepted": 200,
        "too long": 400,
        "too large": 413,
        "edited": 200,
        "stale edit": 409,
        "fails": 500,
        "join without CSRF": 403,
        "wrong token": 404,
    }
    logged = "\n".join(every_record.lines)
    for line in (
        "Bad Request: /b/",
        "Conflict: /b/",
        "Internal Server Error: /test/fails/",
        f"Forbidden (CSRF cookie not set.): /j/{MASK}/",
        f"Not Found: /p/{MASK}/",
    ):
        assert line in logged, f"{line!r} was not logged"
    secrets = secrets_of(workshop) | {"the phone's session": phone.cookies["sessionid"].value}
    assert not leaks(logged, secrets), leaks(logged, secrets)
    for record in every_record.records:  # what any other handler would be handed
        assert not leaks(f"{record.msg} {record.args}", secrets), record.__dict__


def test_the_runs_log_guard_sees_a_factorys_card_text_or_name_in_any_record(db):
    """tests/conftest.py fails a test whose records hold what the factories write."""
    from tests.conftest import _log_guard
    from tests.factories import LOG_MARKER, CardFactory, ParticipantFactory

    card, person = CardFactory(), ParticipantFactory()
    assert LOG_MARKER in card.text
    assert LOG_MARKER in person.display_name
    before = len(_log_guard.hits)
    logging.getLogger("boards.views").warning("card %s", card.text)
    logging.getLogger("django.request").error("by %(name)s", {"name": person.display_name})
    try:
        raise ValueError(card.text)
    except ValueError:
        logging.getLogger("workshop").exception("failed")
    assert len(_log_guard.hits) == before + 3
    del _log_guard.hits[before:]  # these were on purpose
