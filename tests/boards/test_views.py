"""The pages as a browser sees them: joining, pinning cards, the console, settings, projector."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from boards.models import Board, Card
from tests.conftest import join_via_http
from tests.factories import CardFactory, ParticipantFactory, UserFactory
from workshop.models import BreakoutGroup, Participant, Workshop
from workshop.services import workshop_close

HTMX = {"HX-Request": "true"}
EMPTY_DE = "Die Karte ist leer. Schreiben Sie zuerst ein paar Worte."
TOO_LONG_DE = "Eine Karte fasst höchstens 140 Zeichen (diese hat 141)."
CLOSED_DE = "Dieser Workshop ist beendet. Es können keine Karten mehr hinzugefügt werden."


def text(response) -> str:
    return response.content.decode()


def card_data(text="Mehr Sitzbänke am Markt", client_uuid=None):
    return {"text": text, "client_uuid": str(client_uuid or uuid.uuid4())}


def messages_on(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# home: the code form ------------------------------------------------------------------------


def test_home_shows_the_code_form_without_error(db):
    response = Client().get(reverse("home"))
    assert response.status_code == 200
    assert 'name="code"' in text(response)
    assert "Kein Workshop hat diesen Code" not in text(response)


def test_home_wrong_code_explains_in_german(workshop):
    response = Client().get(reverse("home"), {"code": "XXXXXX"})
    assert response.status_code == 200
    assert (
        "Kein Workshop hat diesen Code. Bitte prüfen Sie ihn und versuchen Sie es noch einmal."
        in text(response)
    )


def test_home_right_code_typed_sloppily_goes_to_join_page(workshop):
    typed = f" {workshop.join_code[:3].lower()}-{workshop.join_code[3:].lower()} "
    response = Client().get(reverse("home"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("join", args=[workshop.join_code])


# joining ----------------------------------------------------------------------------------


def test_join_page_lists_the_groups(group_a, group_b):
    response = Client().get(reverse("join", args=[group_a.workshop.join_code]))
    assert response.status_code == 200
    body = text(response)
    assert group_a.workshop.title in body
    assert "Mobilität" in body
    assert "Einzelhandel" in body
    assert "Beitreten" in body


def test_join_page_accepts_a_lower_case_code(group_a):
    response = Client().get(reverse("join", args=[group_a.workshop.join_code.lower()]))
    assert response.status_code == 200


def test_join_unknown_code_is_404(db):
    assert Client().get(reverse("join", args=["XXXXXX"])).status_code == 404


def test_join_then_board_shows_the_cards(group_a, group_b):
    CardFactory(board=group_a.board, text="Ein Ticket für Bus und Bahn")
    CardFactory(board=group_b.board, text="Karte der anderen Gruppe")
    client = Client()
    assert client.get(reverse("join", args=[group_a.workshop.join_code])).status_code == 200
    response = client.post(
        reverse("join", args=[group_a.workshop.join_code]),
        {"display_name": "Kim", "group": group_a.pk},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("board", args=[group_a.board.pk]), 302)]
    body = text(response)
    assert "Ein Ticket für Bus und Bahn" in body
    assert "Karte der anderen Gruppe" not in body
    assert f'ws-connect="/ws/boards/{group_a.board.pk}/"' in body
    participant = Participant.objects.get()
    assert (participant.display_name, participant.group) == ("Kim", group_a)


def test_join_rotates_the_session_cookie(group_a):
    client = Client()
    client.get(reverse("join", args=[group_a.workshop.join_code]))
    client.session.save()  # a session that exists before joining
    before = client.session.session_key
    client.post(reverse("join", args=[group_a.workshop.join_code]), {"group": group_a.pk})
    assert client.cookies["sessionid"].value != before


def test_join_again_is_welcomed_back_as_same_participant(group_a, group_b, joined_client):
    client, participant = joined_client(group_a)
    response = client.get(reverse("join", args=[group_a.workshop.join_code]))
    assert "Zurück zu meiner Wand" in text(response)
    response = client.post(
        reverse("join", args=[group_a.workshop.join_code]),
        {"display_name": "Kim", "group": group_b.pk},
    )
    assert response["Location"] == reverse("board", args=[group_b.board.pk])
    assert Participant.objects.get().pk == participant.pk


def test_join_without_group_asks_for_one(group_a):
    response = Client().post(
        reverse("join", args=[group_a.workshop.join_code]), {"display_name": "Kim"}
    )
    assert response.status_code == 200
    assert "Bitte wählen Sie eine Gruppe." in text(response)
    assert not Participant.objects.exists()


def test_join_with_group_of_another_workshop_refused(group_a, other_group):
    response = Client().post(
        reverse("join", args=[group_a.workshop.join_code]), {"group": other_group.pk}
    )
    assert response.status_code == 200
    assert not Participant.objects.exists()


def test_join_closed_workshop_shows_closed_page(group_a):
    workshop_close(workshop=group_a.workshop)
    url = reverse("join", args=[group_a.workshop.join_code])
    assert Client().get(url).status_code == 410
    response = Client().post(url, {"group": group_a.pk})
    assert response.status_code == 410
    assert "Dieser Workshop ist beendet. Danke fürs Mitmachen!" in text(response)
    assert not Participant.objects.exists()


# pinning cards ----------------------------------------------------------------------------


def test_htmx_card_post_returns_the_card_partial(group_a, joined_client):
    client, participant = joined_client(group_a, name="Kim")
    response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data(), headers=HTMX)
    assert response.status_code == 200
    card = Card.objects.get()
    body = text(response)
    assert body.startswith(f'<li id="card-{card.pk}"')
    assert "Mehr Sitzbänke am Markt" in body
    assert "<html" not in body
    assert card.author == participant
    assert Board.objects.get(pk=group_a.board.pk).rev == 1


def test_plain_card_post_redirects_to_the_board(group_a, joined_client):
    client, _participant = joined_client(group_a)
    response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("board", args=[group_a.board.pk])
    assert "Mehr Sitzbänke am Markt" in text(client.get(response["Location"]))


def test_retried_card_post_is_one_card(group_a, joined_client):
    client, _participant = joined_client(group_a)
    data = card_data()
    first = client.post(reverse("card-post", args=[group_a.board.pk]), data, headers=HTMX)
    again = client.post(reverse("card-post", args=[group_a.board.pk]), data, headers=HTMX)
    assert first.status_code == again.status_code == 200
    # The same card and the same personal element, rendered a moment later (its stamp).
    unstamped = [re.sub(r' data-stamp="\d+"', "", text(r)) for r in (first, again)]
    assert unstamped[0] == unstamped[1]
    assert Card.objects.count() == 1


def test_too_long_card_htmx_is_400_with_message_and_nothing_stored(group_a, joined_client):
    client, _participant = joined_client(group_a)
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]), card_data("x" * 141), headers=HTMX
    )
    assert response.status_code == 400
    assert TOO_LONG_DE in text(response)
    assert not Card.objects.exists()
    assert Board.objects.get(pk=group_a.board.pk).rev == 0


def test_too_long_card_without_htmx_keeps_the_text(group_a, joined_client):
    client, _participant = joined_client(group_a)
    response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data("y" * 141))
    assert response.status_code == 400
    assert TOO_LONG_DE in text(response)
    assert "y" * 141 in text(response)
    assert not Card.objects.exists()


@pytest.mark.parametrize("typed", ["", "   ", "\x07\x1b", "\n\t"])
def test_empty_card_is_400_with_message(group_a, joined_client, typed):
    client, _participant = joined_client(group_a)
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]), card_data(typed), headers=HTMX
    )
    assert response.status_code == 400
    assert EMPTY_DE in text(response)
    assert not Card.objects.exists()


def test_nul_character_in_card_is_removed_like_other_control_characters(group_a, joined_client):
    client, _participant = joined_client(group_a)
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]), card_data("Idee\x00 mit NUL"), headers=HTMX
    )
    assert response.status_code == 200
    assert Card.objects.get().text == "Idee mit NUL"


def test_control_characters_in_card_are_removed(group_a, joined_client):
    client, _participant = joined_client(group_a)
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]),
        card_data("\x07Idee\x1b mit\u0085 Glocke"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert Card.objects.get().text == "Idee mit Glocke"


def test_oversized_body_is_413_with_a_message_for_the_phone_and_nothing_stored(
    group_a, joined_client
):
    client, _participant = joined_client(group_a)
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]), card_data("z" * 70_000), headers=HTMX
    )
    assert response.status_code == 413
    body = text(response)
    # The composer's error element: the phone shows it and stops resending that card.
    assert body.startswith('<p id="composer-error"')
    assert "data-composer-error" in body
    assert "Das war zu viel auf einmal (höchstens 64,0" in body
    assert not Card.objects.exists()


def test_oversized_form_post_without_htmx_is_a_page_in_english_for_english_readers(
    group_a, joined_client
):
    client, _participant = joined_client(group_a, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data("z" * 70_000))
    assert response.status_code == 413
    assert "That was too much at once (at most 64.0" in text(response)
    assert "<html" in text(response)


def test_card_post_without_csrf_token_is_403(group_a, joined_client):
    _client, _participant = joined_client(group_a)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies["sessionid"] = _client.cookies["sessionid"].value
    page = text(strict.get(reverse("board", args=[group_a.board.pk])))
    url = reverse("card-post", args=[group_a.board.pk])
    response = strict.post(url, card_data("Ohne Token"), headers=HTMX)
    assert response.status_code == 403
    assert not Card.objects.exists()
    # The same request with the page's token goes through: the token was what was missing.
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)
    response = strict.post(url, card_data("Mit Token"), headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200
    assert list(Card.objects.values_list("text", flat=True)) == ["Mit Token"]


def test_closed_workshop_refuses_cards_with_message(group_a, joined_client):
    client, _participant = joined_client(group_a)
    workshop_close(workshop=group_a.workshop)
    response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data(), headers=HTMX)
    assert response.status_code == 403
    assert CLOSED_DE in text(response)
    assert not Card.objects.exists()
    assert client.get(reverse("board", args=[group_a.board.pk])).status_code == 410


# other groups, other workshops, strangers --------------------------------------------------


def test_participant_cannot_write_to_or_read_another_groups_board(group_a, group_b, joined_client):
    CardFactory(board=group_b.board, text="Nur für Gruppe B")
    client, _participant = joined_client(group_a)
    response = client.post(reverse("card-post", args=[group_b.board.pk]), card_data(), headers=HTMX)
    assert response.status_code == 404
    assert Card.objects.count() == 1
    page = client.get(reverse("board", args=[group_b.board.pk]))
    assert page.status_code == 302
    # Led to their own group's wall (a phone moved meanwhile lands where it belongs now).
    assert page["Location"] == reverse("board", args=[group_a.board.pk])
    assert "Nur für Gruppe B" not in text(page)
    snapshot = client.get(reverse("board-snapshot", args=[group_b.board.pk]))
    assert snapshot.status_code == 404
    assert "Nur für Gruppe B" not in text(snapshot)
    assert Board.objects.get(pk=group_b.board.pk).rev == 1


def test_participant_of_another_workshop_cannot_write(group_a, other_group, joined_client):
    client, _participant = joined_client(other_group)
    response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data())
    assert response.status_code == 404
    assert not Card.objects.exists()


def test_never_joined_client_cannot_write_or_read(group_a):
    CardFactory(board=group_a.board, text="Geheim")
    client = Client()
    response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data())
    assert response.status_code == 404
    assert Card.objects.count() == 1
    page = client.get(reverse("board", args=[group_a.board.pk]))
    # 404, not a redirect to the join page: that would hand out the join code.
    assert page.status_code == 404
    assert "Geheim" not in text(page)
    assert group_a.workshop.join_code not in text(page)
    assert group_a.workshop.join_code not in page.get("Location", "")
    assert "Diese Seite gibt es nicht" in text(page)  # our page, in the user's language


def test_snapshot_for_own_board(group_a, joined_client):
    CardFactory(board=group_a.board, text="Schon da")
    client, _participant = joined_client(group_a)
    response = client.get(reverse("board-snapshot", args=[group_a.board.pk]))
    assert response.status_code == 200
    assert "Schon da" in text(response)
    assert "data-snapshot" in text(response)
    assert 'data-rev="1"' in text(response)


def test_card_text_is_shown_as_text(group_a, joined_client):
    client, _participant = joined_client(group_a)
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(
        reverse("card-post", args=[group_a.board.pk]), card_data(evil), headers=HTMX
    )
    assert response.status_code == 200
    page = text(client.get(reverse("board", args=[group_a.board.pk])))
    for body in (text(response), page):
        assert "<script>alert" not in body
        assert "<img src=x" not in body
        assert "&lt;script&gt;" in body


# facilitator console ------------------------------------------------------------------------


def test_console_requires_login(workshop):
    url = reverse("workshop:console", args=[workshop.pk])
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_console_of_someone_elses_workshop_is_404(workshop):
    client = Client()
    client.force_login(UserFactory())
    assert client.get(reverse("workshop:console", args=[workshop.pk])).status_code == 404
    assert client.get(reverse("workshop:settings", args=[workshop.pk])).status_code == 404


def test_console_shows_code_and_every_board(facilitator_client, workshop, group_a, group_b):
    CardFactory(board=group_a.board, text="Karte A")
    CardFactory(board=group_b.board, text="Karte B")
    ParticipantFactory(group=group_a)
    response = facilitator_client.get(reverse("workshop:console", args=[workshop.pk]))
    assert response.status_code == 200
    body = text(response)
    assert workshop.join_code in body
    assert "Karte A" in body
    assert "Karte B" in body
    assert f'id="board-{group_a.board.pk}"' in body
    assert f'id="board-{group_b.board.pk}"' in body
    assert "1 Person ist beigetreten." in body
    assert f'ws-connect="/ws/workshops/{workshop.pk}/"' in body
    # Each wall counts its own group from the first render on, not only after a push.
    assert re.search(rf'id="group-{group_a.pk}-count"[^>]*>1<', body)
    assert re.search(rf'id="group-{group_b.pk}-count"[^>]*>0<', body)
    # The address phones type, taken from the join link (not the laptop's 127.0.0.1 view).
    assert "<strong>testserver</strong>" in body


def test_console_names_the_public_address_when_configured(
    facilitator_client, workshop, group_a, settings
):
    settings.STELLWAND_PUBLIC_URL = "http://192.0.2.10:8000"
    body = text(facilitator_client.get(reverse("workshop:console", args=[workshop.pk])))
    assert "<strong>192.0.2.10:8000</strong>" in body
    assert f"http://192.0.2.10:8000/j/{workshop.join_code}/" in body


def test_facilitator_may_read_and_write_every_board(facilitator_client, group_a, facilitator):
    assert facilitator_client.get(reverse("board", args=[group_a.board.pk])).status_code == 200
    response = facilitator_client.post(
        reverse("card-post", args=[group_a.board.pk]), card_data("Von der Moderation"), headers=HTMX
    )
    assert response.status_code == 200
    card = Card.objects.get()
    assert (card.author, card.author_user) == (None, facilitator)
    assert "Moderation" in text(response)


def test_dashboard_lists_only_own_workshops(facilitator_client, workshop, other_workshop):
    body = text(facilitator_client.get(reverse("workshop:dashboard")))
    assert workshop.title in body
    assert other_workshop.title not in body


def test_qr_code_is_an_svg_of_the_join_link(facilitator_client, workshop):
    response = facilitator_client.get(reverse("workshop:qr", args=[workshop.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert text(response).startswith("<svg")


# creating a workshop --------------------------------------------------------------------------


def new_workshop_data(client, title="Zukunftswerkstatt", groups=("Mobilität", "Einzelhandel")):
    """What a browser sends: the page's hidden fields (management form) plus what was typed."""
    page = text(client.get(reverse("workshop:new")))
    data = dict(re.findall(r'<input type="hidden" name="(groups-[^"]+)" value="([^"]*)"', page))
    assert data["groups-TOTAL_FORMS"] == "2"  # the page offers two group rows
    data["groups-TOTAL_FORMS"] = str(max(2, len(groups)))  # "Add another group" adds rows
    data.update(
        {"title": title, "subtitle": "", "date": "2026-12-01", "place": "Lübeck", "description": ""}
    )
    for i, name in enumerate(groups):
        data[f"groups-{i}-name"] = name
        data[f"groups-{i}-question"] = f"Frage zu {name}" if name else ""
    return data


def test_new_workshop_requires_login(db):
    response = Client().get(reverse("workshop:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_new_workshop_with_two_groups(facilitator_client, facilitator):
    assert facilitator_client.get(reverse("workshop:new")).status_code == 200
    response = facilitator_client.post(
        reverse("workshop:new"), new_workshop_data(facilitator_client)
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop:console", args=[workshop.pk])
    assert workshop.title == "Zukunftswerkstatt"
    assert list(workshop.facilitators.all()) == [facilitator]
    assert [g.name for g in workshop.groups.all()] == ["Mobilität", "Einzelhandel"]
    assert Board.objects.filter(workshop=workshop).of_groups().count() == 2


def test_new_workshop_skips_empty_group_rows(facilitator_client):
    data = new_workshop_data(facilitator_client, groups=("Mobilität", ""))
    response = facilitator_client.post(reverse("workshop:new"), data)
    assert response.status_code == 302
    assert [g.name for g in Workshop.objects.get().groups.all()] == ["Mobilität"]


def test_new_workshop_with_a_third_group_row(facilitator_client):
    data = new_workshop_data(facilitator_client, groups=("A", "B", "C"))
    facilitator_client.post(reverse("workshop:new"), data)
    assert [g.name for g in Workshop.objects.get().groups.all()] == ["A", "B", "C"]
    assert Board.objects.of_groups().count() == 3


def test_new_workshop_needs_at_least_one_group_and_says_so_in_plain_german(facilitator_client):
    data = new_workshop_data(facilitator_client, groups=("", ""))
    response = facilitator_client.post(reverse("workshop:new"), data)
    assert response.status_code == 200
    assert not Workshop.objects.exists()
    body = text(response)
    assert "Legen Sie mindestens eine Gruppe an: Jede Gruppe bekommt ihre eigene Wand." in body
    assert "Formular" not in body


def test_a_wrong_password_says_what_to_check(facilitator):
    facilitator.set_password("richtig-und-lang-2026")
    facilitator.save()
    response = Client().post(
        reverse("login"), {"username": facilitator.username, "password": "Richtig-und-lang-2026"}
    )
    assert response.status_code == 200
    assert "Benutzername oder Passwort stimmen nicht." in text(response)
    assert "Groß- und Kleinschreibung" in text(response)


def test_new_workshop_with_duplicate_groups_creates_nothing(facilitator_client):
    response = facilitator_client.post(
        reverse("workshop:new"),
        new_workshop_data(facilitator_client, groups=("Mobilität", "MOBILITÄT")),
    )
    assert response.status_code == 200
    assert "Es gibt schon eine Gruppe" in text(response)
    assert not Workshop.objects.exists()
    assert not Board.objects.exists()


def test_new_workshop_without_title_creates_nothing(facilitator_client):
    data = new_workshop_data(facilitator_client, title="")
    response = facilitator_client.post(reverse("workshop:new"), data)
    assert response.status_code == 200
    assert not Workshop.objects.exists()


# settings -----------------------------------------------------------------------------------


def settings_url(workshop, name, *args):
    return reverse(f"workshop:{name}", args=[workshop.pk, *args])


def test_settings_page(facilitator_client, workshop, group_a):
    response = facilitator_client.get(settings_url(workshop, "settings"))
    assert response.status_code == 200
    assert "Mobilität" in text(response)
    assert workshop.projector_token in text(response)


def test_settings_add_group(facilitator_client, workshop):
    response = facilitator_client.post(
        settings_url(workshop, "group-add"), {"name": "Verwaltung", "question": "Wie?"}, follow=True
    )
    group = BreakoutGroup.objects.get(workshop=workshop)
    assert group.name == "Verwaltung"
    assert Board.objects.filter(group=group).exists()
    assert "Die Gruppe wurde mit eigener Wand angelegt." in messages_on(response)


def test_settings_add_group_without_name(facilitator_client, workshop):
    response = facilitator_client.post(
        settings_url(workshop, "group-add"), {"name": ""}, follow=True
    )
    assert "Bitte geben Sie der Gruppe einen Namen." in messages_on(response)
    assert not workshop.groups.exists()


def test_settings_add_duplicate_group(facilitator_client, workshop, group_a):
    response = facilitator_client.post(
        settings_url(workshop, "group-add"), {"name": "mobilität"}, follow=True
    )
    assert messages_on(response) == ["Es gibt schon eine Gruppe „mobilität“."]
    assert workshop.groups.count() == 1


def test_settings_rename_group(facilitator_client, workshop, group_a):
    facilitator_client.post(
        settings_url(workshop, "group-edit", group_a.pk), {"name": "Verkehr", "question": "Neu?"}
    )
    group_a.refresh_from_db()
    assert (group_a.name, group_a.question) == ("Verkehr", "Neu?")
    assert Board.objects.get(group=group_a).rev == 1


def test_settings_remove_group(facilitator_client, workshop, group_a, group_b):
    board_pk = group_a.board.pk
    CardFactory(board=group_a.board)
    facilitator_client.post(settings_url(workshop, "group-delete", group_a.pk))
    assert list(workshop.groups.all()) == [group_b]
    assert not Board.objects.filter(pk=board_pk).exists()
    assert not Card.objects.exists()


def test_settings_cannot_touch_a_group_of_another_workshop(
    facilitator_client, workshop, other_group
):
    url = settings_url(workshop, "group-delete", other_group.pk)
    assert facilitator_client.post(url).status_code == 404
    url = settings_url(workshop, "group-edit", other_group.pk)
    assert facilitator_client.post(url, {"name": "Gekapert"}).status_code == 404
    other_group.refresh_from_db()
    assert other_group.name == "Verwaltung"


def test_settings_add_co_facilitator(facilitator_client, workshop):
    colleague = UserFactory(username="jonas")
    response = facilitator_client.post(
        settings_url(workshop, "facilitator-add"), {"username": "jonas"}, follow=True
    )
    assert workshop.facilitators.filter(pk=colleague.pk).exists()
    assert len(messages_on(response)) == 1
    assert messages_on(response)[0].endswith("moderiert jetzt mit.")
    other = Client()
    other.force_login(colleague)
    assert other.get(settings_url(workshop, "console")).status_code == 200


def test_settings_add_unknown_co_facilitator(facilitator_client, workshop):
    response = facilitator_client.post(
        settings_url(workshop, "facilitator-add"), {"username": "niemand"}, follow=True
    )
    assert messages_on(response) == ["Es gibt keine:n Benutzer:in „niemand“."]
    assert workshop.facilitators.count() == 1


def test_settings_remove_co_facilitator_and_not_the_last(facilitator_client, workshop, facilitator):
    colleague = UserFactory()
    workshop.facilitators.add(colleague)
    facilitator_client.post(settings_url(workshop, "facilitator-remove", colleague.pk))
    assert list(workshop.facilitators.all()) == [facilitator]
    response = facilitator_client.post(
        settings_url(workshop, "facilitator-remove", facilitator.pk), follow=True
    )
    assert list(workshop.facilitators.all()) == [facilitator]
    assert "Ein Workshop braucht mindestens eine Moderation." in messages_on(response)


def test_settings_close_and_reopen(facilitator_client, workshop):
    response = facilitator_client.post(settings_url(workshop, "close"))
    assert response["Location"] == settings_url(workshop, "console")
    workshop.refresh_from_db()
    assert workshop.is_closed
    facilitator_client.post(settings_url(workshop, "reopen"))
    workshop.refresh_from_db()
    assert not workshop.is_closed


def test_settings_revoke_projector_link(facilitator_client, workshop, group_a):
    old = workshop.projector_token
    assert Client().get(reverse("projector", args=[old])).status_code == 200
    facilitator_client.post(settings_url(workshop, "projector-revoke"))
    workshop.refresh_from_db()
    assert workshop.projector_token != old
    assert Client().get(reverse("projector", args=[old])).status_code == 404
    assert Client().get(reverse("projector-board", args=[old, group_a.board.pk])).status_code == 404
    assert Client().get(reverse("projector", args=[workshop.projector_token])).status_code == 200


def test_settings_renew_join_code(facilitator_client, workshop):
    old = workshop.join_code
    response = facilitator_client.post(settings_url(workshop, "code-renew"), follow=True)
    workshop.refresh_from_db()
    assert workshop.join_code != old
    assert workshop.join_code in messages_on(response)[0]
    assert Client().get(reverse("join", args=[old])).status_code == 404
    assert Client().get(reverse("join", args=[workshop.join_code])).status_code == 200


@pytest.mark.parametrize(
    "name", ["close", "reopen", "projector-revoke", "code-renew", "group-add", "facilitator-add"]
)
def test_settings_actions_refuse_get(facilitator_client, workshop, name):
    assert facilitator_client.get(settings_url(workshop, name)).status_code == 405


@pytest.mark.parametrize("name", ["close", "projector-revoke", "code-renew"])
def test_settings_actions_of_someone_else_are_404(workshop, name):
    before = Workshop.objects.values_list("closed_at", "projector_token", "join_code").get()
    client = Client()
    client.force_login(UserFactory())
    assert client.post(settings_url(workshop, name)).status_code == 404
    assert Workshop.objects.values_list("closed_at", "projector_token", "join_code").get() == before


def test_settings_add_facilitator_by_stranger_is_404(workshop):
    intruder = UserFactory()
    client = Client()
    client.force_login(intruder)
    response = client.post(
        settings_url(workshop, "facilitator-add"), {"username": intruder.username}
    )
    assert response.status_code == 404
    assert not workshop.facilitators.filter(pk=intruder.pk).exists()


def test_edit_workshop_details(facilitator_client, workshop):
    response = facilitator_client.post(
        settings_url(workshop, "edit"),
        {
            "title": "Neuer Titel\x07",
            "subtitle": "",
            "date": "",
            "place": "Rathaus",
            "description": "",
        },
    )
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert (workshop.title, workshop.place) == ("Neuer Titel", "Rathaus")


# projector ----------------------------------------------------------------------------------


def test_projector_shows_every_board_without_names(workshop, group_a, group_b):
    author = ParticipantFactory(group=group_a, display_name="Kim Beispiel")
    CardFactory(board=group_a.board, text="Karte A", author=author)
    CardFactory(board=group_b.board, text="Karte B")
    response = Client().get(reverse("projector", args=[workshop.projector_token]))
    assert response.status_code == 200
    body = text(response)
    assert "Karte A" in body
    assert "Karte B" in body
    assert "Kim Beispiel" not in body
    assert workshop.join_code in body


def test_projector_single_board(workshop, group_a, group_b, other_group):
    CardFactory(board=group_a.board, text="Karte A")
    CardFactory(board=group_b.board, text="Karte B")
    token = workshop.projector_token
    response = Client().get(reverse("projector-board", args=[token, group_a.board.pk]))
    assert "Karte A" in text(response)
    assert "Karte B" not in text(response)
    assert f"?board={group_a.board.pk}" in text(response)
    foreign = reverse("projector-board", args=[token, other_group.board.pk])
    assert Client().get(foreign).status_code == 404
    snap = reverse("projector-snapshot", args=[token, other_group.board.pk])
    assert Client().get(snap).status_code == 404


def test_projector_wrong_token_is_404(workshop):
    assert Client().get(reverse("projector", args=["nicht-das-token"])).status_code == 404


# every page: CSP, no foreign assets, language ------------------------------------------------


@pytest.fixture
def page_urls(workshop, group_a, facilitator):
    CardFactory(board=group_a.board, text="Karte")
    return [
        ("anon", reverse("home")),
        ("anon", reverse("home") + "?code=XXXXXX"),
        ("anon", reverse("imprint")),
        ("anon", reverse("privacy")),
        ("anon", reverse("accessibility")),
        ("anon", reverse("easy-language")),
        ("anon", reverse("login")),
        ("anon", reverse("join", args=[workshop.join_code])),
        ("anon", reverse("projector", args=[workshop.projector_token])),
        ("anon", reverse("projector-board", args=[workshop.projector_token, group_a.board.pk])),
        ("anon", "/gibt-es-nicht/"),
        ("participant", reverse("board", args=[group_a.board.pk])),
        ("participant", reverse("board-snapshot", args=[group_a.board.pk])),
        ("facilitator", reverse("workshop:dashboard")),
        ("facilitator", reverse("workshop:new")),
        ("facilitator", reverse("workshop:console", args=[workshop.pk])),
        ("facilitator", reverse("workshop:settings", args=[workshop.pk])),
        ("facilitator", reverse("workshop:edit", args=[workshop.pk])),
    ]


@pytest.fixture
def clients(group_a, facilitator, joined_client):
    participant_client, _participant = joined_client(group_a)
    facilitator_client = Client()
    facilitator_client.force_login(facilitator)
    return {"anon": Client(), "participant": participant_client, "facilitator": facilitator_client}


def test_every_response_has_a_strict_csp(page_urls, clients, group_a):
    responses = [clients[who].get(url) for who, url in page_urls]
    responses.append(
        clients["participant"].post(
            reverse("card-post", args=[group_a.board.pk]), card_data(), headers=HTMX
        )
    )
    responses.append(
        clients["participant"].post(
            reverse("card-post", args=[group_a.board.pk]), card_data(""), headers=HTMX
        )
    )
    assert {r.status_code for r in responses} >= {200, 400, 404}
    for response in responses:
        csp = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp, response.request["PATH_INFO"]
        assert re.search(r"script-src 'self'( 'nonce-[^']+')?;", csp)
        assert "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp


def test_scripts_carry_the_nonce_of_their_response(clients, group_a):
    response = clients["participant"].get(reverse("board", args=[group_a.board.pk]))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert re.search(r"script-src 'self' 'nonce-[^']+';", response["Content-Security-Policy"])
    scripts = re.findall(r"<script\b[^>]*>", text(response))
    assert len(scripts) >= 2
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag, tag


def test_no_page_loads_anything_from_another_host(page_urls, clients):
    for who, url in page_urls:
        body = text(clients[who].get(url))
        for attr, value in re.findall(r'\b(src|href|action)\s*=\s*["\']([^"\']*)["\']', body):
            parts = urlsplit(value)
            if attr == "href" and parts.scheme in {"mailto", "tel"}:
                continue  # the legal pages' contacts: nothing is loaded
            if parts.scheme or value.startswith("//"):
                assert parts.scheme in {"http", "https"}, (url, value)
                assert parts.hostname == "testserver", (url, attr, value)
        assert not re.search(r"""url\(\s*['"]?(https?:)?//""", body), url
        assert "@import" not in body


def test_static_assets_reference_no_other_host():
    for folder in django_settings.STATICFILES_DIRS:
        for path in Path(folder).rglob("*"):
            if path.suffix in {".css", ".js", ".svg"}:
                content = path.read_text(encoding="utf-8")
                assert not re.search(r"""url\(\s*['"]?(https?:)?//""", content), path
                assert not re.search(r"""@import\s+(url\()?['"]?(https?:)?//""", content), path


def test_pages_are_german_by_default(db):
    body = text(Client().get(reverse("home")))
    assert '<html lang="de">' in body
    assert "Einem Workshop beitreten" in body


def test_language_switch_to_english_sticks(group_a, joined_client):
    client, _participant = joined_client(group_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert '<html lang="en">' in text(client.get(reverse("home")))
    assert '<html lang="en">' in text(client.get(reverse("board", args=[group_a.board.pk])))
    client.post(reverse("set_language"), {"language": "de", "next": reverse("home")})
    assert '<html lang="de">' in text(client.get(reverse("home")))


# property: no input makes a 500 ------------------------------------------------------------


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed=st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_card_text_gets_an_answer_not_an_error(group_a, typed):
    client = Client(headers=HTMX)
    participant = Participant.objects.filter(group=group_a).first()
    if participant is None:
        join_via_http(client, group_a)
    else:
        session = client.session
        session["stellwand_participants"] = {str(group_a.workshop.pk): participant.pk}
        session.save()
    before = Card.objects.count()
    # One participant sends every example: a property of the text, not of the pace.
    with override_settings(STELLWAND_RATE_CARDS="off"):
        response = client.post(reverse("card-post", args=[group_a.board.pk]), card_data(typed))
    assert response.status_code in {200, 400}
    assert Card.objects.count() == before + (response.status_code == 200)


def test_snapshot_stops_when_the_workshop_is_closed(group_a, joined_client):
    client, _participant = joined_client(group_a)
    url = reverse("board-snapshot", args=[group_a.board.pk])
    assert client.get(url).status_code == 200
    workshop_close(workshop=group_a.workshop)
    assert client.get(url).status_code == 410
