"""The results: organisers, the export page, the summary editor, downloads and the
participants' results page after the workshop."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from boards import services
from boards.models import SummarySection
from boards.selectors.summary import summary_document
from tests.boards.wall import add
from tests.factories import UserFactory
from workshop.models import Participant


@pytest.fixture
def organiser(workshop):
    user = UserFactory(username="olivia", first_name="Olivia", last_name="Orga")
    workshop.organisers.add(user)
    return user


@pytest.fixture
def organiser_client(organiser) -> Client:
    client = Client()
    client.force_login(organiser)
    return client


def test_a_facilitator_adds_an_organiser_who_sees_results_and_exports_but_does_not_moderate(
    facilitator_client, workshop, board_a
):
    UserFactory(username="olivia")
    url = reverse("workshop:organiser-add", args=[workshop.pk])
    assert facilitator_client.post(url, {"username": "olivia"}).status_code == 302
    assert list(workshop.organisers.values_list("username", flat=True)) == ["olivia"]
    olivia = Client()
    olivia.force_login(workshop.organisers.get())
    assert olivia.get(reverse("workshop:results", args=[workshop.pk])).status_code == 200
    assert olivia.get(reverse("workshop:summary", args=[workshop.pk])).status_code == 200
    export = olivia.get(reverse("workshop:export", args=[workshop.pk, "md"]))
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment;")
    # Not a facilitator: the console, the moderation wall and the agenda stay closed.
    for name, args in (
        ("workshop:console", [workshop.pk]),
        ("workshop:board", [workshop.pk, board_a.pk]),
        ("workshop:agenda", [workshop.pk]),
    ):
        assert olivia.get(reverse(name, args=args)).status_code == 404
    # The dashboard lists the workshop under those one organises, with its results.
    dashboard = olivia.get(reverse("workshop:dashboard")).content.decode()
    assert f'href="{reverse("workshop:results", args=[workshop.pk])}"' in dashboard


def test_an_unknown_organiser_is_refused_with_a_message(facilitator_client, workshop):
    url = reverse("workshop:organiser-add", args=[workshop.pk])
    response = facilitator_client.post(url, {"username": "niemand"}, follow=True)
    assert "niemand" in response.content.decode()
    assert not workshop.organisers.exists()


def test_strangers_and_participants_get_404_on_the_results_pages(workshop, group_a, joined_client):
    stranger = Client()
    stranger.force_login(UserFactory(username="fremd"))
    phone, _kim = joined_client(group_a)
    for client in (stranger, phone):
        for name, args in (
            ("workshop:results", [workshop.pk]),
            ("workshop:summary", [workshop.pk]),
            ("workshop:export", [workshop.pk, "md"]),
        ):
            response = client.get(reverse(name, args=args))
            assert response.status_code in (302, 404), (name, response.status_code)
            assert response.status_code != 200


def test_odd_export_requests_get_a_clear_400_or_404(organiser_client, workshop, other_group):
    export = reverse("workshop:export", args=[workshop.pk, "md"])
    assert organiser_client.get(export + "?lang=fr").status_code == 400
    assert organiser_client.get(export + f"?board={other_group.board.pk}").status_code == 400
    assert organiser_client.get(export + "?board=10000000000000000000000").status_code == 400
    assert organiser_client.get(export + "?size=a0").status_code == 400
    nope = reverse("workshop:export", args=[workshop.pk, "exe"])
    assert organiser_client.get(nope).status_code == 404


def test_an_organiser_edits_reorders_and_leaves_out_sections_and_the_export_follows(
    organiser_client, workshop, board_a
):
    add(board_a, "Mehr Radwege")
    group_key = f"group-{board_a.group.pk}"
    url = reverse("workshop:section-save", args=[workshop.pk, group_key])
    body = "Die Gruppe will vor allem *mehr* Radwege.\n\n- Radwege\n- Busse"
    organiser_client.post(url, {"title": "Mobilität im Überblick", "body": body})
    organiser_client.post(
        reverse("workshop:section-move", args=[workshop.pk, group_key]), {"direction": "up"}
    )
    organiser_client.post(
        reverse("workshop:section-include", args=[workshop.pk, "agenda"]), {"included": "0"}
    )
    text = organiser_client.get(reverse("workshop:export", args=[workshop.pk, "md"])).content
    text = text.decode()
    assert "## Mobilität im Überblick" in text
    assert "Die Gruppe will vor allem \\*mehr\\* Radwege." in text  # plain text, not emphasis
    assert "- Radwege\n- Busse" in text
    assert "## Ablauf" not in text
    assert "## Agenda" not in text
    keys = [s.key for s in summary_document(workshop).sections]
    assert keys.index(group_key) < keys.index("agenda")  # moved up, past the agenda


def test_an_edited_section_is_kept_when_the_boards_change_and_offers_the_new_draft(
    organiser_client, workshop, board_a
):
    add(board_a, "Mehr Radwege")
    key = f"group-{board_a.group.pk}"
    url = reverse("workshop:section-save", args=[workshop.pk, key])
    organiser_client.post(url, {"title": "Mobilität", "body": "Unsere eigene Fassung."})
    add(board_a, "Busse öfter fahren lassen")
    section = next(s for s in summary_document(workshop).sections if s.key == key)
    assert section.body == "Unsere eigene Fassung."
    assert section.edited
    assert section.stale
    assert "Busse öfter fahren lassen" in section.draft
    page = organiser_client.get(reverse("workshop:summary", args=[workshop.pk])).content.decode()
    assert "Busse öfter fahren lassen" in page  # the new draft, shown beside the edit
    organiser_client.post(reverse("workshop:section-draft", args=[workshop.pk, key]))
    section = next(s for s in summary_document(workshop).sections if s.key == key)
    assert not section.edited
    assert "Busse öfter fahren lassen" in section.body


def test_saving_the_draft_unchanged_is_no_edit(organiser_client, workshop, board_a):
    document = summary_document(workshop)
    intro = document.sections[0]
    url = reverse("workshop:section-save", args=[workshop.pk, intro.key])
    organiser_client.post(url, {"title": intro.title, "body": intro.body})
    assert not SummarySection.objects.get(key=intro.key).edited


def test_the_document_language_is_chosen_not_taken_from_the_browser(
    organiser_client, workshop, board_a
):
    add(board_a, "Mehr Radwege")
    organiser_client.post(
        reverse("workshop:summary-language", args=[workshop.pk]), {"language": "en"}
    )
    german_browser = organiser_client.get(
        reverse("workshop:export", args=[workshop.pk, "md"]), HTTP_ACCEPT_LANGUAGE="de"
    )
    text = german_browser.content.decode()
    assert "## Participation" in text
    assert "## Teilnahme" not in text
    refused = organiser_client.post(
        reverse("workshop:summary-language", args=[workshop.pk]), {"language": "fr"}, follow=True
    )
    assert refused.status_code == 200


def test_participants_see_the_results_only_after_the_workshop_and_where_allowed(
    facilitator_client, workshop, group_a, joined_client
):
    phone, _kim = joined_client(group_a)
    results = reverse("results", args=[workshop.pk])
    assert phone.get(results).status_code == 404  # still running
    services_close(workshop)
    assert phone.get(results).status_code == 404  # closed, not allowed
    closed = phone.get(reverse("board", args=[group_a.board.pk]))
    assert closed.status_code == 410
    assert f'href="{results}"' not in closed.content.decode()
    facilitator_client.post(reverse("workshop:results-public", args=[workshop.pk]), {"public": "1"})
    closed = phone.get(reverse("board", args=[group_a.board.pk]))
    assert f'href="{results}"' in closed.content.decode()
    assert phone.get(results).status_code == 200
    assert Client().get(results).status_code == 404  # a stranger learns nothing


def test_a_participant_withdraws_and_gives_consent_also_after_the_workshop(
    workshop, group_a, joined_client
):
    phone, kim = joined_client(group_a, "Kim")
    services_close(workshop)
    consent = reverse("consent", args=[workshop.pk])
    phone.post(consent, {"named": "1"})
    assert Participant.objects.get(pk=kim.pk).named_in_summary
    assert "Kim" in summary_document(workshop).sections[-2].body
    phone.post(consent, {"named": "0"})
    assert not Participant.objects.get(pk=kim.pk).named_in_summary
    assert "Kim" not in summary_document(workshop).sections[-2].body
    assert Client().post(consent, {"named": "1"}).status_code == 404


def services_close(workshop) -> None:
    from workshop import services as workshop_services

    workshop_services.workshop_close(workshop=workshop)


def test_hidden_cards_never_revealed_are_in_no_section(workshop, board_a, joined_client):
    from boards.models import Board

    services.board_configure(board=board_a, mode=Board.Mode.HIDDEN)
    _phone, kim = joined_client(board_a.group)
    add(board_a, "Geheime Idee", participant=kim)
    text = "\n".join(s.body for s in summary_document(workshop).sections)
    assert "Geheime Idee" not in text


def test_a_removed_participant_is_named_nowhere(organiser_client, workshop, group_a, joined_client):
    from boards.exports import export
    from workshop import services as workshop_services

    _phone, kim = joined_client(group_a, "Kim")
    workshop_services.consent_set(participant=kim, named=True)
    add(group_a.board, "Mehr Radwege", participant=kim)
    assert "Kim" in export(workshop, "md").decode()
    workshop_services.participant_remove(participant=kim)
    for key in ("md", "csv", "json"):
        assert "Kim" not in export(workshop, key).decode("utf-8-sig"), key


def test_a_group_added_after_the_order_was_set_comes_after_the_groups(
    organiser_client, facilitator, workshop, group_a
):
    from boards.services import group_create

    move = reverse("workshop:section-move", args=[workshop.pk, f"group-{group_a.pk}"])
    organiser_client.post(move, {"direction": "up"})  # the order is stored now
    group = group_create(workshop=workshop, name="Verwaltung", question="")
    keys = [s.key for s in summary_document(workshop).sections]
    assert keys.index(f"group-{group.pk}") == keys.index(f"group-{group_a.pk}") + 1


def test_another_language_is_no_news_about_the_boards(organiser_client, workshop, board_a):
    key = f"group-{board_a.group.pk}"
    save = reverse("workshop:section-save", args=[workshop.pk, key])
    organiser_client.post(save, {"title": "Mobilität", "body": "Unsere Fassung."})
    language = reverse("workshop:summary-language", args=[workshop.pk])
    organiser_client.post(language, {"language": "en"})
    section = next(s for s in summary_document(workshop).sections if s.key == key)
    assert section.edited
    assert not section.stale


def test_a_board_change_while_the_organiser_types_stays_news(organiser_client, workshop, board_a):
    key = f"group-{board_a.group.pk}"
    shown = next(s for s in summary_document(workshop).sections if s.key == key)
    add(board_a, "Kam dazu, während getippt wurde")
    save = reverse("workshop:section-save", args=[workshop.pk, key])
    organiser_client.post(save, {"title": "Mobilität", "body": "Fassung", "seen": shown.digest})
    section = next(s for s in summary_document(workshop).sections if s.key == key)
    assert section.stale


def test_the_print_page_opens_in_the_browser_with_its_own_styles_and_no_script(
    organiser_client, workshop
):
    page = organiser_client.get(
        reverse("workshop:export", args=[workshop.pk, "html"]) + "?inline=1"
    )
    assert page["Content-Disposition"].startswith("inline")
    policy = page["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy
    assert "default-src 'none'" in policy


def test_a_facilitator_is_not_added_as_organiser_of_their_own_workshop(
    facilitator_client, facilitator, workshop
):
    url = reverse("workshop:organiser-add", args=[workshop.pk])
    page = facilitator_client.post(url, {"username": facilitator.username}, follow=True)
    assert "bereits" in page.content.decode() or "already" in page.content.decode()
    assert not workshop.organisers.exists()


def test_a_suggestion_already_said_by_a_link_of_its_cluster_is_not_made_again(
    facilitator, workshop, board_a, board_b
):
    from boards.selectors.parallels import suggestions_for
    from boards.services import cluster_create
    from boards.services.synergies import link_create
    from workshop.permissions import Actor

    bus = add(board_a, "Busse im Nahverkehr öfter")
    cluster = cluster_create(board=board_a, title="Nahverkehr", user=facilitator, cards=[bus])
    tram = add(board_b, "Nahverkehr bis in die Innenstadt")
    link_create(
        Actor.facilitator(facilitator),
        workshop,
        source=("cluster", cluster.pk),
        target=("card", tram.pk),
        kind="synergy",
    )
    keys = [s.key for s in suggestions_for(workshop)]
    assert f"card-{bus.pk}:card-{tram.pk}" not in keys
