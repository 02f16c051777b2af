"""The summary as print HTML: a standalone, semantic page whose texts are only ever text."""

from __future__ import annotations

import uuid
from xml.etree.ElementTree import Element

import pytest
import tinyhtml5

from boards import services
from boards.exports import Options, export, markup
from boards.models import Card, Cluster, SummarySection
from boards.selectors.summary import CLOSING, summary_settings
from tests.boards.exports.conftest import EMOJI, PAYLOADS, RIGHT_TO_LEFT, UMLAUTS
from workshop.models import BreakoutGroup, Workshop


def flat(text: str) -> str:
    """A payload as the summary shows it inline: its line breaks are spaces."""
    return " ".join(text.split())


def plant_payloads(workshop: Workshop) -> None:
    """Every payload on a card the summary names, one as a cluster's heading and one as a
    group's name, and all of them in the closing section, heading and paragraphs."""
    cards = Card.objects.filter(board__workshop=workshop, cluster__isnull=False).order_by("pk")
    for card, payload in zip(cards, PAYLOADS, strict=False):
        Card.objects.filter(pk=card.pk).update(text=payload)
    cluster = Cluster.objects.filter(board__workshop=workshop).order_by("pk").first()
    for payload in PAYLOADS[len(cards) :]:  # more payloads than cards: a card for each
        services.card_create(
            board=cluster.board,
            text=payload,
            client_uuid=uuid.uuid4(),
            user=workshop.facilitators.first(),
            cluster=cluster,
        )
    Cluster.objects.filter(pk=cluster.pk).update(title=PAYLOADS[0])
    group = BreakoutGroup.objects.filter(workshop=workshop).order_by("pk").last()
    BreakoutGroup.objects.filter(pk=group.pk).update(name=PAYLOADS[1])
    SummarySection.objects.create(
        summary=summary_settings(workshop),
        key=CLOSING,
        position=99,
        title=PAYLOADS[5],
        body="\n\n".join(markup.escape(p) for p in PAYLOADS),
        edited=True,
    )


def page(workshop: Workshop) -> Element:
    return tinyhtml5.parse(export(workshop, "html").decode(), namespace_html_elements=False)


def text(element: Element) -> str:
    return "".join(element.itertext()).strip()


def test_the_seed_summary_is_a_page_with_its_title_sections_lists_and_tables(seed_workshop):
    root = page(seed_workshop)
    assert root.get("lang") == "de"
    assert text(root.find("head/title")) == seed_workshop.title
    [h1] = root.iter("h1")
    assert text(h1) == seed_workshop.title
    header = [text(p) for p in root.iter("p") if p.get("class") in {"subtitle", "byline"}]
    assert header[0] == seed_workshop.subtitle
    assert "Andrea Schermann" in header[1]
    headings = [text(h) for h in root.iter("h2")]
    mobility = next(i for i, h in enumerate(headings) if "Mobilität" in h)
    retail = next(i for i, h in enumerate(headings) if "Einzelhandel" in h)
    assert mobility < retail
    assert not list(root.iter("script"))

    items = [text(li).split("\n")[0] for li in root.iter("li")]

    def place(prefix: str) -> int:
        return next(n for n, item in enumerate(items) if item.startswith(prefix))

    # Clusters ranked by dots, with their cards nested under them.
    assert place("Modernisierter ÖPNV (7") < place("Vernetzte Mobilität (4")
    assert place("Erreichbare Innenstadt (6") < place("Beratung und Erlebnis (5")
    nested = next(li for li in root.iter("li") if text(li).startswith("Modernisierter ÖPNV"))
    cards = [text(li).split(" (")[0] for li in nested.find("ul")]
    assert cards == [
        "ÖPNV modernisieren: Echtzeit-Auskunft an jeder Haltestelle",
        "Takt in den Außenbezirken verdichten",
        "Busse öfter fahren lassen, auch am Abend",
    ]

    tables = list(root.iter("table"))
    assert all(th.get("scope") == "col" for t in tables for th in t.iter("th"))
    cells = [text(td) for t in tables for td in t.iter("td")]
    assert "Eine erreichbare, belebte Innenstadt trägt ÖPNV und Handel" in cells
    assert "Wirtschaft, Verwaltung, Verkehrsbetriebe" in cells  # the actors of a next step
    assert "Wirtschaft und Verwaltung müssen zusammenarbeiten" in items
    assert "Alex, Cem, Dana, Fritzi" in text(root.find("body"))


def test_payloads_in_cards_names_and_headings_are_plain_text(seed_workshop):
    plant_payloads(seed_workshop)
    html = export(seed_workshop, "html").decode()
    root = tinyhtml5.parse(html, namespace_html_elements=False)

    assert not list(root.iter("script"))
    assert not list(root.find("body").iter("img"))
    assert not list(root.iter("a"))
    closing = root.find(".//section[@id='section-closing']")
    assert text(closing.find("h2")) == PAYLOADS[5]
    assert [text(p) for p in closing.iter("p")] == [flat(p) for p in PAYLOADS]
    items = [text(li) for li in root.iter("li")]
    for payload in PAYLOADS:
        assert any(flat(payload) in item for item in items), payload
    assert any(PAYLOADS[1] in h for h in map(text, root.iter("h2")))  # the group's name
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script" not in html


def test_umlauts_emoji_and_right_to_left_text_come_out_unchanged(seed_workshop):
    plant_payloads(seed_workshop)
    root = page(seed_workshop)
    paragraphs = [text(p) for p in root.iter("p")]
    items = [text(li) for li in root.iter("li")]
    for shown in (UMLAUTS, EMOJI, RIGHT_TO_LEFT):
        assert shown in paragraphs, shown
        assert any(item.startswith(f"{shown} (") for item in items), shown


@pytest.mark.parametrize(("language", "agenda"), [("de", "Ablauf"), ("en", "Agenda")])
def test_the_page_is_in_the_language_asked_for(
    compiled_catalogues, seed_workshop, language, agenda
):
    html = export(seed_workshop, "html", Options(language=language)).decode()
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    assert root.get("lang") == language
    assert agenda in [text(h) for h in root.iter("h2")]
