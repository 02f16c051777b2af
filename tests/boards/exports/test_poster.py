"""The join poster and handouts: the code, the short link and its QR code, for an address that
phones can reach, and a clear refusal for one they cannot."""

from __future__ import annotations

import io

import pypdf
import pytest
import tinyhtml5

from boards.exports import ExportError, Options, export
from boards.exports.poster import poster_html
from workshop.links import qr_svg

PUBLIC = "http://192.168.1.5:8000"
A4 = (595, 842)  # points


def pages(pdf: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def size(page: pypdf.PageObject) -> tuple[int, int]:
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def test_the_poster_is_one_a4_page_with_title_code_short_link_and_how_to_join(seed_workshop):
    pdf = export(seed_workshop, "poster", Options(public_url=PUBLIC + "/"))
    [page] = pages(pdf)
    assert size(page) == A4
    text = page.extract_text()
    assert "".join(seed_workshop.title.split()) in "".join(text.split())  # over its lines
    assert "WERK8K" in text
    assert "192.168.1.5:8000/j/WERK8K" in text
    assert "Scan the QR code" in text
    assert "http://" not in text  # the short link, without the scheme
    catalog = pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog


def test_the_qr_code_is_of_the_full_join_link_and_both_languages_are_on_the_sheet(
    seed_workshop,
):
    html = poster_html(seed_workshop, Options(public_url=PUBLIC, language="en"))
    assert qr_svg(f"{PUBLIC}/j/WERK8K/") in html
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    assert root.get("lang") == "en"
    blocks = [div.get("lang") for div in root.iter("div") if div.get("class") == "join-how"]
    assert blocks == ["en", "de"]
    assert not list(root.iter("script"))


def test_handouts_are_four_a6_cards_on_one_a4_sheet(seed_workshop):
    pdf = export(seed_workshop, "poster", Options(public_url=PUBLIC, extra={"size": "handout"}))
    [page] = pages(pdf)
    assert size(page) == A4
    text = page.extract_text()
    assert text.count("192.168.1.5:8000/j/WERK8K") == 4


def test_the_setting_is_the_address_when_the_asker_names_none(seed_workshop, settings):
    settings.STELLWAND_PUBLIC_URL = "https://stellwand.example.org"
    html = poster_html(seed_workshop, Options())
    assert "stellwand.example.org/j/WERK8K" in html
    assert qr_svg("https://stellwand.example.org/j/WERK8K/") in html


@pytest.mark.parametrize(
    "address",
    [
        "http://127.0.0.1:8000",
        "http://127.0.1.1:8000",
        "http://localhost:8000",
        "http://LOCALHOST.",
        "http://stellwand.localhost",
        "http://[::1]:8000",
        "http://0.0.0.0:8000",
    ],
)
def test_a_loopback_address_is_refused_saying_how_to_set_one(seed_workshop, settings, address):
    settings.STELLWAND_PUBLIC_URL = "https://stellwand.example.org"  # the asker's wins
    with pytest.raises(ExportError) as refused:
        export(seed_workshop, "poster", Options(public_url=address))
    assert "STELLWAND_PUBLIC_URL" in refused.value.message
    assert "make run HOST=0.0.0.0" in refused.value.message


@pytest.mark.parametrize("address", ["", "192.168.1.5:8000", "ftp://192.168.1.5/"])
def test_no_usable_address_is_refused_saying_how_to_set_one(seed_workshop, settings, address):
    settings.STELLWAND_PUBLIC_URL = address
    with pytest.raises(ExportError) as refused:
        export(seed_workshop, "poster")
    assert "STELLWAND_PUBLIC_URL" in refused.value.message
    assert "make run HOST=0.0.0.0" in refused.value.message


def test_an_unknown_size_is_refused(seed_workshop):
    with pytest.raises(ExportError):
        export(seed_workshop, "poster", Options(public_url=PUBLIC, extra={"size": "a0"}))
