"""Who/when views: where a facilitator's form sends them back to, error pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from workshop.views import bad_request


@pytest.mark.parametrize(
    "target", ["0", "-1", "dashboard", "https://evil.example/", "//evil.example/"]
)
def test_an_odd_next_goes_back_to_the_settings(target, facilitator_client, workshop):
    # A bare word was taken for a view's name: NoReverseMatch, a 500.
    response = facilitator_client.post(
        reverse("workshop:joining", args=[workshop.pk]), {"open": "false", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop:settings", args=[workshop.pk])
    workshop.refresh_from_db()
    assert workshop.joining_open is False


def test_next_back_to_a_wall_of_this_site(facilitator_client, workshop, board_a):
    wall = reverse("workshop:board", args=[workshop.pk, board_a.pk])
    response = facilitator_client.post(
        reverse("workshop:joining", args=[workshop.pk]), {"open": "true", "next": wall}
    )
    assert response["Location"] == wall


def test_a_body_too_big_without_a_length_is_413_and_other_bad_requests_stay_400(db):
    request = RequestFactory().post("/b/1/cards/", headers={"HX-Request": "true"})
    with translation.override("de"):
        response = bad_request(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert "Das war zu viel auf einmal" in response.content.decode()
    assert bad_request(request, SuspiciousOperation("odd")).status_code == 400
