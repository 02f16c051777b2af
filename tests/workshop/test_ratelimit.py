"""Rate limits (scenario 13): a flood gets 429 with Retry-After, people at normal speed never.

The clock is a fake one (`ratelimit.clock`); the counters are this process's memory
(conftest), fresh for every test; the limits are the defaults unless a test says otherwise.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from boards import services
from boards.models import Card, Vote
from tests.conftest import join_via_http
from tests.factories import CardFactory
from workshop import ratelimit
from workshop.models import Participant

ROOT = Path(__file__).resolve().parents[2]
HTMX = {"HX-Request": "true"}
TOWN_HALL = "203.0.113.7"

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_017.25  # not at a window's edge

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(ratelimit, "clock", fake)
    return fake


def post_card(client: Client, board, text: str, client_uuid: str | None = None):
    data = {"text": text, "client_uuid": client_uuid or str(uuid.uuid4())}
    return client.post(reverse("card-post", args=[board.pk]), data, headers=HTMX)


def retry_after(response) -> int:
    assert response.status_code == 429, response.content.decode()[:500]
    seconds = int(response["Retry-After"])
    assert seconds >= 1
    return seconds


# the counter itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("start", [0.0, 7.5, 29.0, 59.9])
def test_retry_after_is_exactly_when_the_next_request_passes(settings, clock, start):
    settings.STELLWAND_RATE_CARDS = "3/60"
    clock.now = 1_800_000_000.0 + start
    for n in range(3):
        assert ratelimit.hit(ratelimit.CARDS, "p1") is None, n
        clock.tick(2)
    wait = ratelimit.hit(ratelimit.CARDS, "p1")
    assert wait is not None
    for _ in range(5):  # refused requests do not count: the wait only shrinks
        clock.tick(0.1)
        assert ratelimit.hit(ratelimit.CARDS, "p1") <= wait
    clock.tick(wait - 0.5 - 1.01)
    assert ratelimit.blocked(ratelimit.CARDS, "p1") is not None  # a second early: not yet
    clock.tick(1.01)
    assert ratelimit.hit(ratelimit.CARDS, "p1") is None


def test_a_rate_is_n_in_s_seconds_or_off(settings):
    assert ratelimit.parse_rate("20/60") == ratelimit.Rate(20, 60)
    assert ratelimit.parse_rate(" 5 / 10s ") == ratelimit.Rate(5, 10)
    assert ratelimit.parse_rate("off") is None
    settings.STELLWAND_RATE_CARDS = "off"
    assert all(ratelimit.hit(ratelimit.CARDS, "p1") is None for _ in range(500))
    with pytest.raises(ImproperlyConfigured, match="N/S"):
        ratelimit.parse_rate("viele")


# cards ----------------------------------------------------------------------------------------


def test_a_burst_of_cards_gets_429_while_another_participant_on_the_board_still_posts(
    joined_client, group_a, clock
):
    board = group_a.board
    kim_client, kim = joined_client(group_a, "Kim")
    lou_client, lou = joined_client(group_a, "Lou")
    # 200 cards in 10 seconds, as one client could send them before.
    answers = []
    for n in range(200):
        answers.append(post_card(kim_client, board, f"Flut {n}"))
        clock.tick(0.05)
    statuses = [response.status_code for response in answers]
    assert statuses[:20] == [200] * 20
    assert set(statuses[20:]) == {429}
    assert Card.objects.filter(author=kim).count() == 20
    refused = answers[-1]
    wait = retry_after(refused)
    body = refused.content.decode()
    assert "data-composer-error" in body
    assert f"Bitte warten Sie {wait} Sekunden" in body
    assert "Ihre Karte bleibt erhalten" in body
    # At that same moment Lou pins a card: not affected.
    assert post_card(lou_client, board, "Von Lou").status_code == 200
    assert Card.objects.filter(author=lou).count() == 1
    # Kim, having waited as told, gets in again.
    clock.tick(wait)
    assert post_card(kim_client, board, "Nach der Pause").status_code == 200


def test_a_refused_card_without_htmx_gets_the_board_page_with_the_message(
    joined_client, group_a, clock, settings
):
    settings.STELLWAND_RATE_CARDS = "1/60"
    client, _kim = joined_client(group_a, "Kim")
    url = reverse("card-post", args=[group_a.board.pk])
    assert client.post(url, {"text": "Eins", "client_uuid": str(uuid.uuid4())}).status_code == 302
    response = client.post(url, {"text": "Zwei", "client_uuid": str(uuid.uuid4())})
    wait = retry_after(response)
    body = response.content.decode()
    assert f"Bitte warten Sie {wait} Sekunden" in body
    assert ">Zwei</textarea>" in body  # the text is still in the form
    assert not Card.objects.filter(text="Zwei").exists()


def test_twelve_cards_from_the_outbox_at_once_all_pass(joined_client, group_a, clock):
    """A phone that was offline sends the dozen cards it kept in one burst, right after
    the five it had sent in the minute before."""
    board = group_a.board
    client, kim = joined_client(group_a, "Kim")
    for n in range(5):
        assert post_card(client, board, f"Vorher {n}").status_code == 200
        clock.tick(10)
    kept = [(f"Offline {n}", str(uuid.uuid4())) for n in range(12)]
    assert [post_card(client, board, text, key).status_code for text, key in kept] == [200] * 12
    # A retry of the same cards (the answers were lost) doubles nothing.
    for text, key in kept[:3]:
        assert post_card(client, board, text, key).status_code == 200
    assert Card.objects.filter(author=kim).count() == 17


def test_the_message_is_in_english_for_an_english_phone(joined_client, group_a, clock, settings):
    settings.STELLWAND_RATE_CARDS = "1/60"
    client, _kim = joined_client(group_a, "Kim", HTTP_ACCEPT_LANGUAGE="en")
    post_card(client, group_a.board, "Eins")
    response = post_card(client, group_a.board, "Zwei")
    wait = retry_after(response)
    assert f"Please wait {wait} seconds, then it goes on by itself." in response.content.decode()


# votes ----------------------------------------------------------------------------------------


def test_quick_voting_passes_and_a_flood_of_votes_gets_429_with_the_real_state(
    joined_client, group_a, facilitator, clock
):
    board = group_a.board
    services.voting_start(board=board, user=facilitator, dots_per_participant=5, max_per_target=5)
    client, kim = joined_client(group_a, "Kim")
    card = CardFactory(board=board)
    cast, retract = reverse("vote-cast", args=[board.pk]), reverse("vote-retract", args=[board.pk])
    # A quick person: 30 taps in 15 seconds, changing their mind.
    for n in range(30):
        response = client.post(cast if n % 2 == 0 else retract, {"card": card.pk}, headers=HTMX)
        assert response.status_code == 200, n
        clock.tick(0.5)
    # A script: 100 taps at once.
    answers = [client.post(cast, {"card": card.pk}, headers=HTMX) for _ in range(100)]
    refused = [response for response in answers if response.status_code == 429]
    assert len(refused) == 100 - 30  # 60 in any minute; 30 of them were the person's
    wait = retry_after(refused[0])
    body = refused[0].content.decode()
    assert "Sie stimmen sehr schnell ab" in body
    assert f'id="board-{board.pk}-me"' in body  # the phone takes back its guess
    assert Vote.objects.filter(participant=kim).count() == 5  # the budget held anyway
    clock.tick(wait)
    assert client.post(retract, {"card": card.pk}, headers=HTMX).status_code == 200


# joining --------------------------------------------------------------------------------------


def test_sixty_people_join_from_one_town_hall_address_within_a_minute(group_a, clock):
    """Five of them mistype the code first."""
    code = group_a.workshop.join_code
    for n in range(60):
        phone = Client(REMOTE_ADDR=TOWN_HALL)
        if n % 12 == 0:  # five of the sixty
            typo = phone.get("/", {"code": code[:-1] + ("A" if code[-1] != "A" else "C")})
            assert typo.status_code == 200
            assert "Kein Workshop hat diesen Code" in typo.content.decode()
        found = phone.get("/", {"code": code.lower()})
        assert found.status_code == 302, found.content.decode()[:300]
        assert phone.get(found["Location"]).status_code == 200
        join_via_http(phone, group_a, f"Person {n}")
        clock.tick(1)  # sixty within a minute
    assert Participant.objects.filter(workshop=group_a.workshop).count() == 60


def test_a_join_form_past_the_limit_shows_the_message_and_creates_nobody(group_a, clock, settings):
    settings.STELLWAND_RATE_JOINS = "2/60"
    url = reverse("join", args=[group_a.workshop.join_code])
    for name in ("Kim", "Lou"):
        join_via_http(Client(REMOTE_ADDR=TOWN_HALL), group_a, name)
    response = Client(REMOTE_ADDR=TOWN_HALL).post(url, {"display_name": "Max", "group": group_a.pk})
    wait = retry_after(response)
    body = response.content.decode()
    assert 'class="alert" role="alert"' in body
    assert "Gerade sind sehr viele Personen aus diesem Netz beigetreten" in body
    assert 'value="Max"' in body  # what they typed is still there
    assert not Participant.objects.filter(display_name="Max").exists()
    # Elsewhere, someone joins as usual; here, after the wait, too.
    join_via_http(Client(REMOTE_ADDR="198.51.100.20"), group_a, "Ali")
    clock.tick(wait)
    join_via_http(Client(REMOTE_ADDR=TOWN_HALL), group_a, "Max")


def wrong_codes(count: int) -> list[str]:
    return [f"QQ{n:04d}" for n in range(count)]  # not in the alphabet: never a real code


def test_guessing_codes_from_one_address_gets_429_after_the_limit(group_a, clock):
    code = group_a.workshop.join_code
    joined = Client(REMOTE_ADDR=TOWN_HALL)
    join_via_http(joined, group_a, "Kim")
    guesser = Client(REMOTE_ADDR=TOWN_HALL)
    answers = []
    for guess in wrong_codes(100):  # 100 codes in 3 seconds
        answers.append(guesser.get(f"/j/{guess}/"))
        clock.tick(0.03)
    statuses = [response.status_code for response in answers]
    assert statuses[:20] == [404] * 20
    assert set(statuses[20:]) == {429}
    refused = answers[-1]
    wait = retry_after(refused)
    body = refused.content.decode()
    assert f"Aus diesem Netz wurden zu viele falsche Codes eingegeben. Bitte warten Sie {wait}" in (
        body
    )
    assert 'id="id_code"' in body  # the code form, to try again
    # Past the limit, the right code is not looked up either (or guessing would go on) ...
    assert retry_after(guesser.get(f"/j/{code}/")) <= wait
    assert retry_after(guesser.get("/", {"code": code})) <= wait
    # ... but a phone that joined already goes on, and another address is not affected.
    assert joined.get(f"/j/{code}/").status_code == 200
    assert Client(REMOTE_ADDR="198.51.100.20").get(f"/j/{code}/").status_code == 200
    clock.tick(wait)
    assert guesser.get(f"/j/{code}/").status_code == 200


def test_wrong_codes_on_the_home_page_count_too_and_say_so_in_english(group_a, clock, settings):
    settings.STELLWAND_RATE_CODES = "3/60"
    phone = Client(REMOTE_ADDR=TOWN_HALL, HTTP_ACCEPT_LANGUAGE="en")
    for guess in wrong_codes(3):
        assert phone.get("/", {"code": guess}).status_code == 200  # "no workshop has this code"
    response = phone.get("/", {"code": "QQ9999"})
    wait = retry_after(response)
    body = response.content.decode()
    assert f"Too many wrong codes were entered from this network. Please wait {wait}" in body
    assert 'value="QQ9999"' in body


# the shared cache ---------------------------------------------------------------------------


def run_django(script: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "REDIS"))
    }
    environment.update(DJANGO_SETTINGS_MODULE="workshop.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def caches_of(**env: str) -> str:
    script = "from django.conf import settings; c = settings.CACHES['default']; "
    script += "print(c['BACKEND'], c.get('LOCATION', ''))"
    done = run_django(script, **env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("name", "value"),
    [("STELLWAND_RATE_CARDS", "zwanzig"), ("STELLWAND_TRUSTED_PROXIES", "10.0.0.0/33")],
)
def test_a_mistyped_limit_or_proxy_stops_the_start(name, value):
    done = run_django("print('started')", **{name: value})
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "started" not in done.stdout


def test_the_counters_live_in_redis_when_redis_url_is_set():
    assert caches_of(REDIS_URL="redis://10.1.2.3:6380/4") == (
        "django.core.cache.backends.redis.RedisCache redis://10.1.2.3:6380/4"
    )
    assert caches_of().startswith("django.core.cache.backends.locmem.LocMemCache")


def test_a_cache_that_does_not_answer_lets_cards_through_and_says_so_once(
    joined_client, group_a, settings, caplog
):
    client, kim = joined_client(group_a, "Kim")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    with caplog.at_level(logging.INFO, logger="workshop.ratelimit"):
        statuses = [post_card(client, group_a.board, f"Karte {n}").status_code for n in range(3)]
    assert statuses == [200] * 3
    assert Card.objects.filter(author=kim).count() == 3
    warnings = [r for r in caplog.records if r.name == "workshop.ratelimit"]
    assert [r.levelname for r in warnings] == ["WARNING"]
    assert "rate limits are off" in warnings[0].getMessage()


def test_two_workers_count_together_in_a_real_redis(monkeypatch, clock, tmp_path):
    """Two cache clients, as two workers have, on a redis-server of the test's own: a
    participant whose posts alternate between them gets 20 in, not 20 on each."""
    from django.core.cache.backends.redis import RedisCache

    from tests.servers import PrivateRedis, free_port

    server = PrivateRedis(free_port())
    server.start()
    try:
        location = f"redis://127.0.0.1:{server.port}/0"
        workers = [RedisCache(location, {"KEY_PREFIX": "test"}) for _ in range(2)]
        answers = []
        for n in range(25):
            monkeypatch.setattr(ratelimit, "cache", workers[n % 2])
            answers.append(ratelimit.hit(ratelimit.CARDS, "p7"))
            clock.tick(0.1)
        assert answers[:20] == [None] * 20
        assert all(isinstance(wait, int) and wait >= 1 for wait in answers[20:])
        assert ratelimit.health.down is False
        # The counters expire by themselves: nothing is left behind for long.
        keys = workers[0]._cache.get_client().keys("test:*")
        assert keys
        ttl = workers[0]._cache.get_client().ttl(keys[0])
        assert 0 < ttl <= 2 * 60 + 1
    finally:
        server.stop()


def test_guessing_codes_from_new_ipv6_addresses_of_one_network_gets_429(group_a, clock):
    answers = [
        Client(REMOTE_ADDR=f"2001:db8:1:2::{n:x}").get(f"/j/{guess}/")
        for n, guess in enumerate(wrong_codes(30), start=1)
    ]
    statuses = [response.status_code for response in answers]
    assert statuses[:20] == [404] * 20
    assert set(statuses[20:]) == {429}
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").get("/j/XXXXXX/").status_code == 404
