"""The facilitator writes on the wall: a heading card into a cluster, seen at once on phones."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from boards import services
from boards.models import Card
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import choose_group_and_join, expect_live, log_in

pytestmark = pytest.mark.e2e


def test_a_heading_card_written_on_the_moderation_wall_reaches_the_phones(screens, facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator, title="Werkstatt", groups=[GroupSpec("Mobilität")]
    )
    board = workshop.groups.get().board
    cluster = services.cluster_create(board=board, title="ÖPNV", user=facilitator)

    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)

    laptop = screens.laptop()
    log_in(laptop, facilitator.username)
    laptop.goto(f"/w/{workshop.pk}/boards/{board.pk}/")
    expect_live(laptop)
    composer = laptop.locator("form[data-compose]")
    composer.get_by_label("Überschriftkarte").check()
    composer.locator(".swatch--green").click()
    composer.get_by_label("Wohin").select_option(label="In „ÖPNV“")
    text = composer.locator("textarea")
    text.fill("Fazit: dichter Takt")
    text.press("Enter")

    on_phone = phone.locator(f"#cluster-{cluster.pk}-cards li[data-card]")
    expect(on_phone).to_have_count(1)
    expect(on_phone.locator(".card__text")).to_have_text("Fazit: dichter Takt")
    expect(on_phone).to_have_class(re.compile(r"\bcard--heading\b"))
    expect(on_phone).to_have_class(re.compile(r"\bcard--green\b"))
    expect(laptop.locator(f"#cluster-{cluster.pk}-cards li[data-card]")).to_have_count(1)
    expect(text).to_have_value("")
    expect(text).to_be_focused()
    # The next card keeps kind and colour, and gets a client id of its own.
    text.fill("Fazit: Bürgerbus")
    text.press("Enter")
    expect(on_phone).to_have_count(2)
    stored = list(Card.objects.order_by("pk").values_list("text", "kind", "color", "cluster"))
    assert stored == [
        ("Fazit: dichter Takt", "heading", "green", cluster.pk),
        ("Fazit: Bürgerbus", "heading", "green", cluster.pk),
    ]
