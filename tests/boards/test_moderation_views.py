"""The moderation wall over HTTP: who may act, what a refused or stale action answers."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from boards import services
from boards.models import Board, Card, Cluster
from tests.boards.wall import add, at_once, card_shown, fresh, in_cluster, loose, rev
from tests.factories import UserFactory

HTMX = {"HX-Request": "true"}


def url(name, board, *args):
    return reverse(f"workshop:{name}", args=[board.workshop_id, board.pk, *args])


@pytest.fixture
def cards(board_a, facilitator):
    return [add(board_a, text, user=facilitator) for text in ("Eins", "Zwei", "Drei")]


def test_the_moderation_wall_is_for_its_facilitators_only(board_a, facilitator_client, cards):
    page = facilitator_client.get(url("board", board_a))
    assert page.status_code == 200
    body = page.content.decode()
    assert all(card.text in body for card in cards)
    assert f'ws-connect="/ws/boards/{board_a.pk}/"' in body
    stranger = Client()
    stranger.force_login(UserFactory(username="fremd"))
    assert stranger.get(url("board", board_a)).status_code == 404
    assert Client().get(url("board", board_a)).status_code == 302  # to the login


def test_another_workshops_facilitator_cannot_move_a_card(board_a, cards):
    stranger = Client()
    stranger.force_login(UserFactory(username="fremd"))
    response = stranger.post(url("card-move", board_a, cards[0].pk), {"index": 2}, headers=HTMX)
    assert response.status_code == 404
    assert loose(board_a) == ["Eins", "Zwei", "Drei"]


def test_keyboard_reorder_buttons_move_one_place(board_a, facilitator_client, cards):
    body = facilitator_client.get(url("board", board_a)).content.decode()
    assert "Nach oben" in body or "Move up" in body
    first = cards[0]
    response = facilitator_client.post(
        url("card-move", board_a, first.pk),
        {"cluster": "", "index": 1, "version": first.version},
        headers=HTMX,
    )
    assert response.status_code == 204
    assert loose(board_a) == ["Zwei", "Eins", "Drei"]


def test_a_stale_move_is_409_with_a_message_and_changes_nothing(board_a, facilitator_client, cards):
    card = cards[0]
    cluster = services.cluster_create(board=board_a, title="Takt", user=card.author_user)
    ok = facilitator_client.post(
        url("card-move", board_a, card.pk),
        {"cluster": cluster.pk, "version": card.version},
        headers=HTMX,
    )
    assert ok.status_code == 204
    stale = facilitator_client.post(
        url("card-move", board_a, card.pk), {"cluster": "", "version": card.version}, headers=HTMX
    )
    assert stale.status_code == 409
    assert "gerade geändert" in stale.content.decode()
    assert in_cluster(cluster) == ["Eins"]


def test_a_stale_move_brings_the_cards_current_text_place_and_version(
    board_a, facilitator_client, facilitator
):
    card = add(board_a, "Eins", user=facilitator)
    cluster = services.cluster_create(board=board_a, title="Takt", user=facilitator)
    services.card_move(card=card, cluster=cluster, index=0, version=1, user=facilitator)
    services.card_edit(card=card, text="Eins, genauer", version=2, user=facilitator)
    stale = facilitator_client.post(
        url("card-move", board_a, card.pk), {"cluster": "", "version": 1}, headers=HTMX
    )
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "Jemand anderes hat das gerade geändert" in body
    assert card_shown(body, card.pk) == {
        "text": "Eins, genauer",
        "cluster": cluster.pk,
        "index": 0,
        "version": 3,
        "rev": rev(board_a),
    }
    assert in_cluster(cluster) == ["Eins, genauer"]


def _edit(client, board, card, text, version):
    return client.post(
        url("card-edit", board, card.pk), {"text": text, "version": version}, headers=HTMX
    )


def _colleague_client(workshop) -> Client:
    colleague = UserFactory(username="alex")
    workshop.facilitators.add(colleague)
    client = Client()
    client.force_login(colleague)
    return client


def test_two_facilitators_edit_the_same_card_from_the_same_version(
    board_a, facilitator_client, facilitator
):
    card = add(board_a, "Busse öfter", user=facilitator)
    colleague = _colleague_client(board_a.workshop)
    # Both walls show version 1 of the card.
    for client in (facilitator_client, colleague):
        page = client.get(url("board", board_a)).content.decode()
        assert card_shown(page, card.pk)["version"] == 1

    first = _edit(facilitator_client, board_a, card, "Busse alle 10 Minuten", 1)
    second = _edit(colleague, board_a, card, "Busse auch sonntags", 1)

    assert first.status_code == 204
    assert second.status_code == 409
    shown = card_shown(second.content.decode(), card.pk)
    assert shown == {
        "text": "Busse alle 10 Minuten",
        "cluster": None,
        "index": 0,
        "version": 2,
        "rev": rev(board_a),
    }
    stored = fresh(card)
    assert (stored.text, stored.version) == ("Busse alle 10 Minuten", 2)
    # Tried again on what the 409 showed, the colleague's edit is saved.
    again = _edit(colleague, board_a, card, "Busse auch sonntags", shown["version"])
    assert again.status_code == 204
    assert fresh(card).text == "Busse auch sonntags"


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_edit_the_same_card_at_once_over_http(board_a, facilitator):
    card = add(board_a, "Busse öfter", user=facilitator)
    mine = Client()
    mine.force_login(facilitator)
    clients = [mine, _colleague_client(board_a.workshop)]
    texts = ["Busse alle 10 Minuten", "Busse auch sonntags"]
    answers = at_once([lambda i=i: _edit(clients[i], board_a, card, texts[i], 1) for i in range(2)])

    assert sorted(a.status_code for a in answers) == [204, 409]
    won = 0 if answers[0].status_code == 204 else 1
    stored = fresh(card)
    assert (stored.text, stored.version) == (texts[won], 2)
    shown = card_shown(answers[1 - won].content.decode(), card.pk)
    assert (shown["text"], shown["version"]) == (texts[won], 2)


def test_a_card_on_another_board_is_not_found(board_a, board_b, facilitator_client, facilitator):
    other = add(board_b, "Fremde Karte", user=facilitator)
    response = facilitator_client.post(
        url("card-delete", board_a, other.pk), {"version": other.version}, headers=HTMX
    )
    assert response.status_code == 404
    assert Card.objects.alive().filter(pk=other.pk).exists()


def test_cluster_create_with_selected_cards_and_a_readable_refusal(
    board_a, facilitator_client, cards
):
    response = facilitator_client.post(
        url("cluster-create", board_a),
        {"title": "Tickets", "cards": [cards[1].pk]},
        headers=HTMX,
    )
    assert response.status_code == 204
    cluster = Cluster.objects.get(board=board_a)
    assert in_cluster(cluster) == ["Zwei"]
    empty = facilitator_client.post(url("cluster-create", board_a), {"title": " "}, headers=HTMX)
    assert empty.status_code == 400
    assert Cluster.objects.filter(board=board_a).count() == 1


def test_reveal_and_voting_from_the_wall(board_a, facilitator_client, joined_client, group_a):
    services.board_configure(board=board_a, mode=Board.Mode.HIDDEN)
    _phone, kim = joined_client(group_a)
    add(board_a, "Geheimer Vorschlag", participant=kim)
    page = facilitator_client.get(url("board", board_a)).content.decode()
    assert "Geheimer Vorschlag" not in page  # the laptop may be on the projector
    assert facilitator_client.post(url("reveal", board_a), headers=HTMX).status_code == 204
    assert Card.objects.get(text="Geheimer Vorschlag").state == Card.State.PINNED
    started = facilitator_client.post(
        url("voting-start", board_a),
        {"dots_per_participant": 3, "max_per_target": 2, "cumulative": "on"},
        headers=HTMX,
    )
    assert started.status_code == 204
    assert board_a.voting_rounds.get().dots_per_participant == 3
    assert facilitator_client.post(url("voting-close", board_a), headers=HTMX).status_code == 204
    assert board_a.voting_rounds.get().closed_at is not None


MISSING = "nicht gespeichert"  # "…so it was not saved", in German (the site's language)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("card-edit", {"text": "Überschrieben"}),
        ("card-move", {"index": 0}),
        ("card-delete", {}),
        ("card-edit", {"text": "Überschrieben", "version": ""}),
    ],
)
def test_a_card_change_without_its_version_is_refused_and_changes_nothing(
    board_a, facilitator_client, cards, action, data
):
    card = cards[2]
    response = facilitator_client.post(url(action, board_a, card.pk), data, headers=HTMX)
    assert response.status_code == 400
    assert MISSING in response.content.decode()
    stored = Card.objects.get(pk=card.pk)
    assert (stored.text, stored.deleted_at, stored.version) == ("Drei", None, 1)
    assert loose(board_a) == ["Eins", "Zwei", "Drei"]


def test_renaming_a_cluster_without_its_version_is_refused(board_a, facilitator_client):
    cluster = services.cluster_create(board=board_a, title="ÖPNV", user=board_a.workshop.created_by)
    response = facilitator_client.post(
        url("cluster-rename", board_a, cluster.pk), {"title": "Radwege"}, headers=HTMX
    )
    assert response.status_code == 400
    assert MISSING in response.content.decode()
    assert Cluster.objects.get(pk=cluster.pk).title == "ÖPNV"


def test_a_service_call_without_a_version_is_refused(board_a, cards, facilitator):
    with pytest.raises(ValidationError):
        services.card_edit(card=cards[0], text="Ohne Stand", version=None, user=facilitator)
    assert Card.objects.get(pk=cards[0].pk).text == "Eins"


# the facilitators' composer --------------------------------------------------------------


def compose(client, board, **data):
    data.setdefault("client_uuid", str(uuid.uuid4()))
    return client.post(url("card-add", board), data, headers=HTMX)


def test_a_facilitator_writes_a_heading_card_straight_into_a_cluster(
    board_a, facilitator_client, facilitator
):
    cluster = services.cluster_create(board=board_a, title="ÖPNV", user=facilitator)
    add(board_a, "Busse öfter", user=facilitator, cluster=cluster)
    response = compose(
        facilitator_client,
        board_a,
        text="Fazit: Takt",
        kind="heading",
        color="green",
        cluster=cluster.pk,
    )
    assert response.status_code == 204
    card = Card.objects.get(text="Fazit: Takt")
    assert (card.kind, card.color, card.cluster_id, card.state) == (
        "heading",
        "green",
        cluster.pk,
        "pinned",
    )
    assert in_cluster(cluster) == ["Busse öfter", "Fazit: Takt"]
    assert card.author_user_id == facilitator.pk


def test_a_facilitators_card_goes_loose_in_the_boards_colour_and_a_retry_is_one_card(
    board_a, facilitator_client
):
    data = {"text": "Lose Karte", "client_uuid": str(uuid.uuid4())}
    assert compose(facilitator_client, board_a, **data).status_code == 204
    assert compose(facilitator_client, board_a, **data).status_code == 204
    card = Card.objects.get()
    assert (card.kind, card.color, card.cluster_id) == ("card", board_a.card_color, None)


def test_the_composer_refuses_empty_text_and_a_dissolved_cluster(
    board_a, facilitator_client, facilitator
):
    empty = compose(facilitator_client, board_a, text="\u200b")
    assert empty.status_code == 400
    assert "Die Karte ist leer" in empty.content.decode()
    cluster = services.cluster_create(board=board_a, title="Weg", user=facilitator)
    services.cluster_dissolve(cluster=cluster, user=facilitator)
    gone = compose(facilitator_client, board_a, text="Hinein", cluster=cluster.pk)
    assert gone.status_code == 409
    assert not Card.objects.exists()


def test_undo_takes_a_facilitators_card_off_the_wall_again(board_a, facilitator_client):
    compose(facilitator_client, board_a, text="Versehentlich")
    page = facilitator_client.get(url("board", board_a)).content.decode()
    assert "Karte schreiben" in page  # the last step, named
    assert facilitator_client.post(url("undo", board_a), headers=HTMX).status_code == 204
    assert Card.objects.get().deleted_at is not None


def test_only_facilitators_pin_into_a_cluster(board_a, facilitator, kim):
    cluster = services.cluster_create(board=board_a, title="ÖPNV", user=facilitator)
    with pytest.raises(ValidationError):
        services.card_create(
            board=board_a,
            text="Hinein",
            client_uuid=uuid.uuid4(),
            participant=kim,
            cluster=cluster,
        )
    assert not Card.objects.exists()


OUT_OF_DATE_DE = "Diese Seite ist nicht mehr aktuell. Bitte laden Sie sie neu."
# 2**63 and 10**30 were an OverflowError on SQLite in `pk__in`; "²" passed str.isdigit()
# and failed int(); 5,000 digits are past Python's int() limit.
ODD_CARD_IDS = [str(10**30), str(2**63), "²", "-1", "9" * 5000]


@pytest.mark.parametrize("odd", ODD_CARD_IDS)
def test_merge_refuses_an_odd_card_id_and_merges_nothing(board_a, facilitator_client, cards, odd):
    pair = [cards[0].pk, cards[1].pk]
    steps = board_a.moderation_steps.count()  # writing the cards was a step each
    for form in ({"cards": [*pair, odd]}, {"cards": pair, "target": odd}):
        response = facilitator_client.post(url("merge", board_a), form, headers=HTMX)
        assert response.status_code == 400
        assert response.content.decode() == OUT_OF_DATE_DE
    assert loose(board_a) == ["Eins", "Zwei", "Drei"]
    assert board_a.moderation_steps.count() == steps


@pytest.mark.parametrize("odd", ODD_CARD_IDS)
def test_cluster_create_refuses_an_odd_card_id_and_creates_nothing(
    board_a, facilitator_client, cards, odd
):
    form = {"title": "Tickets", "cards": [cards[0].pk, odd]}
    response = facilitator_client.post(url("cluster-create", board_a), form, headers=HTMX)
    assert response.status_code == 400
    assert response.content.decode() == OUT_OF_DATE_DE
    assert not Cluster.objects.filter(board=board_a).exists()
    assert loose(board_a) == ["Eins", "Zwei", "Drei"]


def test_an_odd_card_id_from_a_plain_form_is_a_message_on_the_wall(
    board_a, facilitator_client, cards
):
    form = {"cards": [cards[0].pk, cards[1].pk, str(10**30)]}
    response = facilitator_client.post(url("merge", board_a), form, follow=True)
    assert [str(m) for m in response.context["messages"]] == [OUT_OF_DATE_DE]
    assert loose(board_a) == ["Eins", "Zwei", "Drei"]


@pytest.mark.parametrize("odd", ["²", "9" * 5000, str(10**30)])
def test_pin_delete_and_move_refuse_an_odd_id_or_version(board_a, facilitator_client, cards, odd):
    card = cards[0]
    answers = [
        facilitator_client.post(url("pin", board_a), {"card": odd}, headers=HTMX),
        facilitator_client.post(
            url("card-delete", board_a, card.pk), {"version": odd}, headers=HTMX
        ),
        facilitator_client.post(
            url("card-move", board_a, card.pk),
            {"cluster": odd, "index": 0, "version": 1},
            headers=HTMX,
        ),
        facilitator_client.post(
            url("card-move", board_a, card.pk), {"index": odd, "version": 1}, headers=HTMX
        ),
    ]
    assert [(a.status_code, a.content.decode()) for a in answers] == [(400, OUT_OF_DATE_DE)] * 4
    assert loose(board_a) == ["Eins", "Zwei", "Drei"]
