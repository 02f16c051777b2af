"""A phone loses its connection while others add, edit and delete cards: it catches up
afterwards (socket retry, `online` event, tab visible again) and never loses or doubles a card."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from boards.models import Board, Card
from boards.services import GroupSpec, card_create, workshop_create_with_groups
from tests.e2e.conftest import (
    cards,
    choose_group_and_join,
    expect_live,
    log_in,
    pin,
    screenshot,
)
from tests.e2e.test_metaplan_wall import eventually, expect_agrees_with_db

pytestmark = pytest.mark.e2e

MINE = re.compile(r"\bcard--mine\b")  # this phone's own card
# While the phone's tab is hidden, no retry of the socket's own comes within the test:
# only the page becoming visible again may bring it back.
NO_RETRY = "htmx.config.wsReconnectDelay = () => 3600 * 1000"
# What a browser does when the tab is hidden or shown (Playwright has no switch for it).
TAB = """state => {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => state === "hidden" });
  document.dispatchEvent(new Event("visibilitychange"));
}"""
# A push that never reaches the page (a frozen tab, a dropped message), the socket open.
DROP_PUSHES = """on => {
  window.__dropPushes = on;
  if (window.__dropHooked) return;
  window.__dropHooked = true;
  document.addEventListener("htmx:wsBeforeMessage", e => {
    if (window.__dropPushes && e.detail.message.indexOf("data-heartbeat") < 0) e.preventDefault();
  }, true);
}"""


@pytest.fixture
def workshop(facilitator):
    return workshop_create_with_groups(
        user=facilitator,
        title="Funkloch im Werkstattraum",
        groups=[GroupSpec("Mobilität", "Wie wird der ÖPNV attraktiver?")],
    )


def expect_board_is_the_database(page: Page, board: Board) -> None:
    """Cards (ids, texts, order), the revision, no duplicates: what the database holds."""
    board.refresh_from_db()
    expect(page.locator(f"#board-{board.pk}-rev")).to_have_attribute("data-rev", str(board.rev))
    expect_agrees_with_db(page, board)
    ids = cards(page, board.pk).evaluate_all("els => els.map(el => el.id)")
    assert len(ids) == len(set(ids)), f"a card twice: {ids}"


def moderate(laptop: Page, card: Card, *, text: str | None = None, delete: bool = False) -> None:
    """The facilitator edits or deletes a card through its Actions menu."""
    laptop.locator(f"#card-{card.pk}-summary").click()
    tools = laptop.locator(f"#card-{card.pk}-tools")
    expect(tools).to_have_attribute("open", "")
    if delete:
        laptop.once("dialog", lambda dialog: dialog.accept())
        tools.locator("form[action$='/delete/'] button[type=submit]").click()
        eventually(laptop, lambda: not Card.objects.alive().filter(pk=card.pk).exists(), "deleted")
    else:
        tools.locator(f"#card-{card.pk}-text").fill(text)
        tools.locator("form.tools-panel__edit button[type=submit]").click()
        eventually(laptop, lambda: Card.objects.get(pk=card.pk).text == text, "edited")


@pytest.mark.parametrize("back", ["socket-retry", "online-event", "tab-visible"])
def test_reconnect(screens, proxy, workshop, facilitator, back):
    board = Board.objects.of_groups().get(workshop=workshop)
    code = workshop.join_code
    # On the wall before anybody comes: one card to be edited, one to be deleted.
    edited, _ = card_create(
        board=board, text="Busse öfter fahren lassen", client_uuid=uuid.uuid4(), user=facilitator
    )
    deleted, _ = card_create(
        board=board, text="Parkhaus am Markt", client_uuid=uuid.uuid4(), user=facilitator
    )

    # The phone reaches the server through the proxy (its page's origin is the proxy port).
    phone = screens.phone(base_url=proxy.url)
    phone.goto(f"/j/{code}/")
    choose_group_and_join(phone, "Mobilität", name="Funkloch")
    expect_live(phone)
    # A card of its own, which the facilitator corrects while the phone is away.
    own_text = "Nachtbus am Wochenende"
    pin(phone, own_text)
    expect(cards(phone, board.pk, own_text)).to_have_count(1)
    own = Card.objects.get(text=own_text)
    expect(phone.locator(f"#card-{own.pk}")).to_have_class(MINE)

    # A second participant, connected directly, and the facilitator at the moderation wall.
    other = screens.phone()
    other.goto(f"/j/{code}/")
    choose_group_and_join(other, "Mobilität", name="Stabil")
    expect_live(other)
    laptop = screens.laptop()
    log_in(laptop, facilitator.username)
    laptop.goto(f"/w/{workshop.pk}/boards/{board.pk}/")
    expect_live(laptop)
    for page in (phone, other, laptop):
        expect_board_is_the_database(page, board)

    if back == "tab-visible":
        # The phone is put away: its tab is hidden, and its socket's backoff has grown long.
        phone.evaluate(NO_RETRY)
        phone.evaluate(TAB, "hidden")
    proxy.cut()
    status = phone.locator("[data-live-status]")
    expect(status).not_to_have_attribute("data-state", "live")

    # While the phone is cut off: another participant pins a card, the facilitator edits
    # one, corrects the phone's own, and deletes one.
    missed = "Haltestellen mit WLAN ausstatten"
    pin(other, missed)
    expect(cards(other, board.pk, missed)).to_have_count(1)
    moderate(laptop, edited, text="Busse alle 10 Minuten")
    moderate(laptop, own, text="Nachtbus freitags und samstags")
    moderate(laptop, deleted, delete=True)
    for page in (other, laptop):
        expect_board_is_the_database(page, board)
    # The phone saw none of it.
    expect(cards(phone, board.pk, missed)).to_have_count(0)
    expect(cards(phone, board.pk, "Busse öfter fahren lassen")).to_have_count(1)
    expect(cards(phone, board.pk, "Parkhaus am Markt")).to_have_count(1)
    expect(cards(phone, board.pk, own_text)).to_have_count(1)

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
    elif back == "tab-visible":
        # The network is back, but a hidden phone with a long backoff stays away...
        phone.wait_for_timeout(2_000)
        expect(status).not_to_have_attribute("data-state", "live")
        assert not Card.objects.filter(text=offline).exists()
        # ...until its person looks at it again.
        phone.evaluate(TAB, "visible")
    # Otherwise (a Wi-Fi hiccup: no event) the socket's own backoff brings it back.
    # Backoff doubles per failed attempt: allow for a slow machine.
    expect_live(phone, timeout=40_000 if back == "socket-retry" else 15_000)

    # The card it missed arrives once (snapshot on reconnect), the one it typed is sent once,
    # the edits show, the deleted card is gone, its own card is still its own.
    expect(cards(phone, board.pk, missed)).to_have_count(1)
    expect(cards(phone, board.pk, offline)).to_have_count(1)
    expect(phone.locator("[data-pending-list] li")).to_have_count(0)
    expect(cards(other, board.pk, offline)).to_have_count(1)
    expect(cards(phone, board.pk, "Parkhaus am Markt")).to_have_count(0)
    expect(cards(phone, board.pk, "Busse alle 10 Minuten")).to_have_count(1)
    expect(phone.locator(f"#card-{own.pk}")).to_contain_text("Nachtbus freitags und samstags")
    expect(phone.locator(f"#card-{own.pk}")).to_have_class(MINE)

    # Once everything has settled (each page's revision is the board's), all equal the
    # database: the cards, their texts, their order, once each.
    for page in (phone, other, laptop):
        expect_board_is_the_database(page, board)
    assert Card.objects.on_wall().filter(board=board).count() == 4
    assert Card.objects.filter(text=offline).count() == 1
    assert Card.objects.filter(text=missed).count() == 1

    if back == "tab-visible":
        # Put away once more, its socket open this time, and the last push lost meanwhile:
        # looking at it again fetches the board (no later push would show the gap).
        phone.evaluate(DROP_PUSHES, True)
        phone.evaluate(TAB, "hidden")
        moderate(laptop, Card.objects.get(text=missed), text="Haltestellen mit WLAN und Strom")
        expect_board_is_the_database(laptop, board)
        phone.wait_for_timeout(500)
        expect(cards(phone, board.pk, "Haltestellen mit WLAN und Strom")).to_have_count(0)
        phone.evaluate(DROP_PUSHES, False)
        phone.evaluate(TAB, "visible")
        expect(status).to_have_attribute("data-state", "live")
        expect_board_is_the_database(phone, board)

    # A reload shows the same: nothing was left behind in the phone's storage.
    phone.reload()
    expect_live(phone)
    expect_board_is_the_database(phone, board)
    expect(phone.locator("[data-pending-list] li")).to_have_count(0)
    expect(phone.locator(f"#card-{own.pk}")).to_have_class(MINE)
    assert Card.objects.count() == 5  # the deleted one is kept for undo, off the wall
