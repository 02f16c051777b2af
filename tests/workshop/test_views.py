"""Who/when views: where a facilitator's form sends them back to."""

from __future__ import annotations

import pytest
from django.urls import reverse


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
