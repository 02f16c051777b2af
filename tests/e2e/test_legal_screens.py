"""Screenshots of the legal pages and their links, on a phone (390 px) and a laptop, for people
to look at (not compared): tests/e2e/screenshots/legal-*.png. The footer's four links fit the
phone without scrolling sideways, and the phone's wall keeps them below the composer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import expect_live, screenshot
from tests.e2e.pages import Scene

pytestmark = pytest.mark.e2e

PHONE_390 = {"width": 390, "height": 844}
PAGES = {
    "imprint": "/impressum/",
    "privacy": "/datenschutz/",
    "accessibility": "/barrierefreiheit/",
    "easy-language": "/leichte-sprache/",
}


@pytest.mark.parametrize("language", ["de", "en"])
def test_legal_pages_on_a_phone_and_a_laptop(screens, facilitator, language):
    scene = Scene(screens, facilitator, language, {"viewport": PHONE_390})
    phone = scene.phone()
    laptop = Scene(screens, facilitator, language).laptop()
    for name, url in PAGES.items():
        for device, page in (("phone", phone), ("laptop", laptop)):
            page.goto(url)
            expect(page.locator("footer .legal-links a")).to_have_count(4)
            current = page.locator("footer .legal-links a[aria-current=page]")
            expect(current).to_have_attribute("href", url)
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= page.viewport_size["width"], (name, device, wide)
            screenshot(page, f"legal-{name}-{device}-{language}.png", full_page=True)


def test_the_phones_wall_and_the_console_with_the_links(screens, facilitator):
    scene = Scene(screens, facilitator, "de", {"viewport": PHONE_390})
    scene.fill_wall()
    phone = scene.join()
    links = phone.locator("footer .legal-links a")
    expect(links).to_have_count(4)
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    phone.wait_for_timeout(300)  # let the scroll settle before the picture (no assertion)
    composer = phone.locator("form[data-composer]").bounding_box()
    footer = phone.locator("footer.site-footer").bounding_box()
    assert footer["y"] >= composer["y"] + composer["height"] - 1  # below it, not behind it
    screenshot(phone, "legal-phone-board-bottom.png")
    console = Scene(screens, facilitator, "de").facilitator_laptop()
    console.goto(f"/w/{scene.workshop.pk}/")
    expect_live(console)
    expect(console.locator("#console-retention")).to_contain_text("Stellwand löscht diesen")
    screenshot(console, "legal-console.png", full_page=True)
    console.goto(f"/w/{scene.workshop.pk}/boards/{scene.board.pk}/")
    expect_live(console)
    screenshot(console, "legal-moderation.png", full_page=True)
