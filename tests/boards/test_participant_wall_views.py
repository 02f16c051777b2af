"""The phone's own-card and voting endpoints: answers, refusals and what they change."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from boards import services
from boards.models import Board, Card, Vote
from tests.boards.wall import card_shown
from tests.factories import CardFactory
from workshop.services import workshop_close

HTMX = {"HX-Request": "true"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}  # messages asserted in English: the msgids


@pytest.fixture
def phone(joined_client, group_a):
    return joined_client(group_a, "Kim", **ENGLISH)


@pytest.fixture
def board(group_a) -> Board:
    return group_a.board


def own_card(board, participant, text="Mehr Sitzbänke") -> Card:
    return CardFactory(board=board, author=participant, text=text)


def edit_url(card):
    return reverse("own-card-edit", args=[card.board_id, card.pk])


def delete_url(card):
    return reverse("own-card-delete", args=[card.board_id, card.pk])


# own cards ----------------------------------------------------------------------------------


def test_author_edits_own_card_and_gets_the_card_back(phone, board):
    client, kim = phone
    card = own_card(board, kim)
    response = client.post(edit_url(card), {"text": "Mehr Bänke", "version": 1}, headers=HTMX)
    assert response.status_code == 200
    assert f'id="card-{card.pk}"' in response.content.decode()
    card.refresh_from_db()
    assert (card.text, card.version) == ("Mehr Bänke", 2)


def test_stale_edit_is_a_conflict_with_a_readable_message(phone, board, facilitator):
    client, kim = phone
    card = own_card(board, kim)
    services.card_edit(card=card, text="Von der Moderation", version=1, user=facilitator)
    response = client.post(edit_url(card), {"text": "Meins", "version": 1}, headers=HTMX)
    assert response.status_code == 409
    assert "Someone else changed this just now" in response.content.decode()
    card.refresh_from_db()
    assert card.text == "Von der Moderation"


def test_a_stale_edit_brings_the_cards_current_text_place_and_version(phone, board, facilitator):
    client, kim = phone
    card = own_card(board, kim)
    cluster = services.cluster_create(board=board, title="Aufenthalt", user=facilitator)
    services.card_edit(card=card, text="Mehr Sitzbänke am Markt", version=1, user=facilitator)
    services.card_move(card=card, cluster=cluster, index=0, version=2, user=facilitator)
    for stale in (
        client.post(edit_url(card), {"text": "Meins", "version": 1}, headers=HTMX),
        client.post(delete_url(card), {"version": 1}, headers=HTMX),
    ):
        assert stale.status_code == 409
        body = stale.content.decode()
        assert "Someone else changed this just now" in body
        assert card_shown(body, card.pk) == {
            "text": "Mehr Sitzbänke am Markt",
            "cluster": cluster.pk,
            "index": 0,
            "version": 3,
            "rev": Board.objects.get(pk=board.pk).rev,
        }
        assert f'data-own-cards="{card.pk}"' in body  # and that it is theirs
    card.refresh_from_db()
    assert (card.text, card.version, card.deleted_at) == ("Mehr Sitzbänke am Markt", 3, None)


def test_editing_a_deleted_card_never_brings_it_back(phone, board):
    client, kim = phone
    card = own_card(board, kim)
    services.card_delete(card=card, participant=card.author, version=1)
    response = client.post(edit_url(card), {"text": "Zurück", "version": 2}, headers=HTMX)
    assert response.status_code == 409
    assert not Card.objects.alive().filter(pk=card.pk).exists()


def test_empty_edit_is_refused(phone, board):
    client, kim = phone
    card = own_card(board, kim)
    response = client.post(edit_url(card), {"text": "  ", "version": 1}, headers=HTMX)
    assert response.status_code == 400
    assert "data-error-message" in response.content.decode()


def test_nobody_edits_someone_elses_card(phone, joined_client, group_a, board):
    client, _kim = phone
    _other_client, alex = joined_client(group_a, "Alex")
    card = own_card(board, alex)
    edited = client.post(edit_url(card), {"text": "Meins", "version": 1}, headers=HTMX)
    deleted = client.post(delete_url(card), {"version": 1}, headers=HTMX)
    assert (edited.status_code, deleted.status_code) == (404, 404)
    card.refresh_from_db()
    assert card.text == "Mehr Sitzbänke"
    assert card.deleted_at is None


def test_locked_board_stops_own_edits(phone, board):
    client, kim = phone
    card = own_card(board, kim)
    services.board_configure(board=board, locked=True)
    response = client.post(edit_url(card), {"text": "Später", "version": 1}, headers=HTMX)
    assert response.status_code == 403
    assert "locked" in response.content.decode()


def test_deleting_a_hidden_card_answers_with_the_personal_element(phone, board):
    client, kim = phone
    services.board_configure(board=board, mode=Board.Mode.HIDDEN)
    card = own_card(board, kim, "Geheim")
    response = client.post(delete_url(card), {"version": 1}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="board-{board.pk}-me"' in body
    assert "Geheim" not in body
    card.refresh_from_db()
    assert card.deleted_at is not None


# colour -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("allowed", "expected"), [(True, "blue"), (False, "yellow")])
def test_card_colour_is_the_participants_only_where_allowed(phone, board, allowed, expected):
    client, _kim = phone
    services.board_configure(board=board, card_color="yellow", participants_choose_color=allowed)
    data = {"text": "Farbig", "client_uuid": str(uuid.uuid4()), "color": "blue"}
    assert client.post(reverse("card-post", args=[board.pk]), data, headers=HTMX).status_code == 200
    assert Card.objects.get(text="Farbig").color == expected


# voting -------------------------------------------------------------------------------------


@pytest.fixture
def voting(board, facilitator):
    return services.voting_start(
        board=board, user=facilitator, dots_per_participant=2, max_per_target=2
    )


def vote(client, board, name="cast", **target):
    url = reverse("vote-cast" if name == "cast" else "vote-retract", args=[board.pk])
    return client.post(url, {k: v.pk for k, v in target.items()}, headers=HTMX)


def test_a_dot_answers_with_the_dots_left(phone, board, voting):
    client, _kim = phone
    card = CardFactory(board=board)
    response = vote(client, board, card=card)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="board-{board.pk}-me"' in body
    assert 'data-dots-left="1"' in body
    assert f'"card-{card.pk}":1' in body


def test_budget_exhausted_is_refused_with_the_real_state(phone, board, voting):
    client, kim = phone
    first, second = CardFactory(board=board), CardFactory(board=board)
    vote(client, board, card=first)
    vote(client, board, card=first)
    response = vote(client, board, card=second)
    assert response.status_code == 400
    body = response.content.decode()
    assert "You have used all your dots." in body
    assert 'data-dots-left="0"' in body
    assert Vote.objects.filter(participant=kim).count() == 2


def test_dot_on_a_cluster_and_taken_back(phone, board, voting, facilitator):
    client, kim = phone
    cluster = services.cluster_create(board=board, title="Takt", user=facilitator)
    assert vote(client, board, cluster=cluster).status_code == 200
    response = vote(client, board, "retract", cluster=cluster)
    assert response.status_code == 200
    assert 'data-dots-left="2"' in response.content.decode()
    assert not Vote.objects.filter(participant=kim).exists()


def test_card_of_another_board_takes_no_dot(phone, board, voting, group_b):
    client, kim = phone
    elsewhere = CardFactory(board=group_b.board)
    assert vote(client, board, card=elsewhere).status_code == 400
    assert vote(client, board).status_code == 400  # no target at all
    assert not Vote.objects.filter(participant=kim).exists()


def test_no_dots_without_an_open_round(phone, board, voting, facilitator):
    client, kim = phone
    card = CardFactory(board=board)
    services.voting_close(voting=voting, user=facilitator)
    assert vote(client, board, card=card).status_code == 403
    assert not Vote.objects.filter(participant=kim).exists()


def test_participant_snapshot_is_the_wall_and_the_personal_element(phone, board, voting):
    client, _kim = phone
    card = CardFactory(board=board)
    body = client.get(reverse("board-snapshot", args=[board.pk]), headers=HTMX).content.decode()
    assert body.index(f'id="board-{board.pk}"') < body.index(f'id="board-{board.pk}-me"')
    assert 'data-voting="open"' in body
    assert f'data-target="card-{card.pk}"' in body
    assert "data-dots-left-line" in body


@pytest.mark.parametrize("endpoint", ["edit", "delete"])
def test_an_own_card_change_without_its_version_is_refused(phone, board, endpoint):
    client, kim = phone
    card = own_card(board, kim)
    target = edit_url(card) if endpoint == "edit" else delete_url(card)
    response = client.post(target, {"text": "Ohne Stand"}, headers=HTMX)
    assert response.status_code == 400
    assert "does not say which state of the wall" in response.content.decode()
    stored = Card.objects.get(pk=card.pk)
    assert (stored.text, stored.deleted_at) == ("Mehr Sitzbänke", None)


# who and where I am -------------------------------------------------------------------------


def test_the_phone_says_who_and_where_i_am(joined_client, group_a):
    client, _anon = joined_client(group_a, name="")
    page = client.get(reverse("board", args=[group_a.board.pk])).content.decode()
    me = page.split('id="phone-me"')[1].split("</p>")[0]
    assert ">anonym<" in me  # German: the site's language (this client asks for none)
    assert ">Mobilität<" in me


def test_a_participant_changes_their_own_name_and_every_wall_follows(
    phone, board, sent, django_capture_on_commit_callbacks
):
    client, kim = phone
    own_card(board, kim, "Mehr Bänke")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("me-update", args=[board.pk]),
            {"display_name": "Kim Berger", "named_in_summary": "on"},
            headers=HTMX,
        )
    assert response.status_code == 200
    assert 'id="phone-me"' in response.content.decode()
    assert "Kim Berger" in response.content.decode()
    kim.refresh_from_db()
    assert (kim.display_name, kim.named_in_summary) == ("Kim Berger", True)
    walls = [m["html"] for group, m in sent if group.startswith(f"board.{board.pk}.")]
    named = [html for html in walls if "card__author" in html]  # the projector names nobody
    assert len(named) == 4  # participants and facilitators, in German and English
    assert all("Kim Berger" in html for html in named)


def test_an_empty_name_makes_me_anonymous_and_withdraws_consent(phone, board):
    client, kim = phone
    client.post(
        reverse("me-update", args=[board.pk]),
        {"display_name": "\u200b", "named_in_summary": "on"},
        headers=HTMX,
    )
    kim.refresh_from_db()
    assert (kim.display_name, kim.named_in_summary) == ("", False)


def test_no_renaming_in_a_closed_workshop_nor_for_others(phone, board, facilitator_client):
    client, kim = phone
    assert (
        facilitator_client.post(
            reverse("me-update", args=[board.pk]), {"display_name": "X"}
        ).status_code
        == 404
    )
    workshop_close(workshop=board.workshop)
    response = client.post(
        reverse("me-update", args=[board.pk]), {"display_name": "Neu"}, headers=HTMX
    )
    assert response.status_code in {403, 404}
    kim.refresh_from_db()
    assert kim.display_name == "Kim"
