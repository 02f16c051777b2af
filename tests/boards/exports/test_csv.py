"""The CSV of all cards: what participants may see, safe in a spreadsheet, read back with csv."""

from __future__ import annotations

import csv
import io
import uuid

import pytest

from boards import seed, services
from boards.exports import ExportError, Options, export
from boards.exports.cards_csv import FORMULA_STARTS, safe_cell
from boards.models import Board, Card
from tests.boards.exports.conftest import EMOJI, PAYLOADS, RIGHT_TO_LEFT, UMLAUTS
from tests.factories import BreakoutGroupFactory
from workshop.models import Participant

BOM = "\ufeff".encode()
SECRET = "Geheimtipp von Lou: Seilbahn zum Bahnhof"
TAKEN_DOWN = "Von der Moderation abgehängt: Beleidigung"
NAMED, UNNAMED = "Kim Offen", "Lou Verborgen"


def build_payload_workshop(workshop, facilitator):
    """A wall full of payloads (a group and a cluster named like formulas), a card by Kim (who
    agreed to be named), one by Lou (who did not), one the facilitators hid, and Lou's card
    written in hidden mode, never revealed."""
    group = BreakoutGroupFactory(workshop=workshop, name="@Verwaltung", question="=1+1")
    board = group.board
    for text in PAYLOADS:
        services.card_create(board=board, text=text, client_uuid=uuid.uuid4(), user=facilitator)
    cluster = services.cluster_create(board=board, title="-Kosten senken", user=facilitator)
    services.card_create(
        board=board, text="Im Cluster", client_uuid=uuid.uuid4(), user=facilitator, cluster=cluster
    )
    kim = Participant.objects.create(
        workshop=workshop, group=group, display_name=NAMED, named_in_summary=True
    )
    lou = Participant.objects.create(workshop=workshop, group=group, display_name=UNNAMED)
    services.card_create(board=board, text="Kims Karte", client_uuid=uuid.uuid4(), participant=kim)
    services.card_create(board=board, text="Lous Karte", client_uuid=uuid.uuid4(), participant=lou)
    rude, _created = services.card_create(
        board=board, text=TAKEN_DOWN, client_uuid=uuid.uuid4(), participant=lou
    )
    services.card_hide(card=rude, hidden=True, user=facilitator)
    services.board_configure(board=board, mode=Board.Mode.HIDDEN)
    secret, _created = services.card_create(
        board=board, text=SECRET, client_uuid=uuid.uuid4(), participant=lou
    )
    assert secret.state == Card.State.SECRET
    return workshop


@pytest.fixture
def payload_workshop(workshop, facilitator):
    return build_payload_workshop(workshop, facilitator)


def rows(workshop, **options) -> list[list[str]]:
    data = export(workshop, "csv", Options(**options))
    assert data.startswith(BOM)
    text = data[len(BOM) :].decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # a line break inside a text stays quoted
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_the_header_is_in_the_chosen_language(seed_workshop):
    header = rows(seed_workshop, language="en")[0]
    assert header == ["Group", "Cluster", "Kind", "Colour", "Text", "Dots", "Time", "Author"]
    german = rows(seed_workshop, language="de")
    assert german[0][0] == "Gruppe"
    assert german[1][2:4] == ["Karte", "Gelb"]


def test_the_seed_lists_every_card_by_group_and_cluster_ranked_by_dots(seed_workshop):
    body = rows(seed_workshop, language="en")[1:]
    clusters = list(dict.fromkeys((r[0], r[1]) for r in body))
    assert clusters == [
        ("Mobilität", "Modernisierter ÖPNV"),
        ("Mobilität", "Vernetzte Mobilität"),
        ("Mobilität", "Offene Daten"),
        ("Einzelhandel", "Erreichbare Innenstadt"),
        ("Einzelhandel", "Beratung und Erlebnis"),
        ("Einzelhandel", "Digitale Sichtbarkeit"),
    ]
    for group, title in clusters:
        dots = [int(r[5]) for r in body if (r[0], r[1]) == (group, title)]
        assert sum(dots) == seed.DOTS[title]
        assert dots == sorted(dots, reverse=True)
    texts = {r[4] for r in body}
    for cards in seed.CLUSTERS["Mobilität"].values():
        assert {text for _name, text in cards} <= texts
    assert all(r[6][:4].isdigit() and len(r[6]) == 16 for r in body)  # 2019-10-30 14:05


def test_only_participants_who_agreed_are_named_as_authors(seed_workshop):
    body = rows(seed_workshop)[1:]
    authors = {r[7] for r in body} - {""}
    named = {p.name for p in seed.PEOPLE if p.named}
    assert authors
    assert authors <= named
    by_text = {r[4]: r[7] for r in body}
    assert by_text["Park-and-Ride am Stadtrand ausbauen"] == "Cem"
    assert by_text["Kostenlos parken am Samstag"] == ""  # Bo did not agree
    data = export(seed_workshop, "csv").decode()
    assert "Emil" not in data
    assert ";Bo" not in data


def test_payloads_come_out_as_plain_text_and_formulas_are_defused(payload_workshop):
    body = rows(payload_workshop)[1:]
    cells = [cell for row in body for cell in row]
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells)
    texts = [r[4] for r in body]
    for card in Card.objects.filter(board__workshop=payload_workshop).on_wall():
        expected = "'" + card.text if card.text[0] in "=+-@" else card.text
        assert expected in texts
    assert '\'=HYPERLINK("http://127.0.0.1:9/";"klick")' in texts
    assert "'+SUM(1;2) -3 @A1" in texts
    for text in (UMLAUTS, EMOJI, RIGHT_TO_LEFT):
        assert text in texts, text  # unchanged, code point for code point
    assert {r[0] for r in body} == {"'@Verwaltung"}
    assert body[0][:2] == ["'@Verwaltung", "'-Kosten senken"]


def test_hidden_cards_and_people_who_did_not_agree_are_in_no_row(payload_workshop):
    data = export(payload_workshop, "csv").decode()
    assert SECRET not in data
    assert TAKEN_DOWN not in data
    assert UNNAMED not in data
    by_text = {r[4]: r[7] for r in rows(payload_workshop)[1:]}
    assert by_text["Kims Karte"] == NAMED
    assert by_text["Lous Karte"] == ""


def test_a_cell_starting_with_a_tab_or_carriage_return_is_prefixed():
    assert safe_cell("\tx") == "'\tx"
    assert safe_cell("\rx") == "'\rx"
    assert safe_cell("-3") == "'-3"
    assert safe_cell("a=b") == "a=b"


def test_one_wall_only_and_an_unknown_wall_is_refused(seed_workshop):
    board = seed_workshop.boards.get(group__name="Einzelhandel")
    body = rows(seed_workshop, board_id=board.pk)[1:]
    assert body
    assert {r[0] for r in body} == {"Einzelhandel"}
    with pytest.raises(ExportError):
        export(seed_workshop, "csv", Options(board_id=10**9))
