"""The strict CSP holds in use (issue 6.20): no page reports a violation.

Every page opened through `screens` reports its `securitypolicyviolation` events, and
`Screens.check` fails the test with the directive, the blocked URI and the sample.

The moderation wall broke its own CSP: SortableJS leaves `style` attributes on the cards
it touched (`will-change` on the card pressed, `transform`/`transition` on the cards it
animated), and htmx, swapping a live update in, copied them onto the new elements
(`htmx.config.attributesToSettle`), which the CSP refuses: one workshop logged 90 errors.
Here a facilitator drags cards with the mouse while a phone keeps posting cards; and
every page type of tests/e2e/pages.py is opened under the real CSP.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from boards.models import Board, Card, Cluster
from boards.services import GroupSpec, card_create, cluster_create, workshop_create_with_groups
from tests.e2e.conftest import LIVE_TIMEOUT, choose_group_and_join, expect_live, log_in, pin
from tests.e2e.pages import PAGES, Scene

pytestmark = pytest.mark.e2e


def drag_while(page: Page, card: Locator, target: Locator, during) -> None:
    """Drag a card with the mouse (as in test_metaplan_wall) and call `during` mid-drag."""
    card.scroll_into_view_if_needed()
    box = card.locator(".card__text").bounding_box()
    assert box, "the card is not on the screen"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 6, y + 6, steps=4)
    page.wait_for_timeout(100)
    goal = target.bounding_box()
    assert goal, "the drop target left the screen"
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 20, steps=10)
    during()
    page.wait_for_timeout(300)  # pushes arrive while the card is held
    goal = target.bounding_box()
    assert goal, "the drop target left the screen"
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 20, steps=6)
    page.wait_for_timeout(150)
    page.mouse.up()


def test_dragging_on_the_moderation_wall_under_live_pushes(screens, facilitator, tmp_path):
    workshop = workshop_create_with_groups(
        user=facilitator, title="Mobilitätswerkstatt", groups=[GroupSpec("Mobilität")]
    )
    board = Board.objects.of_groups().get(workshop=workshop)
    texts = ["Busse öfter", "Radwege", "Carsharing", "Nachtbus", "Fahrradständer", "Tempo 30"]
    for text in texts:
        card_create(board=board, text=text, client_uuid=uuid.uuid4(), user=facilitator)
    bus = cluster_create(board=board, title="Bus und Bahn", user=facilitator)
    bike = cluster_create(board=board, title="Rad", user=facilitator)

    mod = screens.laptop()
    log_in(mod, facilitator.username)
    mod.goto(f"/w/{workshop.pk}/boards/{board.pk}/")
    expect_live(mod)
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)

    moves = [(texts[0], bus), (texts[1], bike), (texts[2], bus), (texts[3], bike)]
    for n, (text, cluster) in enumerate(moves, start=1):
        card = Card.objects.get(board=board, text=text)
        item = mod.locator(f"#card-{card.pk}")
        expect(item).to_be_visible()
        # A press without a drag leaves Sortable's `will-change` behind, too.
        mod.locator(f"#card-{Card.objects.get(board=board, text=texts[5]).pk} .card__text").click()
        drag_while(
            mod,
            item,
            mod.locator(f"#cluster-{cluster.pk}-cards"),
            during=lambda n=n: pin(phone, f"Vom Telefon {n}"),
        )
        expect(mod.locator(f"#cluster-{cluster.pk}-cards #card-{card.pk}")).to_be_visible(
            timeout=LIVE_TIMEOUT
        )
        expect(mod.locator("li[data-card]", has_text=f"Vom Telefon {n}")).to_be_visible(
            timeout=LIVE_TIMEOUT
        )
        if n == 1:
            # Sortable is not the only one to leave `style` behind: Playwright's screenshot
            # (caret hidden, its default) writes an empty one on every input and textarea,
            # as browser extensions (password managers, spell checkers) do with theirs.
            mod.screenshot(path=str(tmp_path / "moderation.png"))
        # Another push right after the drop (a card on the wall from the phone).
        pin(phone, f"Gleich danach {n}")
        expect(mod.locator("li[data-card]", has_text=f"Gleich danach {n}")).to_be_visible(
            timeout=LIVE_TIMEOUT
        )
    board.refresh_from_db()
    expect(mod.locator(f"#board-{board.pk}-rev")).to_have_attribute(
        "data-rev", str(board.rev), timeout=LIVE_TIMEOUT
    )
    assert set(Cluster.objects.filter(board=board).values_list("cards__text", flat=True)) == {
        texts[0],
        texts[1],
        texts[2],
        texts[3],
    }
    mod.wait_for_timeout(500)  # late settle steps; `screens` checks for violations at the end


@pytest.mark.parametrize("name", list(PAGES))
def test_no_csp_violation_on_any_page(screens, facilitator, name: str) -> None:
    """Each page type and state, built as people get there, under the app's own CSP."""
    page = PAGES[name](Scene(screens, facilitator, "de"))
    page.wait_for_timeout(300)  # late scripts and swaps; `screens` checks at the end
