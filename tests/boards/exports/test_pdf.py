"""The summary as a tagged PDF, and the one renderer every PDF goes through: it reaches nothing
but the app's own stylesheet."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdf
import pytest

from boards.exports import export
from boards.exports.pdf import BASE_URL, STATIC_DIR, RefusedFetch, StaticFetcher, html_to_pdf
from boards.models import Card
from tests.boards.exports.conftest import EMOJI, PAYLOADS, RIGHT_TO_LEFT, UMLAUTS
from tests.boards.exports.test_html import plant_payloads


def squeezed(text: str) -> str:
    """Text without whitespace: where the PDF broke a line does not matter."""
    return "".join(text.split())


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def font_names(pdf: bytes) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A local web server that records every request it gets."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", seen
    server.shutdown()
    server.server_close()


def test_the_seed_summary_is_a_tagged_pdf_with_title_language_and_its_results(seed_workshop):
    pdf = export(seed_workshop, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "de"
    assert reader.metadata.title == seed_workshop.title

    text = squeezed(pdf_text(pdf))
    order = [
        "Mobilität",
        "ModernisierterÖPNV(7",
        "ÖPNVmodernisieren:Echtzeit-AuskunftanjederHaltestelle(3",
        "VernetzteMobilität(4",
        "Einzelhandel",
        "ErreichbareInnenstadt(6",
        "BeratungundErlebnis(5",
        "Eineerreichbare,belebteInnenstadtträgtÖPNVundHandel",
        "WirtschaftundVerwaltungmüssenzusammenarbeiten",
        "Wirtschaft,Verwaltung,Verkehrsbetriebe",
        "Alex,Cem,Dana,Fritzi",
    ]
    places = [text.index(expected) for expected in order]
    assert places == sorted(places)
    assert "DejaVu-Sans" in font_names(pdf)


def test_payloads_come_out_as_text_with_real_glyphs_and_nothing_is_fetched(seed_workshop, listener):
    address, seen = listener
    plant_payloads(seed_workshop)
    card = Card.objects.filter(board__workshop=seed_workshop).order_by("-pk").first()
    Card.objects.filter(pk=card.pk).update(
        text=f"<img src={address}/card.png> <style>@import url({address}/x.css)</style>"
        f" background: url({address}/bg.png)"
    )
    pdf = export(seed_workshop, "pdf")

    text = squeezed(pdf_text(pdf))
    for payload in PAYLOADS:
        assert squeezed(payload) in text, payload
    assert {"DejaVu-Sans", "Noto-Color-Emoji"} <= font_names(pdf)
    assert seen == []


def test_umlauts_emoji_and_right_to_left_text_come_out_unchanged(seed_workshop):
    plant_payloads(seed_workshop)
    lines = pdf_text(export(seed_workshop, "pdf")).splitlines()
    # The closing section has each as a paragraph of its own, extracted code point for code
    # point (in a card's line the bidi algorithm moves the "(2 Punkte)" around it).
    for text in (UMLAUTS, EMOJI, RIGHT_TO_LEFT):
        assert text in lines, text


def test_without_emoji_no_emoji_font_is_embedded():
    pdf = html_to_pdf('<html lang="de"><title>T</title><p>Grüße</p>')
    assert "Noto-Color-Emoji" not in font_names(pdf)
    assert "Grüße" in pdf_text(pdf)


def test_renders_in_several_threads_at_once_each_get_their_own_pdf():
    pages = [f'<html lang="de"><title>Seite {n}</title><p>Text {n} äöü' for n in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(pool.map(html_to_pdf, pages))
    for n, pdf in enumerate(pdfs):
        assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == f"Seite {n}"
        assert f"Text {n} äöü" in pdf_text(pdf)


def test_the_fetcher_serves_the_print_stylesheet_from_disk():
    response = StaticFetcher().fetch(BASE_URL + "css/print.css")
    assert response.read() == (STATIC_DIR / "css/print.css").read_bytes()
    assert response.content_type == "text/css"
    # A page that links it (relative to the base) renders with it: DejaVu Sans, not Serif.
    pdf = html_to_pdf('<html lang="en"><link rel="stylesheet" href="css/print.css"><p>Hello')
    assert font_names(pdf) == {"DejaVu-Sans"}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/leak.png",
        "https://stellwand.invalid/static/css/stellwand.css",
        "https://stellwand.invalid/static/css/print.css?x=1",
        "https://stellwand.invalid/static/../workshop/settings.py",
        "file:///etc/passwd",
        f"file://{STATIC_DIR}/css/print.css",
        "data:text/css,p{color:red}",
    ],
)
def test_the_fetcher_refuses_anything_else_and_logs_no_url(url, caplog):
    with caplog.at_level(logging.WARNING), pytest.raises(RefusedFetch):
        StaticFetcher().fetch(url)
    assert "not an allowed static file" in caplog.text
    assert url not in caplog.text
    assert "passwd" not in caplog.text
    assert "127.0.0.1" not in caplog.text


def test_a_page_asking_for_anything_else_is_not_rendered_and_the_server_sees_nothing(
    listener,
):
    address, seen = listener
    html = (
        f'<html lang="de"><link rel="stylesheet" href="{address}/a.css">'
        f'<style>p {{ background: url("{address}/b.png") }}</style>'
        f'<p>x</p><img src="{address}/c.png"><img src="file:///etc/passwd">'
    )
    with pytest.raises(RefusedFetch):
        html_to_pdf(html)
    assert seen == []
