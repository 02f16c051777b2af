"""Suggested parallels in the plenary: from what participants may see, accepted with one tap as
a link with its reason, dismissed for good; the phones and the projector see only links."""

from __future__ import annotations

import pytest
from django.urls import reverse

from boards.models import Board, DismissedSuggestion, Link
from boards.parallels.analysis import split_compound, stem, vocabulary_of, words
from boards.parallels.engine import Item, suggest
from boards.selectors.parallels import suggestions_for
from boards.selectors.synergies import synergies_for
from boards.services import board_configure
from tests.boards.wall import add
from workshop.live import Audience


@pytest.fixture
def walls(workshop, board_a, board_b):
    add(board_a, "Busse öfter fahren lassen")
    add(board_a, "Mehr Radwege in der Innenstadt")
    add(board_b, "dichterer Takt im Nahverkehr")
    add(board_b, "Lokale Geschäfte stärken")
    return board_a, board_b


def pair(suggestions, one: str, other: str):
    for s in suggestions:
        texts = {"".join(p.text for p in s.a.pieces), "".join(p.text for p in s.b.pieces)}
        if texts == {one, other}:
            return s
    return None


def test_a_paraphrase_without_a_shared_word_is_suggested_with_its_reason(workshop, walls):
    found = pair(
        suggestions_for(workshop), "Busse öfter fahren lassen", "dichterer Takt im Nahverkehr"
    )
    assert found is not None
    assert "Busse" in found.reason
    assert "Nahverkehr" in found.reason or "Takt" in found.reason


def test_one_tap_takes_a_suggestion_over_as_a_link_with_its_reason_as_note(
    facilitator_client, workshop, walls
):
    found = pair(
        suggestions_for(workshop), "Busse öfter fahren lassen", "dichterer Takt im Nahverkehr"
    )
    url = reverse("workshop:suggestion-accept", args=[workshop.pk])
    response = facilitator_client.post(url, {"suggestion": found.key})
    assert response.status_code == 302
    link = Link.objects.get(workshop=workshop)
    assert link.note == found.reason
    assert link.kind == found.kind
    # Linked now: not suggested again; the phones see the link.
    assert (
        pair(suggestions_for(workshop), "Busse öfter fahren lassen", "dichterer Takt im Nahverkehr")
        is None
    )
    assert len(synergies_for(workshop, Audience.PARTICIPANTS).links) == 1


def test_a_dismissed_suggestion_does_not_come_back(facilitator_client, workshop, walls):
    found = suggestions_for(workshop)[0]
    url = reverse("workshop:suggestion-dismiss", args=[workshop.pk])
    facilitator_client.post(url, {"suggestion": found.key})
    facilitator_client.post(url, {"suggestion": found.key})  # a second tap changes nothing
    assert DismissedSuggestion.objects.filter(workshop=workshop).count() == 1
    assert found.key not in [s.key for s in suggestions_for(workshop)]
    assert not Link.objects.exists()


def test_nothing_is_linked_without_the_facilitators(workshop, walls):
    assert suggestions_for(workshop)
    assert not synergies_for(workshop, Audience.PARTICIPANTS).links
    assert not synergies_for(workshop, Audience.PROJECTOR).links


def test_a_hidden_card_is_never_part_of_a_suggestion(workshop, board_a, board_b, joined_client):
    add(board_a, "Busse öfter fahren lassen")
    board_configure(board=board_b, mode=Board.Mode.HIDDEN)
    _phone, lou = joined_client(board_b.group, "Lou")
    add(board_b, "dichterer Takt im Nahverkehr", participant=lou)
    assert suggestions_for(workshop) == []


def test_odd_or_stale_suggestions_are_refused_with_a_message(facilitator_client, workshop, walls):
    url = reverse("workshop:suggestion-accept", args=[workshop.pk])
    for key in ("", "card-1", "card-0:card-1", "x" * 500, "card-99999:card-99998"):
        response = facilitator_client.post(url, {"suggestion": key}, headers={"HX-Request": "true"})
        assert response.status_code == 422, key
        assert (
            "suggestion" in response.content.decode().lower()
            or "Vorschlag" in response.content.decode()
        )
    assert not Link.objects.exists()


def test_participants_cannot_accept_or_dismiss(workshop, walls, joined_client):
    phone, _kim = joined_client(walls[0].group)
    found = suggestions_for(workshop)[0]
    for name in ("workshop:suggestion-accept", "workshop:suggestion-dismiss"):
        response = phone.post(reverse(name, args=[workshop.pk]), {"suggestion": found.key})
        assert response.status_code in (302, 404)
    assert not Link.objects.exists()
    assert not DismissedSuggestion.objects.exists()


# ---- How it reads German


def test_gender_forms_join_their_stem():
    assert words("Bürger:innen und Bürger*innen, BürgerInnen") == [
        "Bürger",
        "und",
        "Bürger",
        "Bürger",
    ]


def test_compounds_split_into_known_words():
    vocabulary = vocabulary_of(["Lieferung in die Innenstadt", "Innenstadtlieferung"])
    assert split_compound(stem("Innenstadtlieferung"), vocabulary)[-2:] == [
        stem("Innenstadt"),
        stem("Lieferung"),
    ]


def test_abbreviations_and_umlauts():
    items = [
        Item("card", 1, "A", "ÖPNV-Ausbau"),
        Item("card", 2, "B", "Nahverkehr stärken"),
        Item("card", 3, "B", "Straße für Fußgänger"),
        Item("card", 4, "A", "Strasse fuer Fussgaenger"),
    ]
    keys = [s.key for s in suggest(items)]
    assert "card-1:card-2" in keys
