"""Who/when views: error pages."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.test import RequestFactory
from django.utils import translation

from workshop.views import bad_request


def test_a_body_too_big_without_a_length_is_413_and_other_bad_requests_stay_400(db):
    request = RequestFactory().post("/b/1/cards/", headers={"HX-Request": "true"})
    with translation.override("de"):
        response = bad_request(request, RequestDataTooBig("too big"))
    assert response.status_code == 413
    assert "Das war zu viel auf einmal" in response.content.decode()
    assert bad_request(request, SuspiciousOperation("odd")).status_code == 400
