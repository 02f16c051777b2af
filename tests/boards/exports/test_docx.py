"""The summary as a Word document, read back with python-docx."""

from __future__ import annotations

import io
import uuid
import zipfile
from xml.etree import ElementTree

import docx
from docx.oxml.ns import qn

from boards import services
from boards.exports import Options, export
from boards.exports.summary_docx import clean
from boards.models import Card, Cluster
from tests.boards.exports.conftest import EMOJI, PAYLOADS, RIGHT_TO_LEFT, UMLAUTS
from tests.boards.exports.test_html import flat, plant_payloads


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def styled(doc: docx.document.Document, *names: str) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name in names]


def test_the_seed_summary_has_title_headings_lists_and_tables(seed_workshop):
    data = export(seed_workshop, "docx", Options(language="en"))
    doc = read(data)
    assert doc.core_properties.title == seed_workshop.title
    assert doc.core_properties.language == "en"
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == seed_workshop.title
    assert doc.paragraphs[1].style.name == "Subtitle"
    assert "Andrea Schermann" in doc.paragraphs[2].text

    headings = styled(doc, "Heading 1", "Heading 2")
    assert headings[:2] == [("Heading 1", "Introduction"), ("Heading 1", "Agenda")]
    assert headings.index(("Heading 1", "Group “Mobilität”")) < headings.index(
        ("Heading 1", "Group “Einzelhandel”")
    )
    assert ("Heading 2", "Clusters by dots") in headings
    assert ("Heading 2", "Next steps") in headings

    items = styled(doc, "List Bullet", "List Bullet 2")
    mobility = items.index(("List Bullet", "Modernisierter ÖPNV (7 dots)"))
    assert items[mobility + 1 : mobility + 4] == [
        ("List Bullet 2", "ÖPNV modernisieren: Echtzeit-Auskunft an jeder Haltestelle (3 dots)"),
        ("List Bullet 2", "Takt in den Außenbezirken verdichten (2 dots)"),
        ("List Bullet 2", "Busse öfter fahren lassen, auch am Abend (2 dots)"),
    ]
    assert items[mobility + 4] == ("List Bullet", "Vernetzte Mobilität (4 dots)")
    assert ("List Bullet", "Wirtschaft und Verwaltung müssen zusammenarbeiten") in items

    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    links = next(t for t in tables if t[0] == ["Kind", "From", "To", "Note"])
    assert links[1][1:] == [
        "Modernisierter ÖPNV (Mobilität)",
        "Erreichbare Innenstadt (Einzelhandel)",
        "Eine erreichbare, belebte Innenstadt trägt ÖPNV und Handel",
    ]
    steps = next(t for t in tables if t[0][0] == "What")
    assert [row[2] for row in steps[1:] if row[1] == "Wirtschaftsförderung"] == [
        "Wirtschaft, Verwaltung, Verkehrsbetriebe"
    ]
    for table in doc.tables:
        assert table.style.name == "Table Grid"
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert "Alex, Cem, Dana, Fritzi" in "\n".join(p.text for p in doc.paragraphs)


def test_the_document_language_is_the_default_of_its_text(seed_workshop):
    doc = read(export(seed_workshop, "docx"))
    assert doc.core_properties.language == "de"
    lang = doc.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:val")) == "de-DE"


def test_payloads_and_control_characters_come_out_as_plain_text(seed_workshop):
    plant_payloads(seed_workshop)
    cluster = Cluster.objects.filter(board__workshop=seed_workshop).last()
    card, _created = services.card_create(
        board=cluster.board,
        text="Steuerzeichen",
        client_uuid=uuid.uuid4(),
        user=seed_workshop.facilitators.first(),
        cluster=cluster,
    )
    Card.objects.filter(pk=card.pk).update(
        text="Bell\x07 and\x01 form\x0cfeed \ufffe end"
    )  # no NUL: PostgreSQL stores none
    data = export(seed_workshop, "docx")
    doc = read(data)

    texts = [p.text for p in doc.paragraphs]
    closing = texts.index(PAYLOADS[5])
    assert doc.paragraphs[closing].style.name == "Heading 1"
    assert texts[closing + 1 : closing + 1 + len(PAYLOADS)] == [flat(p) for p in PAYLOADS]
    bullets = [t for s, t in styled(doc, "List Bullet", "List Bullet 2")]
    for payload in PAYLOADS:
        assert any(flat(payload) in text for text in bullets), payload
    assert any(t.startswith("Bell and form feed  end") for t in bullets), bullets
    # Every part is well-formed XML (what Word and LibreOffice insist on).
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(package.read(name))  # noqa: S314 (our own file)
        body = package.read("word/document.xml").decode()
    assert "<script>" not in body
    assert "&lt;script&gt;" in body


def test_umlauts_emoji_and_right_to_left_text_come_out_unchanged(seed_workshop):
    plant_payloads(seed_workshop)
    with zipfile.ZipFile(io.BytesIO(export(seed_workshop, "docx"))) as package:
        body = ElementTree.fromstring(package.read("word/document.xml"))  # noqa: S314
    # Each paragraph's text as Word reads it: its runs' w:t elements, in order.
    paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in body.iter(qn("w:p"))]
    for text in (UMLAUTS, EMOJI, RIGHT_TO_LEFT):
        assert text in paragraphs, text  # the closing section's paragraph
        assert f"{text} (2 Punkte)" in paragraphs or f"{text} (1 Punkt)" in paragraphs, text


def test_clean_keeps_tabs_newlines_umlauts_and_emoji_and_drops_what_xml_forbids():
    assert clean("a\tb\nc\x00\x01\x1f\x7f Grüße 👩🏽‍💻 \ud800\uffff") == "a\tb\nc\x7f Grüße 👩🏽‍💻 "
