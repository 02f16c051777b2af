"""A workshop in the room: a laptop runs the console, a projector shows it, phones pin cards."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from boards.models import Board, Card
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import cards, choose_group_and_join, expect_live, log_in, pin

pytestmark = pytest.mark.e2e


@pytest.fixture
def workshop(facilitator):
    return workshop_create_with_groups(
        user=facilitator,
        title="In Silos oder innovativ?",
        subtitle="Werkstatt 8",
        groups=[
            GroupSpec("Mobilität", "Wie wird der ÖPNV attraktiver?"),
            GroupSpec("Einzelhandel", "Wie werden lokale Geschäfte attraktiver?"),
        ],
    )


def test_live_workshop(screens, facilitator, workshop):
    mobility = Board.objects.get(workshop=workshop, group__name="Mobilität")
    retail = Board.objects.get(workshop=workshop, group__name="Einzelhandel")

    # The facilitator logs in and opens the console, then the projector view from it.
    console = screens.laptop()
    log_in(console, facilitator.username)
    console.goto(f"/w/{workshop.pk}/")
    expect(console.locator(f"#board-{mobility.pk}")).to_be_visible()
    expect(console.locator(f"#board-{retail.pk}")).to_be_visible()
    expect_live(console)
    with console.context.expect_page() as opened:
        console.locator(f'a[href$="/p/{workshop.projector_token}/"]').first.click()
    projector = opened.value
    projector.wait_for_load_state()
    expect(projector.locator(f"#board-{mobility.pk}")).to_be_visible()
    expect_live(projector)

    # Phone A types the code on the start page.
    phone_a = screens.phone()
    phone_a.goto("/")
    phone_a.locator("#id_code").fill(workshop.join_code.lower())
    with phone_a.expect_navigation():
        phone_a.locator("#id_code").press("Enter")
    expect(phone_a).to_have_url(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone_a, "Mobilität", name="Alex")
    expect(phone_a).to_have_url(f"/b/{mobility.pk}/")

    # Phone B opens the join link (as from the QR code) and takes the other group.
    phone_b = screens.phone()
    phone_b.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone_b, "Einzelhandel", name="Bo")
    expect(phone_b).to_have_url(f"/b/{retail.pk}/")

    # Phone C joins Mobilität without a name.
    phone_c = screens.phone()
    phone_c.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone_c, "Mobilität")
    expect(phone_c).to_have_url(f"/b/{mobility.pk}/")

    for phone in (phone_a, phone_b, phone_c):
        expect_live(phone)
    # The console counted the three (pushed, not reloaded).
    expect(console.locator("#workshop-total")).to_have_text("3 Personen sind beigetreten.")

    text = "Echtzeit-Anzeige an jeder Haltestelle"
    pin(phone_a, text)

    # The composer is ready for the next card.
    box = phone_a.locator("form[data-composer] textarea")
    expect(box).to_have_value("")
    expect(box).to_be_focused()

    # It reaches every screen of Mobilität without a reload...
    for page in (console, projector, phone_c, phone_a):
        expect(cards(page, mobility.pk, text)).to_be_visible()
    # ...in the right wall only.
    expect(cards(console, retail.pk, text)).to_have_count(0)
    expect(cards(projector, retail.pk, text)).to_have_count(0)

    card = Card.objects.get(text=text)
    assert card.board_id == mobility.pk
    mobility.refresh_from_db()
    # Phone A got the card twice (POST response and push): once both are in, one element.
    expect(phone_a.locator(f"#board-{mobility.pk}-rev")).to_have_attribute(
        "data-rev", str(mobility.rev)
    )
    expect(cards(phone_a, mobility.pk, text)).to_have_count(1)
    expect(phone_a.locator(f"#card-{card.pk}")).to_have_count(1)
    expect(phone_a.locator("[data-pending-list] li")).to_have_count(0)
    expect(cards(phone_a, mobility.pk, text).locator(".card__author")).to_have_text("Alex")
    # The projector shows no names.
    expect(cards(projector, mobility.pk, text).locator(".card__author")).to_have_count(0)

    # Every other screen of Mobilität has it once, too.
    for page in (console, projector, phone_c):
        expect(cards(page, mobility.pk, text)).to_have_count(1)

    # Phone B (Einzelhandel) never sees it: checked after everyone else has it.
    expect(phone_b.locator(f"#board-{mobility.pk}")).to_have_count(0)
    expect(phone_b.get_by_text(text)).to_have_count(0)
    expect(cards(phone_b, retail.pk)).to_have_count(0)
    assert Card.objects.count() == 1
