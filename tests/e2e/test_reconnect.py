"""A phone loses its connection: it catches up afterwards and never loses or doubles a card."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from boards.models import Board, Card
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import cards, choose_group_and_join, expect_live, pin, screenshot

pytestmark = pytest.mark.e2e


@pytest.fixture
def workshop(facilitator):
    return workshop_create_with_groups(
        user=facilitator,
        title="Funkloch im Werkstattraum",
        groups=[GroupSpec("Mobilität", "Wie wird der ÖPNV attraktiver?")],
    )


@pytest.mark.parametrize("back", ["socket-retry", "online-event"])
def test_reconnect(screens, proxy, workshop, back):
    board = Board.objects.of_groups().get(workshop=workshop)
    code = workshop.join_code

    # The phone reaches the server through the proxy (its page's origin is the proxy port).
    phone = screens.phone(base_url=proxy.url)
    phone.goto(f"/j/{code}/")
    choose_group_and_join(phone, "Mobilität", name="Funkloch")
    expect_live(phone)

    # A second participant, connected directly.
    other = screens.phone()
    other.goto(f"/j/{code}/")
    choose_group_and_join(other, "Mobilität", name="Stabil")
    expect_live(other)

    proxy.cut()
    status = phone.locator("[data-live-status]")
    expect(status).not_to_have_attribute("data-state", "live")

    # While the phone is cut off, the other participant pins a card.
    missed = "Haltestellen mit WLAN ausstatten"
    pin(other, missed)
    expect(cards(other, board.pk, missed)).to_have_count(1)
    expect(cards(phone, board.pk, missed)).to_have_count(0)

    # The phone types a card meanwhile: kept as "not sent yet", not lost.
    offline = "Im Funkloch getippt"
    pin(phone, offline)
    box = phone.locator("form[data-composer] textarea")
    expect(box).to_have_value("")
    pending = phone.locator("[data-pending-list] li").filter(has_text=offline)
    expect(pending).to_have_count(1)
    not_sent = phone.locator("#i18n").get_attribute("data-not-sent")
    assert not_sent  # "Noch nicht gesendet"
    expect(pending.locator(".card__state")).to_have_text(not_sent)
    expect(cards(phone, board.pk, offline)).to_have_count(0)
    assert not Card.objects.filter(text=offline).exists()
    if back == "online-event":
        screenshot(phone, "phone-offline.png")

    proxy.restore()
    if back == "online-event":
        # A phone that was offline gets an `online` event when its network is back.
        # (Playwright's evaluate goes through the DevTools protocol: the CSP allows it.)
        phone.evaluate("window.dispatchEvent(new Event('online'))")
    # Otherwise (a Wi-Fi hiccup: no event) the socket's own backoff brings it back.
    # Backoff doubles per failed attempt: allow for a slow machine.
    expect_live(phone, timeout=40_000)

    # The card it missed arrives once (snapshot on reconnect), the one it typed is sent once.
    expect(cards(phone, board.pk, missed)).to_have_count(1)
    expect(cards(phone, board.pk, offline)).to_have_count(1)
    expect(phone.locator("[data-pending-list] li")).to_have_count(0)
    expect(cards(other, board.pk, offline)).to_have_count(1)

    # Once everything has settled (the phone's revision is the board's), still once each.
    board.refresh_from_db()
    assert board.rev == 2
    expect(phone.locator(f"#board-{board.pk}-rev")).to_have_attribute("data-rev", str(board.rev))
    expect(other.locator(f"#board-{board.pk}-rev")).to_have_attribute("data-rev", str(board.rev))
    for page in (phone, other):
        expect(cards(page, board.pk)).to_have_count(2)
        expect(cards(page, board.pk, missed)).to_have_count(1)
        expect(cards(page, board.pk, offline)).to_have_count(1)
    assert Card.objects.filter(text=offline).count() == 1
    assert Card.objects.filter(text=missed).count() == 1

    # A reload shows the same: nothing was left behind in the phone's storage.
    phone.reload()
    expect_live(phone)
    expect(cards(phone, board.pk)).to_have_count(2)
    expect(phone.locator("[data-pending-list] li")).to_have_count(0)
    assert Card.objects.count() == 2
