"""The plenary in real Chromium (issue 7): two groups' results on a phone, on the projector
and in the console; a spotlight on every screen and back; the plenary follows the walls.

Screenshots (tests/e2e/screenshots/, for people to look at): plenary-phone.png,
plenary-phone-full.png, plenary-projector-1920x1080.png, plenary-projector-1280x720.png,
plenary-projector-spotlight.png, plenary-phone-spotlight.png, plenary-console.png.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from boards.models import Board
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import (
    LIVE_TIMEOUT,
    choose_group_and_join,
    expect_live,
    log_in,
    pin,
    screenshot,
)
from tests.e2e.plenary_scene import fill_plenary

pytestmark = pytest.mark.e2e

# What the projector shows must fit: nothing scrolls, every shown card lies on the screen in
# type large enough to read from the back of the room (and its text is not cut off).
FITS = """() => {
  const s = document.scrollingElement;
  const shown = el => el.getClientRects().length > 0;
  const cards = [...document.querySelectorAll('.pcol [data-fit-item]')].filter(shown).map(el => {
    const r = el.getBoundingClientRect();
    const text = el.querySelector('.pcard__text');
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
      font: parseFloat(getComputedStyle(text).fontSize),
      cut: text.scrollHeight > text.clientHeight + 1};
  });
  const bodies = [...document.querySelectorAll('.pcol__body')].map(
    b => b.scrollHeight <= b.clientHeight + 1);
  return {scrollH: s.scrollHeight, clientH: s.clientHeight, scrollW: s.scrollWidth,
    clientW: s.clientWidth, ih: innerHeight, iw: innerWidth, cards, bodies,
    hidden: [...document.querySelectorAll('.pcol')].map(c => Number(c.dataset.fitHidden || 0)),
    more: [...document.querySelectorAll('[data-fit-more]')].filter(shown).map(m => m.textContent)};
}"""


def assert_fits(page: Page, smallest: float) -> dict:
    page.wait_for_function("document.querySelector('[data-plenary-stage]')?.dataset.fitted")
    view = page.evaluate(FITS)
    # Under load the header (the QR code, the countdown) may settle after the first fit, and
    # plenary.js fits again when a column changes size: wait for that, generously.
    for _ in range(30):
        if view["scrollH"] <= view["clientH"] and all(view["bodies"]):
            break
        page.wait_for_timeout(200)
        view = page.evaluate(FITS)
    assert view["scrollH"] <= view["clientH"], view
    assert view["scrollW"] <= view["clientW"], view
    assert all(view["bodies"]), view
    assert view["cards"], "no card on the projector"
    for card in view["cards"]:
        assert card["top"] >= 0, card
        assert card["bottom"] <= view["ih"] + 0.5, card
        assert card["left"] >= 0, card
        assert card["right"] <= view["iw"] + 0.5, card
        assert card["font"] >= smallest, card
        assert not card["cut"], card
    return view


@pytest.fixture
def seed(facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator,
        title="In Silos oder innovativ? Kommunale Digitalprojekte im Co-Creation-Format",
        subtitle="Werkstatt 8",
        place="Rathaus, Saal 2",
        groups=[
            GroupSpec("Mobilität", "Wie kommen wir 2030 gut durch die Stadt?"),
            GroupSpec("Einzelhandel", "Was hält die Innenstadt lebendig?"),
        ],
    )
    clusters = fill_plenary(workshop, facilitator)
    return workshop, clusters


def test_plenary_on_phone_projector_and_console_with_a_spotlight(screens, facilitator, seed):
    workshop, clusters = seed
    plenary_board = Board.objects.plenary().get(workshop=workshop)
    mobility = Board.objects.get(workshop=workshop, group__name="Mobilität")
    retail = Board.objects.get(workshop=workshop, group__name="Einzelhandel")

    # A phone joins its group and opens the plenary: one group after the other.
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    phone.goto(f"/b/{plenary_board.pk}/")
    expect_live(phone)
    first = phone.locator(f"#plenary-group-{mobility.group_id}")
    second = phone.locator(f"#plenary-group-{retail.group_id}")
    expect(first.locator(".pgroup__name")).to_have_text("Mobilität")
    expect(first.locator(".pgroup__question")).to_have_text(
        "Wie kommen wir 2030 gut durch die Stadt?"
    )
    # Ranked by dots: ÖPNV (6 + 3) first, its top results at the top of the group.
    expect(first.locator(".pcluster__title").first).to_have_text("ÖPNV modernisieren")
    expect(first.locator(".toplist__title").first).to_have_text("ÖPNV modernisieren")
    expect(first.locator(".pcluster").first.locator(".dots-badge")).to_have_text("9")
    screenshot(phone, "plenary-phone.png")
    second.scroll_into_view_if_needed()
    expect(second.locator(".pcluster__title").first).to_have_text(
        "Professionelle und direkte Beratung"
    )
    last = second.get_by_text("Leerstand zwischennutzen")
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    screenshot(phone, "plenary-phone-full.png", full_page=True)
    # The plenary's own board takes cards when the phase allows (its composer is there).
    expect(phone.locator("form[data-composer]")).to_have_attribute(
        "data-board-id", str(plenary_board.pk)
    )

    # The projector's plenary fits one screen at both sizes.
    beamers = {}
    for size, open_beamer, smallest in (
        ("1920x1080", screens.beamer, 24),
        ("1280x720", screens.small_beamer, 18),
    ):
        beamer = open_beamer()
        beamer.goto(f"/p/{workshop.projector_token}/plenary/")
        expect_live(beamer)
        expect(beamer.locator(".pcol")).to_have_count(2)
        expect(beamer.locator(".pcol__cluster-title").first).to_have_text("ÖPNV modernisieren")
        assert_fits(beamer, smallest)
        screenshot(beamer, f"plenary-projector-{size}.png")
        beamers[size] = beamer

    # The plenary follows the walls: a card pinned on a group's wall arrives everywhere.
    wall_phone = screens.phone()
    wall_phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(wall_phone, "Einzelhandel", name="Lou")
    expect_live(wall_phone)
    pin(wall_phone, "Kundenparkplätze teilen")
    expect(second.get_by_text("Kundenparkplätze teilen")).to_be_attached(timeout=LIVE_TIMEOUT)
    for beamer in beamers.values():
        column = beamer.locator(f"#plenary-group-{retail.group_id}")
        expect(column.get_by_text("Kundenparkplätze teilen")).to_be_attached(timeout=LIVE_TIMEOUT)
    assert_fits(beamers["1280x720"], 18)

    # The facilitator puts a cluster in the spotlight: every screen shows it, then not.
    console = screens.laptop()
    log_in(console, facilitator.username)
    console.goto(f"/w/{workshop.pk}/plenary/")
    expect_live(console)
    screenshot(console, "plenary-console.png", full_page=True)
    title = "Lokale Aktionen"
    console.locator(f"#plenary-cluster-{clusters[title].pk} .pcluster__head .spot-button").click()
    for page in (console, phone, *beamers.values()):
        spot = page.locator("#spotlight.spotlight--on")
        expect(spot).to_be_visible(timeout=LIVE_TIMEOUT)
        expect(spot.locator(".spotlight__title")).to_have_text(title)
    expect(beamers["1920x1080"].locator("#spotlight .pcard")).to_have_count(3)
    screenshot(beamers["1920x1080"], "plenary-projector-spotlight.png")
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "plenary-phone-spotlight.png")
    # A phone on its group's wall sees it too, and a reloaded projector still does.
    expect(wall_phone.locator("#spotlight .spotlight__title")).to_have_text(title)
    beamers["1280x720"].reload()
    expect(beamers["1280x720"].locator("#spotlight .spotlight__title")).to_have_text(title)

    console.locator("#spotlight .spotlight__clear button").click()
    for page in (console, phone, wall_phone, *beamers.values()):
        expect(page.locator("#spotlight")).not_to_have_class("spotlight--on", timeout=LIVE_TIMEOUT)
        expect(page.locator("#spotlight .spotlight__title")).to_have_count(0)
