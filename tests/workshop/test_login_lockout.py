"""Login guessing: a username is locked from one address only, and the page says what to do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import AsyncClient, Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from tests.factories import PASSWORD, UserFactory

HERE, ELSEWHERE = "203.0.113.7", "198.51.100.20"
LOGIN = "/accounts/login/"

pytestmark = pytest.mark.usefixtures("compiled_catalogues")


def locked_message(minutes: int) -> str:
    """In the active language (its German comes with the catalogues merged from locale/pending)."""
    return ngettext(
        "Too many failed attempts for this account from this device. Please wait %(minutes)s "
        "minute and try again, or contact the person who looks after Stellwand for you.",
        "Too many failed attempts for this account from this device. Please wait %(minutes)s "
        "minutes and try again, or contact the person who looks after Stellwand for you.",
        minutes,
    ) % {"minutes": minutes}


def log_in(username: str, password: str, address: str = HERE, path: str = LOGIN, **headers):
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(path, {"username": username, "password": password})
    return client, response


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def guess(username: str, times: int = 5, address: str = HERE, path: str = LOGIN):
    """Wrong passwords; the last one's answer (the one that reaches the limit is refused)."""
    for _ in range(times):
        _client, response = log_in(username, "falsch", address, path)
    return response


def test_five_wrong_passwords_lock_the_account_from_that_address(facilitator):
    assert guess("andrea", times=4).status_code == 200  # "wrong username or password"
    assert guess("andrea", times=1).status_code == 429  # the fifth already says to wait
    client, response = log_in("andrea", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    with translation.override("de"):
        message = locked_message(15)
    assert "15" in message
    assert message in response.text
    assert 'lang="de"' in response.text
    assert 'name="password"' in response.text  # the site's login page, to try again later
    assert 'value="andrea"' in response.text


def test_four_wrong_passwords_do_not_lock(facilitator):
    guess("andrea", times=4)
    client, response = log_in("andrea", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_same_user_from_another_address_can_still_log_in(facilitator):
    guess("andrea")
    client, response = log_in("andrea", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop:dashboard")
    assert logged_in(client)


def test_another_username_from_the_same_address_is_not_locked(facilitator):
    UserFactory(username="bernd")
    guess("andrea")
    client, response = log_in("bernd", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_a_forwarded_address_is_not_believed(facilitator):
    # No proxy is trusted: X-Forwarded-For would let a guesser pick a fresh address each time.
    for n in range(5):
        log_in("andrea", "falsch", headers={"X-Forwarded-For": f"192.0.2.{n}"})
    client, response = log_in("andrea", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_a_success_resets_the_counter(facilitator):
    guess("andrea", times=4)
    client, response = log_in("andrea", PASSWORD)
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username="andrea").exists()
    guess("andrea", times=4)
    client, response = log_in("andrea", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_after_the_cool_off_the_user_can_log_in_again(facilitator):
    guess("andrea")
    assert log_in("andrea", PASSWORD)[1].status_code == 429
    attempt = AccessAttempt.objects.get(username="andrea", ip_address=HERE)
    AccessAttempt.objects.filter(pk=attempt.pk).update(
        attempt_time=attempt.attempt_time - timedelta(minutes=15, seconds=1)
    )
    client, response = log_in("andrea", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_limit_and_the_cool_off_come_from_the_settings(facilitator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.STELLWAND_LOGIN_COOLOFF_MINUTES = 1
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    guess("andrea", times=2)
    _client, response = log_in("andrea", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert (
        "Too many failed attempts for this account from this device. Please wait 1 minute and "
        "try again, or contact the person who looks after Stellwand for you."
    ) in response.text


def test_the_admin_login_is_protected_the_same_way(facilitator):
    facilitator.is_staff = True
    facilitator.save(update_fields=["is_staff"])
    guess("andrea", path="/admin/login/")
    client, response = log_in("andrea", PASSWORD, path="/admin/login/")
    assert response.status_code == 429
    assert not logged_in(client)
    with translation.override("de"):
        assert locked_message(15) in response.text
    # ...and the lock holds on the site's login too: it is one account from one device.
    assert log_in("andrea", PASSWORD)[1].status_code == 429
    assert log_in("andrea", PASSWORD, address=ELSEWHERE, path="/admin/login/")[1].status_code == 302


def test_the_message_is_in_english_with_the_english_locale(facilitator):
    guess("andrea")
    _client, response = log_in("andrea", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert (
        "Too many failed attempts for this account from this device. Please wait 15 minutes "
        "and try again, or contact the person who looks after Stellwand for you."
    ) in response.text
    assert 'lang="en"' in response.text


@pytest.mark.django_db(transaction=True)
async def test_the_lock_holds_in_async_mode_too():
    # Under daphne the middleware chain runs async: axes's async branch answers there. The
    # sync view runs on another thread, so the user is committed first.
    await sync_to_async(UserFactory)(username="andrea")
    client = AsyncClient(REMOTE_ADDR=HERE)
    for _ in range(4):
        response = await client.post(LOGIN, {"username": "andrea", "password": "falsch"})
        assert response.status_code == 200
    response = await client.post(LOGIN, {"username": "andrea", "password": "falsch"})
    assert response.status_code == 429
    response = await client.post(LOGIN, {"username": "andrea", "password": PASSWORD})
    assert response.status_code == 429
    with translation.override("de"):
        assert locked_message(15) in response.text
