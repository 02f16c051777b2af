"""The client's address: X-Forwarded-For is believed only from a proxy in the setting."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory

from tests.factories import PASSWORD
from workshop.addresses import client_address

PROXY = "10.0.0.5"


def address(remote: str, forwarded: str | None = None) -> str:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, headers=headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.STELLWAND_TRUSTED_PROXIES = []
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert address(PROXY, "198.51.100.1") == PROXY


def test_a_peer_that_is_not_a_trusted_proxy_cannot_choose_its_address(settings):
    settings.STELLWAND_TRUSTED_PROXIES = [PROXY]
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.1", "198.51.100.1"),
        # What the client wrote itself stands further left: the right-most untrusted wins.
        ("1.2.3.4, 198.51.100.1", "198.51.100.1"),
        ("1.2.3.4, 198.51.100.1, 10.1.2.3", "198.51.100.1"),  # a second proxy of ours
        ("198.51.100.1:5123", "198.51.100.1"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("::ffff:198.51.100.1", "198.51.100.1"),
        ("", PROXY),  # nothing forwarded: the proxy itself
        ("Unsinn, 10.1.2.3", "10.1.2.3"),  # a broken list: the nearest hop we can read
        ("10.1.2.3", "10.1.2.3"),  # only proxies: the farthest one
    ],
)
def test_behind_a_trusted_proxy_the_right_most_untrusted_address(settings, forwarded, expected):
    settings.STELLWAND_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    assert address(PROXY, forwarded) == expected


def test_a_trusted_network_in_ipv6_and_an_ipv4_peer_in_ipv6_form(settings):
    settings.STELLWAND_TRUSTED_PROXIES = ["fd00::/8", "127.0.0.1"]
    assert address("fd00::1", "203.0.113.9") == "203.0.113.9"
    assert address("::ffff:127.0.0.1", "203.0.113.9") == "203.0.113.9"


def test_a_malformed_setting_says_what_is_wrong(settings):
    settings.STELLWAND_TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="STELLWAND_TRUSTED_PROXIES"):
        address(PROXY, "203.0.113.9")


def test_login_lockout_behind_a_proxy_locks_the_guessers_address_only(settings, facilitator):
    """django-axes asks the same function: behind the proxy every person has their own address,
    not the proxy's (which would lock everyone out at once)."""
    settings.STELLWAND_TRUSTED_PROXIES = [PROXY]

    def log_in(password: str, behind: str) -> tuple[Client, int]:
        client = Client(REMOTE_ADDR=PROXY, headers={"X-Forwarded-For": behind})
        response = client.post("/accounts/login/", {"username": "andrea", "password": password})
        return client, response.status_code

    for _ in range(5):
        _client, status = log_in("falsch", "203.0.113.7")
    assert status == 429
    assert log_in(PASSWORD, "203.0.113.7")[1] == 429
    client, status = log_in(PASSWORD, "198.51.100.20")
    assert status == 302
    assert SESSION_KEY in client.session


def test_the_limits_count_an_ipv6_client_by_its_64_and_ipv4_as_it_is(settings):
    from workshop.addresses import limited_address

    settings.STELLWAND_TRUSTED_PROXIES = []

    def limited(remote: str) -> str:
        return limited_address(RequestFactory().get("/", REMOTE_ADDR=remote))

    # One connection owns its /64 whole: every address in it is one key.
    assert limited("2001:db8:1:2::1") == limited("2001:db8:1:2:ffff:0:0:7") == "2001:db8:1:2::"
    assert limited("2001:db8:1:3::1") == "2001:db8:1:3::"
    assert limited("203.0.113.7") == "203.0.113.7"
    assert limited("::ffff:203.0.113.7") == "203.0.113.7"
    assert limited("") == ""
