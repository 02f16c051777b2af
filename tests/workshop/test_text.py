"""Text nobody can see is empty, and user text cannot flip the page around it."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from boards import services
from boards.models import Card, Cluster
from tests.boards.wall import add
from workshop.models import BreakoutGroup, Participant, Workshop

HTMX = {"HX-Request": "true"}
INVISIBLE = ["\u200b\u200b", "\u200d\u2060\ufeff", "\u0301\u0308", "\u3164", "\u202e\u2066 "]


@pytest.mark.parametrize("typed", INVISIBLE)
def test_an_invisible_card_is_empty_and_nothing_is_stored(joined_client, group_a, typed):
    client, _kim = joined_client(group_a)
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]),
        {"text": typed, "client_uuid": str(uuid.uuid4())},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "Die Karte ist leer." in response.content.decode()
    assert not Card.objects.exists()


@pytest.mark.parametrize("typed", INVISIBLE)
def test_an_invisible_group_name_is_refused(facilitator_client, workshop, typed):
    response = facilitator_client.post(
        reverse("workshop:group-add", args=[workshop.pk]), {"name": typed}, follow=True
    )
    assert not BreakoutGroup.objects.exists()
    assert any("Namen" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize("typed", INVISIBLE)
def test_an_invisible_cluster_heading_is_refused(facilitator_client, board_a, typed):
    response = facilitator_client.post(
        reverse("workshop:cluster-create", args=[board_a.workshop_id, board_a.pk]),
        {"title": typed},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert not Cluster.objects.exists()


@pytest.mark.parametrize("typed", INVISIBLE)
def test_an_invisible_display_name_makes_an_anonymous_participant(joined_client, group_a, typed):
    _client, kim = joined_client(group_a, name=typed)
    assert Participant.objects.get(pk=kim.pk).display_name == ""


@pytest.mark.parametrize("typed", INVISIBLE)
def test_an_invisible_workshop_title_is_refused(facilitator_client, typed):
    response = facilitator_client.post(
        reverse("workshop:new"),
        {
            "title": typed,
            "groups-TOTAL_FORMS": "1",
            "groups-INITIAL_FORMS": "0",
            "groups-MIN_NUM_FORMS": "1",
            "groups-MAX_NUM_FORMS": "1000",
            "groups-0-name": "Mobilität",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not Workshop.objects.exists()


def test_a_right_to_left_override_is_removed_and_user_text_is_isolated(
    joined_client, group_a, facilitator
):
    client, kim = joined_client(group_a, name="\u202eKim\u202c")
    assert Participant.objects.get(pk=kim.pk).display_name == "Kim"
    card = add(
        group_a.board, "Rechnung\u202egnp.exe", participant=Participant.objects.get(pk=kim.pk)
    )
    assert card.text == "Rechnunggnp.exe"
    services.cluster_create(board=group_a.board, title="عربي", user=facilitator)
    page = client.get(reverse("board", args=[group_a.board.pk])).content.decode()
    assert '<p class="card__text" dir="auto">Rechnunggnp.exe</p>' in page
    assert "<bdi>Kim</bdi>" in page
    assert 'class="cluster__title" dir="auto">عربي</h3>' in page
    assert "\u202e" not in page
