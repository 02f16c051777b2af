"""A card's client id makes a retry harmless, and hands nothing to anyone but its author."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from boards import services
from boards.events import wall_html
from boards.models import Card
from tests.boards.wall import add, fresh
from workshop.live import Audience

HTMX = {"HX-Request": "true"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


@pytest.fixture
def kim_and_lou(joined_client, group_a):
    return joined_client(group_a, "Kim"), joined_client(group_a, "Lou")


def post(client, board, text, client_uuid):
    data = {"text": text, "client_uuid": str(client_uuid)}
    return client.post(reverse("card-post", args=[board.pk]), data, headers=HTMX)


def test_the_wall_carries_no_client_ids(kim_and_lou, board_a, facilitator):
    (_kim_client, kim), (lou_client, _lou) = kim_and_lou
    card = add(board_a, "Mehr Sitzbänke", participant=kim)
    page = lou_client.get(reverse("board", args=[board_a.pk])).content.decode()
    snapshot = lou_client.get(reverse("board-snapshot", args=[board_a.pk])).content.decode()
    assert "Mehr Sitzbänke" in page
    assert str(card.client_uuid) not in page
    assert str(card.client_uuid) not in snapshot
    for audience in Audience:
        assert str(card.client_uuid) not in wall_html(fresh(board_a), audience)
    # Lou's own element lists only Lou's cards (none yet).
    assert not UUID.search(page.split("data-personal")[1].split(">")[0])


def test_posting_another_participants_client_id_gets_409_and_nothing_of_the_card(
    kim_and_lou, board_a, facilitator
):
    (_kim_client, kim), (lou_client, _lou) = kim_and_lou
    card = add(board_a, "Mehr Sitzbänke", participant=kim)
    services.card_edit(card=card, text="Bänke und Schatten", version=1, user=facilitator)
    response = post(lou_client, board_a, "Egal", card.client_uuid)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Bänke" not in body
    assert "Kim" not in body
    assert f"card-{card.pk}" not in body
    assert "data-drop" not in body  # Lou's text goes back to Lou's field, not away
    assert Card.objects.count() == 1


@pytest.mark.parametrize("taken_off", ["deleted", "hidden", "merged"])
def test_a_foreign_client_id_stays_closed_whatever_happened_to_the_card(
    kim_and_lou, board_a, facilitator, taken_off
):
    (_kim_client, kim), (lou_client, _lou) = kim_and_lou
    card = add(board_a, "Geheimer Text", participant=kim)
    if taken_off == "deleted":
        services.card_delete(card=card, version=1, user=facilitator)
    elif taken_off == "hidden":
        services.card_hide(card=card, hidden=True, user=facilitator)
    else:
        services.card_merge(target=add(board_a, "Ziel"), sources=[card], user=facilitator)
    response = post(lou_client, board_a, "Egal", card.client_uuid)
    assert response.status_code == 409
    assert "Geheimer Text" not in response.content.decode()


def test_a_facilitator_cannot_replay_a_participants_client_id(kim_and_lou, board_a, facilitator):
    (_kim_client, kim), _lou = kim_and_lou
    card = add(board_a, "Von Kim", participant=kim)
    with pytest.raises(services.ClientIdTaken):
        services.card_create(
            board=board_a, text="Egal", client_uuid=card.client_uuid, user=facilitator
        )


def test_the_authors_retry_returns_the_card_and_their_element_lists_it(kim_and_lou, board_a):
    (kim_client, _kim), _lou = kim_and_lou
    client_uuid = uuid.uuid4()
    first = post(kim_client, board_a, "Radweg am Fluss", client_uuid)
    again = post(kim_client, board_a, "Radweg am Fluss", client_uuid)
    assert first.status_code == again.status_code == 200
    card = Card.objects.get()
    for response in (first, again):
        body = response.content.decode()
        assert f'<li id="card-{card.pk}"' in body
        assert f'data-own-cards="{card.pk}"' in body
        assert f'data-own-uuids="{client_uuid}"' in body


@pytest.mark.parametrize(
    ("taken_off", "says"),
    [
        ("deleted", "von der Wand genommen"),
        ("hidden", "ausgeblendet"),
        ("merged", "zusammengeführt"),
    ],
)
def test_the_authors_retry_of_a_card_taken_off_the_wall_says_so_and_is_dropped(
    kim_and_lou, board_a, facilitator, taken_off, says
):
    (kim_client, _kim), _lou = kim_and_lou
    client_uuid = uuid.uuid4()
    assert post(kim_client, board_a, "Wird entfernt", client_uuid).status_code == 200
    card = Card.objects.get(client_uuid=client_uuid)
    if taken_off == "deleted":
        services.card_delete(card=card, version=1, user=facilitator)
    elif taken_off == "hidden":
        services.card_hide(card=card, hidden=True, user=facilitator)
    else:
        services.card_merge(target=add(board_a, "Ziel"), sources=[card], user=facilitator)
    response = post(kim_client, board_a, "Wird entfernt", client_uuid)
    assert response.status_code == 409
    body = response.content.decode()
    assert says in body
    assert "data-drop" in body  # the phone drops it from its outbox
    assert Card.objects.filter(client_uuid=client_uuid).count() == 1
