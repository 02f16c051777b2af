"""An organiser makes the summary, in Chromium (issue 8).

The facilitator adds an organiser in the settings; the organiser signs in, finds the workshop
under those they organise, opens the summary editor, rewrites the introduction, moves the
group "Einzelhandel" above "Mobilität", leaves the agenda out, and downloads DOCX and PDF:
both files hold the edits (read back with python-docx and pypdf). Screenshots of the export
page and the editor are saved with the others.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from docx import Document
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from boards.seed import seed_results
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import PASSWORD, log_in, screenshot

pytestmark = pytest.mark.e2e

INTRO = "Am 30. Oktober 2019 trafen sich Wirtschaft und Verwaltung im Rathaus zur Werkstatt."


def section(page: Page, title: str):
    return page.locator("li.summary-section", has=page.get_by_role("heading", name=title))


def download(page: Page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=name).click()
    path = info.value.path()
    return open(path, "rb").read()


def test_an_organiser_edits_reorders_and_leaves_out_then_exports_docx_and_pdf(screens, facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator,
        title="In Silos oder innovativ? Kommunale Digitalprojekte",
        subtitle="Werkstatt 8",
        place="Rathaus, Saal 2",
        groups=[
            GroupSpec("Mobilität", "Wie wird der ÖPNV attraktiver für Bürger:innen?"),
            GroupSpec("Einzelhandel", "Wie werden lokale Geschäfte attraktiver?"),
        ],
    )
    seed_results(workshop, facilitator)
    get_user_model().objects.create_user(
        username="olivia", password=PASSWORD, first_name="Olivia", last_name="Veranstalterin"
    )

    # The facilitator adds the organiser.
    console = screens.laptop()
    log_in(console, facilitator.username)
    console.goto(f"/w/{workshop.pk}/settings/")
    console.locator("#id_organiser_username").fill("olivia")
    with console.expect_navigation():
        console.get_by_role("button", name="Veranstalter:in hinzufügen").click()
    expect(console.locator("#organisers-title + p + ul")).to_contain_text("Olivia")

    # The organiser finds it on their list and opens the export page, then the editor.
    laptop = screens.laptop()
    log_in(laptop, "olivia")
    laptop.goto("/w/")
    with laptop.expect_navigation():
        laptop.get_by_role("link", name=workshop.title).click()
    expect(laptop.get_by_role("heading", name="Das Ergebnisprotokoll")).to_be_visible()
    screenshot(laptop, "results-export.png", full_page=True)
    with laptop.expect_navigation():
        laptop.get_by_role("link", name="Ergebnisprotokoll bearbeiten").click()

    intro = section(laptop, "Einleitung")
    intro.get_by_label("Text").fill(INTRO)
    with laptop.expect_navigation():
        intro.get_by_role("button", name="Speichern").click()
    expect(section(laptop, "Einleitung").locator(".badge", has_text="bearbeitet")).to_be_visible()

    with laptop.expect_navigation():
        section(laptop, "Gruppe „Einzelhandel“").get_by_role("button", name="Nach oben").click()
    with laptop.expect_navigation():
        section(laptop, "Ablauf").get_by_role("button", name="Weglassen").click()
    headings = laptop.locator("li.summary-section h2").all_inner_texts()
    assert headings.index("Gruppe „Einzelhandel“") < headings.index("Gruppe „Mobilität“")
    expect(section(laptop, "Ablauf").locator(".badge", has_text="weggelassen")).to_be_visible()
    screenshot(laptop, "summary-editor.png", full_page=True)

    # DOCX: the edited introduction, Einzelhandel before Mobilität, no agenda.
    docx = Document(io.BytesIO(download(laptop, "DOCX herunterladen")))
    texts = [p.text for p in docx.paragraphs]
    assert INTRO in texts
    assert texts.index("Gruppe „Einzelhandel“") < texts.index("Gruppe „Mobilität“")
    assert "Ablauf" not in texts
    expect(laptop.locator(".download__state")).to_contain_text("Fertig")

    # PDF: the same.
    pdf = PdfReader(io.BytesIO(download(laptop, "PDF herunterladen")))
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages)
    assert INTRO in text
    assert text.index("Gruppe „Einzelhandel“") < text.index("Gruppe „Mobilität“")
    assert "Ablauf" not in text
