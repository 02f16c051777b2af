"""Screenshots of the four screens of a workshop, for people to look at (not compared).

Written to tests/e2e/screenshots/ (git-ignored): phone-join.png, phone-board.png,
phone-board-en.png, console.png, projector.png.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from boards.management.commands.demo import DEMO_PASSWORD, DEMO_TITLE, DEMO_USER
from boards.models import Board
from tests.e2e.conftest import cards, choose_group_and_join, expect_live, log_in, pin, screenshot
from workshop.models import Workshop

pytestmark = pytest.mark.e2e


def test_screenshots(screens):
    call_command("demo", stdout=io.StringIO())
    workshop = Workshop.objects.get(title=DEMO_TITLE)
    mobility = Board.objects.get(workshop=workshop, group__name="Mobilität")

    console = screens.laptop()
    log_in(console, DEMO_USER, DEMO_PASSWORD)
    console.goto(f"/w/{workshop.pk}/")
    expect_live(console)

    projector = screens.beamer()
    projector.goto(f"/p/{workshop.projector_token}/")
    expect_live(projector)

    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    expect(phone.get_by_role("radio", name="Mobilität")).to_be_visible()
    screenshot(phone, "phone-join.png", full_page=True)
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)
    text = "Haltestellen barrierefrei umbauen, mit Rampen und Blindenleitsystem"
    pin(phone, text)
    for page in (phone, console, projector):
        expect(cards(page, mobility.pk, text)).to_be_visible()
    # The composer with a card being written, as people will see it.
    phone.locator("form[data-composer] textarea").fill("Busse im 10-Minuten-Takt")
    screenshot(phone, "phone-board.png")
    screenshot(phone, "phone-board-full.png", full_page=True)
    # Scrolled to the end: is the newest card clear of the composer?
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    phone.wait_for_timeout(300)  # let the scroll settle before the picture (no assertion)
    screenshot(phone, "phone-board-bottom.png")
    screenshot(console, "console.png", full_page=True)
    screenshot(projector, "projector.png")

    # The same phone in English (the language switch in the header).
    phone.locator("form.lang-switch button[value=en]").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect_live(phone)
    expect(cards(phone, mobility.pk, text)).to_be_visible()
    screenshot(phone, "phone-board-en.png", full_page=True)
