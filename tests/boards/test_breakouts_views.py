"""Breakouts through the browser's requests: joining by mode, waiting, changing group,
the console's moves and settings, and what a group's phones show."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boards.models import Board
from boards.services import card_hide
from tests.boards.wall import add
from workshop.models import Assignment, Participant, Phase

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def set_mode(workshop, assignment, max_group_size=None):
    workshop.assignment = assignment
    workshop.max_group_size = max_group_size
    workshop.save()


def join_post(client, workshop, **data):
    return client.post(reverse("join", args=[workshop.join_code]), data, **EN)


# joining ------------------------------------------------------------------------------------


def test_random_join_form_offers_no_choice_and_lands_on_the_emptiest_group(
    workshop, group_a, group_b, joined_client
):
    joined_client(group_a, "Alex")
    set_mode(workshop, Assignment.RANDOM)
    phone = Client()
    page = phone.get(reverse("join", args=[workshop.join_code]), **EN).content.decode()
    assert 'name="group"' not in page
    assert "You will join the group with the fewest people so far." in page
    response = join_post(phone, workshop, display_name="Bo")
    assert response.status_code == 302
    assert response["Location"] == reverse("board", args=[group_b.board.pk])
    assert Participant.objects.get(display_name="Bo").group == group_b


def test_a_full_group_is_not_offered(workshop, group_a, group_b, joined_client):
    set_mode(workshop, Assignment.SELF, max_group_size=1)
    joined_client(group_a, "Alex")
    page = Client().get(reverse("join", args=[workshop.join_code]), **EN).content.decode()
    assert f'value="{group_b.pk}"' in page
    assert f'value="{group_a.pk}"' not in page
    # Posted anyway (an old page): refused with the form again, nobody joins.
    response = join_post(Client(), workshop, group=group_a.pk)
    assert response.status_code == 200
    assert Participant.objects.count() == 1


def test_when_every_group_is_full_the_join_page_says_so(workshop, group_a, joined_client):
    set_mode(workshop, Assignment.SELF, max_group_size=1)
    joined_client(group_a, "Alex")
    page = Client().get(reverse("join", args=[workshop.join_code]), **EN).content.decode()
    assert "Every group is full." in page
    set_mode(workshop, Assignment.RANDOM, max_group_size=1)
    response = join_post(Client(), workshop, display_name="Bo")
    assert "Every group is full." in response.content.decode()
    assert Participant.objects.count() == 1


def test_facilitator_mode_waits_then_the_wait_page_opens_the_board(
    workshop, group_a, facilitator_client
):
    set_mode(workshop, Assignment.FACILITATOR)
    phone = Client()
    response = join_post(phone, workshop, display_name="Kim")
    wait_url = reverse("join-wait", args=[workshop.join_code])
    assert response["Location"] == wait_url
    kim = Participant.objects.get(display_name="Kim")
    assert kim.group is None
    page = phone.get(wait_url, **EN).content.decode()
    assert "You will be assigned to a group in a moment." in page
    assert f'ws-connect="/ws/waiting/{workshop.pk}/"' in page
    # Assigned from the console: the wait page (a reload) opens the board.
    move = reverse("workshop:participant-move", args=[workshop.pk, kim.pk])
    facilitator_client.post(move, {"group": group_a.pk}, headers={"HX-Request": "true"})
    assert phone.get(wait_url)["Location"] == reverse("board", args=[group_a.board.pk])


def test_an_old_wall_leads_a_waiting_phone_to_wait(workshop, group_a, board_a, joined_client):
    phone, kim = joined_client(group_a, "Kim")
    set_mode(workshop, Assignment.FACILITATOR)
    Participant.objects.filter(pk=kim.pk).update(group=None)
    response = phone.get(reverse("board", args=[board_a.pk]))
    assert response["Location"] == reverse("join-wait", args=[workshop.join_code])


def test_the_wait_page_sends_strangers_to_the_join_form(workshop, group_a):
    response = Client().get(reverse("join-wait", args=[workshop.join_code]))
    assert response["Location"] == reverse("join", args=[workshop.join_code])


# changing group on the phone ----------------------------------------------------------------


def test_the_phone_changes_group_and_the_old_wall_no_longer_opens(
    workshop, group_a, group_b, board_a, board_b, joined_client
):
    phone, kim = joined_client(group_a, "Kim")
    page = phone.get(reverse("board", args=[board_a.pk]), **EN).content.decode()
    assert "Change group" in page
    assert 'id="group-dialog"' in page
    response = phone.post(reverse("group-change", args=[board_a.pk]), {"group": group_b.pk})
    assert response["Location"] == reverse("board", args=[board_b.pk])
    kim.refresh_from_db()
    assert kim.group == group_b
    # The old group's wall and its snapshot are no longer theirs: the page leads on.
    assert phone.get(reverse("board", args=[board_a.pk]))["Location"] == reverse(
        "board", args=[board_b.pk]
    )
    assert phone.get(reverse("board-snapshot", args=[board_a.pk])).status_code == 404
    assert phone.get(reverse("board", args=[board_b.pk])).status_code == 200


def test_changing_group_through_htmx_redirects_the_page(group_a, group_b, board_a, joined_client):
    phone, _kim = joined_client(group_a)
    response = phone.post(
        reverse("group-change", args=[board_a.pk]),
        {"group": group_b.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("board", args=[group_b.board.pk])


def test_no_change_group_on_the_phone_where_groups_are_assigned(
    workshop, group_a, group_b, board_a, joined_client
):
    phone, kim = joined_client(group_a)
    set_mode(workshop, Assignment.RANDOM)
    page = phone.get(reverse("board", args=[board_a.pk]), **EN).content.decode()
    assert 'id="group-dialog"' not in page
    response = phone.post(reverse("group-change", args=[board_a.pk]), {"group": group_b.pk}, **EN)
    assert response.status_code == 403
    assert "The facilitators assign the groups in this workshop." in response.content.decode()
    kim.refresh_from_db()
    assert kim.group == group_a


def test_no_change_group_while_dots_are_placed(workshop, group_a, group_b, board_a, joined_client):
    phone, kim = joined_client(group_a)
    workshop.current_phase = workshop.phases.filter(allows=Phase.Allows.VOTE).first()
    workshop.save()
    response = phone.post(reverse("group-change", args=[board_a.pk]), {"group": group_b.pk}, **EN)
    assert response.status_code == 403
    assert "while the dots are being placed" in response.content.decode()
    kim.refresh_from_db()
    assert kim.group == group_a


def test_the_change_dialog_shows_sizes_and_full_groups(
    workshop, group_a, group_b, board_a, joined_client
):
    set_mode(workshop, Assignment.SELF, max_group_size=1)
    phone, _kim = joined_client(group_a, "Kim")
    joined_client(group_b, "Lou")
    page = phone.get(reverse("board", args=[board_a.pk]), **EN).content.decode()
    dialog = page.split('id="group-dialog"')[1].split("</dialog>")[0]
    assert "1 person · your group" in dialog
    assert "1 person · full" in dialog
    assert f'value="{group_b.pk}" disabled' in dialog
    response = phone.post(reverse("group-change", args=[board_a.pk]), {"group": group_b.pk}, **EN)
    assert response.status_code == 409
    assert "is full" in response.content.decode()


def test_a_foreign_group_is_refused(group_a, other_group, board_a, joined_client):
    phone, kim = joined_client(group_a)
    response = phone.post(reverse("group-change", args=[board_a.pk]), {"group": other_group.pk})
    assert response.status_code == 400
    kim.refresh_from_db()
    assert kim.group == group_a


# the console ---------------------------------------------------------------------------------


def test_the_console_lists_people_per_group_with_a_move(
    workshop, group_a, group_b, joined_client, facilitator_client
):
    _phone, kim = joined_client(group_a, "Kim")
    joined_client(group_a, "")
    page = facilitator_client.get(
        reverse("workshop:console", args=[workshop.pk]), **EN
    ).content.decode()
    panel = page.split('id="people-panel"')[1].split("</section>\n</section>")[0]
    assert "Kim" in panel
    assert "anonymous" in panel
    assert "online 0 / 2" in panel  # joined, but no page open
    assert f'action="{reverse("workshop:participant-move", args=[workshop.pk, kim.pk])}"' in panel
    assert reverse("workshop:group-preview", args=[workshop.pk, group_b.pk]) in panel
    assert 'for="move-' in panel  # every select has its label


def test_the_facilitator_moves_someone_from_the_console(
    workshop, group_a, group_b, joined_client, facilitator_client
):
    _phone, kim = joined_client(group_a, "Kim")
    move = reverse("workshop:participant-move", args=[workshop.pk, kim.pk])
    response = facilitator_client.post(
        move, {"group": group_b.pk}, headers={"HX-Request": "true"}, **EN
    )
    assert response.status_code == 200
    assert "Kim is now in “Einzelhandel”." in response.content.decode()
    kim.refresh_from_db()
    assert kim.group == group_b
    # Without JavaScript: back to the console with a message.
    response = facilitator_client.post(move, {"group": group_a.pk})
    assert response["Location"] == reverse("workshop:settings", args=[workshop.pk])


def test_a_move_into_a_full_group_says_why(
    workshop, group_a, group_b, joined_client, facilitator_client
):
    set_mode(workshop, Assignment.SELF, max_group_size=1)
    _phone, kim = joined_client(group_a, "Kim")
    joined_client(group_b, "Lou")
    move = reverse("workshop:participant-move", args=[workshop.pk, kim.pk])
    response = facilitator_client.post(
        move, {"group": group_b.pk}, headers={"HX-Request": "true"}, **EN
    )
    assert "“Einzelhandel” is full" in response.content.decode()
    assert "people-message--error" in response.content.decode()
    kim.refresh_from_db()
    assert kim.group == group_a


def test_only_the_workshops_facilitators_move_people(
    workshop, group_a, group_b, joined_client, other_workshop
):
    phone, kim = joined_client(group_a, "Kim")
    move = reverse("workshop:participant-move", args=[workshop.pk, kim.pk])
    assert phone.post(move, {"group": group_b.pk}).status_code == 302  # to the login
    stranger = Client()
    stranger.force_login(other_workshop.facilitators.first())
    assert stranger.post(move, {"group": group_b.pk}).status_code == 404
    kim.refresh_from_db()
    assert kim.group == group_a


def test_the_settings_set_the_assignment(workshop, group_a, facilitator_client):
    settings_url = reverse("workshop:settings", args=[workshop.pk])
    page = facilitator_client.get(settings_url, **EN).content.decode()
    assert 'id="breakouts-title"' in page
    assert 'name="max_group_size"' in page
    response = facilitator_client.post(
        reverse("workshop:breakouts", args=[workshop.pk]),
        {"assignment": "random", "max_group_size": "6"},
    )
    assert response["Location"] == settings_url
    workshop.refresh_from_db()
    assert (workshop.assignment, workshop.max_group_size) == (Assignment.RANDOM, 6)
    # Odd values change nothing.
    for odd in ({"assignment": "chaos"}, {"assignment": "self", "max_group_size": "0"}):
        facilitator_client.post(reverse("workshop:breakouts", args=[workshop.pk]), odd)
        workshop.refresh_from_db()
        assert (workshop.assignment, workshop.max_group_size) == (Assignment.RANDOM, 6)


# what the phones show -----------------------------------------------------------------------


@pytest.fixture
def walls_with_secrets(workshop, group_a, board_a, facilitator, joined_client):
    _phone, kim = joined_client(group_a, "Kim")
    add(board_a, "Auf der Wand")
    hidden = add(board_a, "Von der Moderation versteckt")
    card_hide(card=hidden, hidden=True, user=facilitator)
    board_a.mode = Board.Mode.HIDDEN
    board_a.save()
    add(board_a, "Noch verdeckt", participant=kim)
    return board_a


def test_the_preview_shows_the_participants_wall_without_hidden_cards(
    workshop, group_a, walls_with_secrets, facilitator_client
):
    url = reverse("workshop:group-preview", args=[workshop.pk, group_a.pk])
    page = facilitator_client.get(url, **EN).content.decode()
    assert "Auf der Wand" in page
    assert "Von der Moderation versteckt" not in page
    assert "Noch verdeckt" not in page
    assert "wall--participants" in page
    assert "data-composer" not in page
    assert f'ws-connect="/ws/preview/{walls_with_secrets.pk}/"' in page
    assert f'data-snapshot-from="{url}"' in page
    # Its resync gets the same wall.
    wall = facilitator_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "data-snapshot" in wall
    assert "Auf der Wand" in wall
    assert "versteckt" not in wall
    assert "Noch verdeckt" not in wall


def test_the_preview_is_for_the_workshops_facilitators_only(
    workshop, group_a, other_group, joined_client, facilitator_client
):
    phone, _kim = joined_client(group_a)
    url = reverse("workshop:group-preview", args=[workshop.pk, group_a.pk])
    assert phone.get(url).status_code == 302  # to the login
    foreign = reverse("workshop:group-preview", args=[workshop.pk, other_group.pk])
    assert facilitator_client.get(foreign).status_code == 404
