"""Markup typed into cards, names and headings stays text on every screen (scenario 9): on
the phone, the console, the moderation wall and the projector no dialog opens, no element
of a payload appears in the page, and the CSP reports nothing (`screens` checks that, with
every page's `securitypolicyviolation` events, at the end).

Some payloads are in the page when it loads (the workshop's title, the group's name, a
card, a cluster's heading); the others arrive over the socket while the pages are open (a
phone joins under a payload name, pins payload cards, a facilitator names a new cluster
with one), so both the server's templates and the pushed fragments are tried.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from boards.models import Board, Card
from boards.services import (
    GroupSpec,
    card_create,
    card_edit,
    cluster_create,
    workshop_create_with_groups,
)
from tests.e2e.conftest import LIVE_TIMEOUT, choose_group_and_join, expect_live, log_in, pin

pytestmark = pytest.mark.e2e

TITLE = "<img src=x onerror=\"alert('title')\"> Werkstatt"
GROUP = "<svg onload=alert('group')>Mobilität"
NAME = "<img src=x onerror=alert(9)>"  # a display name holds at most 40 characters
HEADING_BEFORE = "<script>alert('heading')</script>"
HEADING_PUSHED = '<b hx-get="/" hx-trigger="load">Takt</b>'
CARD_BEFORE = "<iframe src=/accounts/login/></iframe> Radwege"
CARDS_PUSHED = [
    "<script>alert('card')</script>",
    "<img src=x onerror=\"alert('onerror')\">",
    '<button hx-get="/" hx-trigger="load" hx-target="body" hx-swap="outerHTML">hx</button>',
    "<img src=http://127.0.0.1:9/leak.png>",
    "**fett** [Link](javascript:alert(1)) {{ secret }}",
]

# Anything a payload would have made, had it become markup.
FOREIGN = (
    "img[src='x'], img[src*='leak'], iframe, svg[onload], [onerror], [onload],"
    " [hx-trigger='load'], [hx-get='/'], a[href^='javascript']"
)
SCRIPTS_WITH_ALERT = (
    "() => Array.from(document.scripts).filter(s => s.textContent.includes('alert(')).length"
)


def watch_dialogs(page: Page, opened: list[str]) -> Page:
    page.on(
        "dialog", lambda dialog: (opened.append(f"{page.url}: {dialog.message}"), dialog.dismiss())
    )
    return page


def shown_as_text(page: Page, text: str) -> None:
    expect(page.get_by_text(text, exact=False).first).to_be_attached(timeout=LIVE_TIMEOUT)


def test_payloads_in_cards_names_and_headings_stay_text_on_every_screen(screens, facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator, title=TITLE, groups=[GroupSpec(GROUP, "Wie kommen wir hin?")]
    )
    board = Board.objects.of_groups().get(workshop=workshop)
    card_create(board=board, text=CARD_BEFORE, client_uuid=uuid.uuid4(), user=facilitator)
    cluster_create(board=board, title=HEADING_BEFORE, user=facilitator)
    opened: list[str] = []

    laptop = screens.laptop()
    log_in(laptop, facilitator.username)
    console = watch_dialogs(laptop, opened)
    console.goto(f"/w/{workshop.pk}/")
    expect_live(console)
    wall = watch_dialogs(console.context.new_page(), opened)
    wall.goto(f"/w/{workshop.pk}/boards/{board.pk}/")
    expect_live(wall)
    projector = watch_dialogs(screens.beamer(), opened)
    projector.goto(f"/p/{workshop.projector_token}/{board.pk}/")
    expect_live(projector)
    phone = watch_dialogs(screens.phone(), opened)
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, GROUP, name=NAME)
    expect_live(phone)

    for text in CARDS_PUSHED:
        pin(phone, text)
        expect(phone.locator("form[data-composer] textarea")).to_have_value("")
    token = wall.locator('meta[name="csrf-token"]').get_attribute("content")
    made = wall.request.post(
        f"/w/{workshop.pk}/boards/{board.pk}/clusters/",
        form={"title": HEADING_PUSHED},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert made.status == 204, made.text()

    # Each screen shows what it should, as text; the pushed ones arrived over the socket.
    on_the_wall = [CARD_BEFORE, HEADING_BEFORE, HEADING_PUSHED, *CARDS_PUSHED]
    for page in (wall, projector, phone):
        for text in on_the_wall:
            shown_as_text(page, text)
        shown_as_text(page, GROUP)  # the wall's title
    for page in (wall, phone):
        shown_as_text(page, NAME)  # the cards' author
    shown_as_text(console, NAME)  # the participants panel
    shown_as_text(console, GROUP)
    shown_as_text(console, TITLE)
    expect(projector.get_by_text(NAME)).to_have_count(0)
    assert Card.objects.filter(board=board, text__in=CARDS_PUSHED).count() == len(CARDS_PUSHED)

    for page in (console, wall, projector, phone):
        page.wait_for_timeout(300)  # an htmx "load" trigger or an image error would fire now
        assert page.locator(FOREIGN).count() == 0, page.url
        assert page.evaluate(SCRIPTS_WITH_ALERT) == 0, page.url
    assert opened == []
    assert not [url for url in screens.requests if ":9/" in url or "leak.png" in url]


def test_a_stale_move_on_the_moderation_wall_shows_the_card_as_it_is_now(screens, facilitator):
    """No push comes (the change was made where no socket hears it): the 409 brings the
    wall, the facilitator sees what won, and the next move, made on it, goes through."""
    workshop = workshop_create_with_groups(
        user=facilitator, title="Mobilitätswerkstatt", groups=[GroupSpec("Mobilität")]
    )
    board = Board.objects.of_groups().get(workshop=workshop)
    card, _created = card_create(
        board=board, text="Busse öfter", client_uuid=uuid.uuid4(), user=facilitator
    )
    cluster = cluster_create(board=board, title="Bus und Bahn", user=facilitator)
    wall = screens.laptop()
    log_in(wall, facilitator.username)
    wall.goto(f"/w/{workshop.pk}/boards/{board.pk}/")
    expect_live(wall)
    item = wall.locator(f"#card-{card.pk}")
    expect(item).to_have_attribute("data-version", "1")

    # A colleague's edit; the test process sends no push, so this wall stays stale.
    card_edit(card=card, text="Busse alle 10 Minuten", version=1, user=facilitator)

    wall.locator(f"#card-{card.pk}-summary").click()
    menu = wall.locator(f"#card-{card.pk}-tools")
    menu.locator("select[name=cluster]").select_option(str(cluster.pk))
    menu.locator("form[data-move-form] button[type=submit]").click()
    expect(wall.locator(".mod-toast--error")).to_contain_text("gerade geändert")
    expect(item.locator(".card__text")).to_have_text("Busse alle 10 Minuten")
    expect(item).to_have_attribute("data-version", "2")
    assert Card.objects.get(pk=card.pk).cluster_id is None

    # The menu is still open, on the card as it is now: the move again.
    expect(menu).to_have_attribute("open", "")
    menu.locator("select[name=cluster]").select_option(str(cluster.pk))
    menu.locator("form[data-move-form] button[type=submit]").click()
    expect(wall.locator(f"#cluster-{cluster.pk}-cards #card-{card.pk}")).to_be_visible(
        timeout=LIVE_TIMEOUT
    )
    assert Card.objects.get(pk=card.pk).cluster_id == cluster.pk
