"""The JSON of the whole workshop: valid against its schema, as participants may see it,
imported again into the same document; refused files store nothing; use as template."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from boards import seed
from boards.exports import export
from boards.models import Actor, Board, Card, Cluster, Conclusion, Link, Vote, VotingRound
from boards.permissions import Refused
from boards.services import transfer
from boards.services.transfer import import_workshop, workshop_from_template
from tests.boards.exports.conftest import EMOJI, RIGHT_TO_LEFT, UMLAUTS
from tests.boards.exports.test_csv import (
    NAMED,
    SECRET,
    TAKEN_DOWN,
    UNNAMED,
    build_payload_workshop,
)
from tests.factories import UserFactory
from workshop.models import BreakoutGroup, Participant, Phase, Workshop

SCHEMA = json.loads((Path(settings.BASE_DIR) / "docs" / "export-schema-v1.json").read_text())
VARYING = {"exported_at", "created_at", "join_code", "started_at", "ended_at", "closed_at"}
MODELS = (Workshop, BreakoutGroup, Board, Participant, Phase, Card, Cluster, VotingRound, Vote)
MODELS += (Link, Actor, Conclusion)


@pytest.fixture
def payload_workshop(workshop, facilitator):
    return build_payload_workshop(workshop, facilitator)


def document(workshop) -> dict:
    doc = json.loads(export(workshop, "json"))
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    return doc


def steady(value):
    """The document without what an import cannot keep: times and the join code."""
    if isinstance(value, dict):
        return {k: steady(v) for k, v in value.items() if k not in VARYING}
    if isinstance(value, list):
        return [steady(v) for v in value]
    return value


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def all_cards(doc: dict) -> list[dict]:
    return [
        card
        for board in doc["boards"]
        for card in [c for cluster in board["clusters"] for c in cluster["cards"]] + board["cards"]
    ]


def test_the_schema_itself_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_the_seed_workshop_is_exported_with_its_groups_clusters_dots_links_and_conclusions(
    seed_workshop,
):
    doc = document(seed_workshop)
    assert (doc["schema"], doc["version"]) == ("stellwand-workshop", 1)
    assert doc["workshop"]["title"] == seed_workshop.title
    assert [g["name"] for g in doc["groups"]] == ["Mobilität", "Einzelhandel"]
    assert [g["participants"] for g in doc["groups"]] == [3, 3]
    assert len(doc["agenda"]["phases"]) == seed_workshop.phases.count()
    walls = {b["group"]: b for b in doc["boards"]}
    assert set(walls) == {"Mobilität", "Einzelhandel", None}
    mobility = walls["Mobilität"]
    assert [c["title"] for c in mobility["clusters"]] == list(seed.CLUSTERS["Mobilität"])
    for cluster in mobility["clusters"] + walls["Einzelhandel"]["clusters"]:
        assert cluster["dots"] == seed.DOTS[cluster["title"]]
        expected = [text for _name, text in seed.CLUSTERS[_group(cluster)][cluster["title"]]]
        assert sorted(c["text"] for c in cluster["cards"]) == sorted(expected)
    assert mobility["voting"]["open"] is False
    assert [link["note"] for link in doc["links"]] == [note for *_ends, note in seed.LINKS]
    assert set(seed.ACTORS) <= set(doc["actors"])
    assert [c["text"] for c in doc["conclusions"]] == [c[1] for c in seed.CONCLUSIONS]
    assert doc["conclusions"][1]["actors"] == ["Wirtschaft", "Verwaltung", "Verkehrsbetriebe"]
    assert doc["conclusions"][1]["due"] == "2019-12-15"
    assert doc["participants"]["count"] == len(seed.PEOPLE)
    assert [p["name"] for p in doc["participants"]["named"]] == [
        p.name for p in seed.PEOPLE if p.named
    ]


def _group(cluster: dict) -> str:
    return next(g for g, clusters in seed.CLUSTERS.items() if cluster["title"] in clusters)


def test_people_are_only_counted_and_named_where_they_agreed(seed_workshop):
    data = export(seed_workshop, "json").decode()
    assert "Emil" not in data
    assert '"Bo"' not in data
    authors = {card["author"] for card in all_cards(json.loads(data))} - {None}
    assert authors
    assert authors <= {p.name for p in seed.PEOPLE if p.named}


def test_payloads_are_plain_strings_and_hidden_cards_and_unnamed_people_are_left_out(
    payload_workshop,
):
    data = export(payload_workshop, "json")
    doc = document(payload_workshop)
    texts = [card["text"] for card in all_cards(doc)]
    stored = Card.objects.filter(board__workshop=payload_workshop).on_wall()
    assert sorted(texts) == sorted(card.text for card in stored)
    assert "<script>alert('x')</script>" in texts
    assert '=HYPERLINK("http://127.0.0.1:9/";"klick")' in texts
    for text in (UMLAUTS, EMOJI, RIGHT_TO_LEFT):
        assert text in texts, text  # unchanged, code point for code point
        assert text.encode() in data, text  # and not \u-escaped
    assert SECRET.encode() not in data
    assert TAKEN_DOWN.encode() not in data
    assert UNNAMED.encode() not in data
    assert doc["participants"] == {
        "count": 2,
        "named": [{"name": NAMED, "group": "@Verwaltung"}],
    }
    assert {c["text"]: c["author"] for c in all_cards(doc)}["Kims Karte"] == NAMED


def test_export_import_export_gives_the_same_document(seed_workshop, seed_user):
    first = document(seed_workshop)
    copy = import_workshop(export(seed_workshop, "json"), user=seed_user)
    assert copy.pk != seed_workshop.pk
    assert copy.join_code != seed_workshop.join_code
    assert copy.facilitators.get() == seed_user
    again = document(copy)
    assert steady(again) == steady(first)
    # The agenda's times as it ran come along.
    assert again["agenda"]["phases"][0]["started_at"] == first["agenda"]["phases"][0]["started_at"]
    # The copy shows the same dots to its participants, not only in the file.
    assert export(copy, "md").decode().count("Erreichbare Innenstadt (6") == 1


def test_the_payload_workshop_survives_the_round_trip(payload_workshop, facilitator):
    first = document(payload_workshop)
    copy = import_workshop(json.loads(export(payload_workshop, "json")), user=facilitator)
    assert steady(document(copy)) == steady(first)
    assert not Card.objects.filter(board__workshop=copy, text=SECRET).exists()


def test_imported_texts_are_cleaned_like_typed_ones(seed_workshop, seed_user):
    doc = json.loads(export(seed_workshop, "json"))
    doc["boards"][0]["clusters"][0]["cards"][0]["text"] = "Nul\x00l und \u202eumgedreht"
    doc["groups"][0]["question"] = "  Wie weiter?\n"
    copy = import_workshop(doc, user=seed_user)
    assert Card.objects.filter(board__workshop=copy, text="Null und umgedreht").exists()
    assert copy.groups.first().question == "Wie weiter?"
    doc["boards"][0]["clusters"][0]["cards"][0]["text"] = "\u200b\u200b"
    assert "boards/0/clusters/0/cards/0/text" in _refused(doc, seed_user)


def _refused(data, user) -> str:
    before = counts()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        import_workshop(data, user=user)
    assert counts() == before
    return " ".join(caught.value.messages)


def test_broken_json_is_refused_and_stores_nothing(seed_workshop, seed_user):
    data = export(seed_workshop, "json")
    assert "not a readable JSON file" in _refused(data[: len(data) // 2], seed_user)
    assert "not a readable JSON file" in _refused(b"\xff\xfe\x00", seed_user)
    assert "not a readable JSON file" in _refused(b"[" * 100_000, seed_user)


def test_a_file_from_a_newer_version_or_another_schema_is_refused(seed_workshop, seed_user):
    doc = json.loads(export(seed_workshop, "json"))
    newer = doc | {"version": 2}
    assert "newer version of Stellwand (format version 2)" in _refused(newer, seed_user)
    other = doc | {"schema": "someone-elses-board"}
    assert "not a Stellwand workshop export" in _refused(other, seed_user)
    assert "not a Stellwand workshop export" in _refused(b"[1, 2]", seed_user)


def test_an_invalid_document_is_refused_with_where_and_stores_nothing(seed_workshop, seed_user):
    doc = json.loads(export(seed_workshop, "json"))
    wrong = json.loads(json.dumps(doc))
    wrong["boards"][0]["clusters"][0]["cards"][0]["text"] = 42
    assert "boards/0/clusters/0/cards/0/text" in _refused(wrong, seed_user)
    dangling = json.loads(json.dumps(doc))
    dangling["links"][0]["to"] = "card-999"
    assert "a link joins something that is not in the file" in _refused(dangling, seed_user)
    twice = json.loads(json.dumps(doc))
    twice["groups"][1]["name"] = "MOBILITÄT"
    twice["boards"][1]["group"] = "MOBILITÄT"
    assert "two groups have the same name" in _refused(twice, seed_user)
    greedy = json.loads(json.dumps(doc))
    card = greedy["boards"][0]["clusters"][0]["cards"][0]
    greedy["boards"][0]["cards"] = [
        card | {"id": f"card-{n}", "dots": 10_000} for n in range(90, 101)
    ]
    assert "more dots than a workshop can have" in _refused(greedy, seed_user)
    unseen = json.loads(json.dumps(doc))
    unseen["boards"][0]["voting"] = None
    assert "dots without a voting round" in _refused(unseen, seed_user)
    bad_date = json.loads(json.dumps(doc))
    bad_date["conclusions"][0]["due"] = "2019-02-30"
    assert "conclusions/0/due" in _refused(bad_date, seed_user)


def test_a_failure_while_writing_leaves_nothing_behind(seed_workshop, seed_user, monkeypatch):
    def broken(thing):
        raise IntegrityError("the disk is full")

    monkeypatch.setattr(transfer, "_end", broken)  # after the groups, walls and cards
    before = counts()
    with pytest.raises(IntegrityError):
        import_workshop(export(seed_workshop, "json"), user=seed_user)
    assert counts() == before


def test_use_as_template_copies_agenda_groups_and_settings_without_cards_or_people(
    seed_workshop, seed_user
):
    seed_workshop.assignment = "random"
    seed_workshop.save()
    new = workshop_from_template(seed_workshop, user=seed_user)
    assert new.join_code != seed_workshop.join_code
    assert list(new.facilitators.all()) == [seed_user]
    assert new.assignment == "random"
    assert [(g.name, g.question) for g in new.groups.all()] == [
        (g.name, g.question) for g in seed_workshop.groups.all()
    ]
    fields = ("title", "instruction", "view", "allows", "board_mode", "reveal", "planned_minutes")
    assert list(new.phases.values_list(*fields)) == list(seed_workshop.phases.values_list(*fields))
    assert not new.phases.exclude(started_at=None).exists()
    assert new.current_phase is None
    assert list(new.actors.values_list("name", flat=True)) == list(
        seed_workshop.actors.values_list("name", flat=True)
    )
    assert new.boards.count() == 3
    assert not Card.objects.filter(board__workshop=new).exists()
    assert not Cluster.objects.filter(board__workshop=new).exists()
    assert not new.participants.exists()
    assert not new.links.exists()
    assert not new.conclusions.exists()


def test_only_a_facilitator_of_the_workshop_may_use_it_as_a_template(seed_workshop):
    before = counts()
    with pytest.raises(Refused):
        workshop_from_template(seed_workshop, user=UserFactory(username="fremd"))
    assert counts() == before
