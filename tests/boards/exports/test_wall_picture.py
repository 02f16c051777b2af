"""The photo protocol: each wall drawn as it is, its texts as plain text, on an A4 page."""

from __future__ import annotations

import io
import uuid
import xml.etree.ElementTree as ET
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from boards import services
from boards.exports import FORMATS, ExportError, Options, export
from boards.exports.wall_picture import PAPER, PNG_SIZE, file_type, wall_svg
from boards.models import Board, Color
from boards.selectors.plenary import group_boards, plenary_groups
from tests.boards.exports.conftest import PAYLOADS
from tests.factories import BreakoutGroupFactory, CardFactory, ParticipantFactory
from workshop.live import Audience

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED = {"svg", "title", "desc", "g", "rect", "ellipse", "circle", "text", "tspan"}


def parse(svg: bytes | str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  (our own output)


def texts(root: ET.Element) -> list[str]:
    """Every <text> as one line of plain text (its lines joined)."""
    return [" ".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def squeeze(text: str) -> str:
    return "".join(text.split())


def walls(workshop):
    boards, _plenary = group_boards(workshop)
    return plenary_groups(boards, Audience.PARTICIPANTS)


def test_the_seed_walls_show_every_card_cluster_heading_and_dot_count(seed_workshop):
    for wall in walls(seed_workshop):
        svg = export(seed_workshop, "svg", Options(board_id=wall.board.pk)).decode()
        root = parse(svg)
        shown = [squeeze(t) for t in texts(root)]
        everything = "".join(shown)
        assert root.findtext(f"{SVG}title") == wall.name
        assert wall.question in root.findtext(f"{SVG}desc")
        assert squeeze(wall.name) in shown
        assert squeeze(wall.question) in everything
        counts = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "dots"]
        for ranked in wall.clusters:
            assert squeeze(ranked.cluster.title) in shown
            assert ranked.dots
            assert str(ranked.dots) in counts
            for card, dots in ranked.cards:
                assert squeeze(card.text) in shown
                if dots:
                    assert str(dots) in counts
        # As many dot counts as things with dots, one filled circle per dot (up to five).
        dotted = [r.dots for r in wall.clusters] + [n for r in wall.clusters for _c, n in r.cards]
        assert sorted(counts) == sorted(str(n) for n in dotted if n)


def test_the_modernised_public_transport_cluster_has_its_seven_dots(seed_workshop):
    wall = next(w for w in walls(seed_workshop) if w.name == "Mobilität")
    root = parse(wall_svg(wall, language="de"))
    label = next(g for g in root.iter(f"{SVG}g") if g.get("aria-label") == "7 Punkte")
    assert len(label.findall(f"{SVG}circle")) == 5
    assert label.find(f"{SVG}text").text == "7"


@pytest.fixture
def payload_wall(group_a):
    for text in PAYLOADS:
        CardFactory(board=group_a.board, text=text)
    return group_a


def test_payloads_come_out_as_plain_text_without_markup_or_references(payload_wall):
    svg = export(payload_wall.workshop, "svg", Options(board_id=payload_wall.board.pk)).decode()
    root = parse(svg)
    shown = [squeeze(t) for t in texts(root)]
    for payload in PAYLOADS:
        assert squeeze(payload) in shown
    for element in root.iter():
        assert element.tag.startswith(SVG)
        assert element.tag.removeprefix(SVG) in ALLOWED
        assert not any("href" in name or name.startswith("on") for name in element.attrib)
    assert "<script" not in svg
    assert "<img" not in svg
    assert "http://127.0.0.1" not in "".join(e.get("href", "") for e in root.iter())


def test_the_png_is_a4_at_150_dpi_and_shows_the_cards_colours(seed_workshop):
    wall = walls(seed_workshop)[0]
    png = export(seed_workshop, "png", Options(board_id=wall.board.pk))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == PNG_SIZE
    colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 10
    present = {rgb for _n, rgb in colours}
    assert (0xFF, 0xF3, 0xB0) in present  # yellow paper
    assert (0xB3, 0x26, 0x1E) in present  # the dots


@pytest.mark.parametrize(("key", "magic"), [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_without_a_wall_the_zip_holds_one_file_per_group(seed_workshop, key, magic):
    made = export(seed_workshop, key)
    assert file_type(FORMATS[key], Options()) == ("zip", "application/zip")
    archive = zipfile.ZipFile(io.BytesIO(made))
    names = sorted(archive.namelist())
    assert names == [f"einzelhandel.{key}", f"mobilitat.{key}"]
    for name in names:
        assert archive.read(name).startswith(magic)


def test_groups_of_the_same_name_get_files_of_their_own(workshop):
    BreakoutGroupFactory(workshop=workshop, name="Gruppe 1")
    BreakoutGroupFactory(workshop=workshop, name="Gruppe-1")
    BreakoutGroupFactory(workshop=workshop, name="⭐")
    archive = zipfile.ZipFile(io.BytesIO(export(workshop, "svg")))
    names = sorted(archive.namelist())
    assert names[:2] == ["gruppe-1-2.svg", "gruppe-1.svg"]
    assert names[2].startswith("wall-")


@pytest.mark.parametrize("key", ["svg", "png"])
def test_a_wall_of_another_workshop_is_refused(seed_workshop, group_a, key):
    with pytest.raises(ExportError) as refused:
        export(seed_workshop, key, Options(board_id=group_a.board.pk, language="en"))
    assert refused.value.message == "This wall is not part of this workshop."


def test_a_hidden_card_never_revealed_is_not_in_the_picture(group_a):
    board = group_a.board
    services.board_configure(board=board, mode=Board.Mode.HIDDEN)
    author = ParticipantFactory(group=group_a)
    services.card_create(
        board=board, text="Geheimtipp: Seilbahn", client_uuid=uuid.uuid4(), participant=author
    )
    services.board_configure(board=board, mode=Board.Mode.OPEN)
    CardFactory(board=board, text="Offen für alle")
    svg = export(group_a.workshop, "svg", Options(board_id=board.pk)).decode()
    assert "Offen für alle" in svg
    assert "Seilbahn" not in svg


def test_a_wall_of_150_cards_fits_the_page_with_text_of_at_least_7_pt(group_a):
    board = group_a.board
    cards = [
        CardFactory(board=board, text=f"Idee {n}: Radwege sicher und breit ausbauen")
        for n in range(150)
    ]
    user = board.workshop.facilitators.first()
    for n in range(6):
        services.cluster_create(board=board, title=f"Thema {n}", user=user, cards=cards[n:120:6])
    root = parse(export(group_a.workshop, "svg", Options(board_id=board.pk)))
    shown = texts(root)
    for n in range(150):
        assert any(t.startswith(f"Idee {n}:") for t in shown)
    for element in root.iter():
        if element.get("font-size"):
            assert float(element.get("font-size")) >= 2.45  # mm: 7 pt
        for name, limit in (("x", 297), ("y", 210)):
            if element.get(name):
                assert 0 <= float(element.get(name)) <= limit


def test_cards_keep_their_colour_and_an_oval_is_drawn_as_one(group_a):
    board = group_a.board
    user = board.workshop.facilitators.first()
    for color in Color.values:
        services.card_create(
            board=board, text=f"Karte {color}", client_uuid=uuid.uuid4(), user=user, color=color
        )
    services.card_create(
        board=board, text="Hervorgehoben", client_uuid=uuid.uuid4(), user=user, kind="oval"
    )
    root = parse(export(group_a.workshop, "svg", Options(board_id=board.pk)))
    fills = {
        " ".join(g.itertext()): g.find(f"{SVG}rect").get("fill")
        for g in root.iter(f"{SVG}g")
        if " ".join(g.itertext()).startswith("Karte ")
    }
    assert fills == {f"Karte {color}": PAPER[color] for color in Color.values}
    ovals = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}ellipse") is not None]
    assert [" ".join(g.itertext()) for g in ovals] == ["Hervorgehoben"]
    assert PAPER == {
        "yellow": "#fff3b0",
        "blue": "#d6e9fb",
        "green": "#d7f1d9",
        "pink": "#fddbe7",
        "orange": "#ffdfc0",
        "white": "#ffffff",
    }  # as static/css/stellwand.css has them


def test_walls_drawn_in_several_threads_at_once_come_out_alike(seed_workshop):
    wall = walls(seed_workshop)[0]
    alone = wall_svg(wall, language="de")
    with ThreadPoolExecutor(4) as pool:
        drawn = list(pool.map(lambda lang: wall_svg(wall, language=lang), ["de", "en"] * 4))
    assert drawn[::2] == [alone] * 4
    assert len(set(drawn[1::2])) == 1
    # Each thread in its own language: the description counts "Karten" and "cards".
    assert "Karten" in parse(alone).findtext(f"{SVG}desc")
    assert "cards" in parse(drawn[1]).findtext(f"{SVG}desc")


def test_a_wall_is_drawn_from_the_read_model_alone(seed_workshop, django_assert_num_queries):
    wall = walls(seed_workshop)[0]
    with django_assert_num_queries(0):
        wall_svg(wall, language="de")
