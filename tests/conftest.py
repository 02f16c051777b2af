"""Shared fixtures: a workshop with two groups, a second workshop, joined phones, sent pushes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.http import HttpRequest
from django.test import Client, override_settings
from django.urls import reverse

from tests import services
from tests.factories import LOG_MARKER, BreakoutGroupFactory, UserFactory, WorkshopFactory
from tests.servers import Daphne, database_url, start_daphne
from workshop import live, ratelimit
from workshop.models import BreakoutGroup, Participant, Workshop


@pytest.fixture(scope="session")
def compiled_catalogues() -> None:
    """The German and English catalogues, compiled like `make` does when they are stale.

    Tests assert the German a participant reads, so a missing or outdated .mo must not turn
    them into tests of the English source strings.
    """
    stale = []
    for po in Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po.parent.parent.name)
    if stale:
        call_command("compilemessages", locale=stale, verbosity=0)
        # Public API only: changing LOCALE_PATHS makes Django drop the catalogues it loaded
        # (its `setting_changed` receiver), so the fresh .mo files are read on next use.
        with override_settings(LOCALE_PATHS=list(settings.LOCALE_PATHS)):
            pass


@pytest.fixture(scope="session")
def daphne_process(django_db_setup, tmp_path_factory) -> Iterator[Daphne]:
    """One real daphne for the session, on the test database (SQLite file or PostgreSQL).

    For behaviour that depends on the server itself (close codes, access logs, origins):
    `WebsocketCommunicator` does not go through autobahn or daphne's logging.
    """
    from django.db import connection

    log = tmp_path_factory.mktemp("daphne") / "daphne.log"
    server = start_daphne(
        log, DATABASE_URL=database_url(connection.settings_dict), DJANGO_DEBUG="true"
    )
    yield server
    server.stop()


@pytest.fixture
def daphne(transactional_db, daphne_process: Daphne) -> Daphne:
    """The real daphne, with this test's writes committed so that it sees them."""
    return daphne_process


@pytest.fixture
def facilitator(db):
    return UserFactory(username="andrea")


@pytest.fixture
def workshop(facilitator) -> Workshop:
    return WorkshopFactory(title="In Silos oder innovativ?", facilitator=facilitator)


@pytest.fixture
def group_a(workshop) -> BreakoutGroup:
    return BreakoutGroupFactory(workshop=workshop, name="Mobilität")


@pytest.fixture
def group_b(workshop) -> BreakoutGroup:
    return BreakoutGroupFactory(workshop=workshop, name="Einzelhandel")


@pytest.fixture
def board_a(group_a):
    return group_a.board


@pytest.fixture
def board_b(group_b):
    return group_b.board


@pytest.fixture
def other_workshop(db) -> Workshop:
    return WorkshopFactory(title="Andere Werkstatt")


@pytest.fixture
def other_group(other_workshop) -> BreakoutGroup:
    return BreakoutGroupFactory(workshop=other_workshop, name="Verwaltung")


def join_via_http(client: Client, group: BreakoutGroup, name: str = "Kim") -> Participant:
    """Join like a phone does: open the join page, post the form, follow to the board."""
    url = reverse("join", args=[group.workshop.join_code])
    response = client.post(url, {"display_name": name, "group": group.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("board", args=[group.board.pk])
    return Participant.objects.filter(workshop=group.workshop).latest("joined_at")


@pytest.fixture
def joined_client(db) -> Callable[..., tuple[Client, Participant]]:
    """A fresh browser that has joined `group`; returns (client, participant)."""

    def make(
        group: BreakoutGroup, name: str = "Kim", **client_kwargs
    ) -> tuple[Client, Participant]:
        client = Client(**client_kwargs)
        participant = join_via_http(client, group, name)
        return client, participant

    return make


@pytest.fixture
def facilitator_client(facilitator) -> Client:
    client = Client()
    client.force_login(facilitator)
    return client


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict]]:
    """Every message handed to the channel layer, as (group, message)."""
    log: list[tuple[str, dict]] = []
    monkeypatch.setattr(live, "_group_send", lambda group, message: log.append((group, message)))
    return log


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in German: a request in another language leaves that language active
    in the thread the test client ran it on."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _exports_render_here(request) -> Iterator[None]:
    """Exports render on the request's thread, where the test's open transaction is seen;
    tests with committed data (transactional_db, a real daphne) keep the worker thread."""
    from boards.views.results import renderer

    committed = "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    renderer.threads = committed
    yield
    renderer.threads = True


@pytest.fixture(autouse=True)
def _coalesced_pushes_stay_here() -> Iterator[None]:
    """Coalesced pushes wait for `live.flush_coalesced()` instead of a timer thread, and no
    test inherits another's half-second budget."""
    for coalescer in (live.coalescer, live.signals):
        coalescer.reset()
        coalescer.threads = False
    yield
    for coalescer in (live.coalescer, live.signals):
        coalescer.reset()
        coalescer.threads = True


def pytest_terminal_summary(terminalreporter) -> None:
    from tests import tally

    lines = tally.summary()
    if lines:
        terminalreporter.section("tried")
        for line in lines:
            terminalreporter.write_line(line)


def pytest_configure(config):
    # WhiteNoise notes that `collectstatic` has not run; static files are served from static/.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    config.addinivalue_line(
        "markers",
        "services(*names): needs real PostgreSQL/Redis (PG_TEST_URL, REDIS_TEST_URL); "
        "skipped without them, failed when STELLWAND_REQUIRE_SERVICES=1",
    )


_service_problems: dict[str, str | None] = {}


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("services")
    if marker is None:
        return
    for service in marker.args:
        if service not in _service_problems:
            _service_problems[service] = services.problem(service)
        reason = _service_problems[service]
        if reason is None:
            continue
        if services.required():
            pytest.fail(f"STELLWAND_REQUIRE_SERVICES is set, but {reason}", pytrace=False)
        pytest.skip(f"{reason}: the tests that need {service} are skipped")


@pytest.fixture(autouse=True)
def _rate_limits_count_afresh(settings) -> None:
    """Every test counts from zero, in this process's memory: never in a Redis that REDIS_URL
    may name (the machine's shared one). The limits stay on, as configured."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    ratelimit.health.down = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(request):
    # PBKDF2's deliberate slowness is not what these tests measure. The browser tests log in
    # through a separate daphne that keeps the real hasher, so they are left alone.
    if request.node.get_closest_marker("e2e") is None:
        request.getfixturevalue("settings").PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher"
        ]


@pytest.fixture(autouse=True)
def _client_login_passes_a_request(monkeypatch) -> None:
    """`Client.login` authenticates without a request, which axes's backend refuses: give it
    one from the test client's address, so that its attempts count like any other."""
    from django.test.client import ClientMixin

    def with_request(credentials: dict) -> dict:
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials = {"request": request, **credentials}
        return credentials

    login, alogin = ClientMixin.login, ClientMixin.alogin
    monkeypatch.setattr(ClientMixin, "login", lambda self, **kw: login(self, **with_request(kw)))
    monkeypatch.setattr(ClientMixin, "alogin", lambda self, **kw: alogin(self, **with_request(kw)))


@pytest.fixture(autouse=True, scope="session")
def _catalogues(compiled_catalogues):
    """Messages are asserted in German, as participants read them."""


class LogMarkerGuard(logging.Handler):
    """Every log record of the run, at the levels configured: those that hold the text the
    factories put into card texts and names (RELIABILITY.md 26). A substring test per record:
    it costs nothing, and a hit is a real leak (no log line holds the marker by chance)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.hits: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a record with odd arguments is its own problem, not this one's
            text = f"{record.msg} {record.args}"
        if record.exc_info and record.exc_info[1] is not None:
            text += f" {record.exc_info[1]!r}"
        if LOG_MARKER in text:
            self.hits.append(f"{record.name} {record.levelname}: {text[:500]}")


_log_guard = LogMarkerGuard()


def _guard_logs() -> None:
    # The root and Django's own logger, which does not propagate (workshop/settings.py).
    for logger in (logging.getLogger(), logging.getLogger("django")):
        if _log_guard not in logger.handlers:
            logger.addHandler(_log_guard)


@pytest.fixture(autouse=True)
def _no_card_text_or_name_in_the_logs() -> Iterator[None]:
    """A test whose run logged a factory's card text or name fails (at its teardown)."""
    _guard_logs()
    before = len(_log_guard.hits)
    yield
    if len(_log_guard.hits) > before:
        pytest.fail(
            "a log record holds a card text or a name:\n" + "\n".join(_log_guard.hits[before:])
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A record between tests (a timer thread, session teardown) fails the run as well."""
    if _log_guard.hits and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if _log_guard.hits:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("Log records that hold a card text or a name (scenario 26):")
            for hit in _log_guard.hits:
                reporter.write_line(f"  {hit}")
