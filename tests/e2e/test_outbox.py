"""The phone's outbox: a refused card is not sent again, one taken off the wall is dropped."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from boards import services
from boards.models import Card
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import cards, choose_group_and_join, expect_live, pin

pytestmark = pytest.mark.e2e


@pytest.fixture
def workshop(facilitator):
    return workshop_create_with_groups(
        user=facilitator, title="Postausgang", groups=[GroupSpec("Mobilität")]
    )


def joined_phone(screens, workshop):
    phone = screens.phone()
    posts: list[str] = []
    phone.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)
    return phone, posts


def outbox(phone, board_id: int) -> list[dict]:
    raw = phone.evaluate(f"localStorage.getItem('stellwand.pending.{board_id}')")
    return json.loads(raw or "[]")


def test_an_oversized_card_gets_a_readable_413_and_is_not_sent_again(screens, workshop):
    board = workshop.groups.get().board
    phone, posts = joined_phone(screens, workshop)
    huge = "Viel zu lang " * 6000  # far past the 64 KB a request may carry
    box = phone.locator("form[data-composer] textarea")
    box.evaluate("(el, text) => { el.value = text; }", huge)
    box.press("Enter")
    error = phone.locator("[data-composer-error]")
    expect(error).to_contain_text("Das war zu viel auf einmal")
    expect(box).to_have_value(huge.strip())  # the text is kept for its author to shorten
    sent = [url for url in posts if url.endswith("/cards/")]
    assert len(sent) == 1
    phone.evaluate("window.dispatchEvent(new Event('online'))")  # a flush of the outbox
    phone.wait_for_timeout(1500)
    assert [url for url in posts if url.endswith("/cards/")] == sent
    assert outbox(phone, board.pk) == []
    assert not Card.objects.exists()


def test_a_retry_of_a_card_the_facilitators_removed_is_dropped_with_a_message(
    screens, workshop, facilitator
):
    board = workshop.groups.get().board
    phone, _posts = joined_phone(screens, workshop)
    pin(phone, "Wird gleich entfernt")
    expect(cards(phone, board.pk, "Wird gleich entfernt")).to_have_count(1)
    card = Card.objects.get(text="Wird gleich entfernt")
    services.card_delete(card=card, version=card.version, user=facilitator)
    # As if the phone's first answer had been lost: the same card waits in its outbox.
    item = {"uuid": str(card.client_uuid), "text": card.text, "color": ""}
    phone.evaluate(
        "([key, item]) => localStorage.setItem(key, JSON.stringify([item]))",
        [f"stellwand.pending.{board.pk}", item],
    )
    phone.reload()
    expect(phone.locator("[data-composer-error]")).to_contain_text(
        "Die Moderation hat diese Karte von der Wand genommen."
    )
    expect(phone.locator("[data-pending-list] li")).to_have_count(0)
    assert outbox(phone, board.pk) == []
    assert Card.objects.filter(client_uuid=card.client_uuid).count() == 1


def test_own_cards_are_marked_on_the_authors_phone_only(screens, workshop):
    board = workshop.groups.get().board
    kim, _posts = joined_phone(screens, workshop)
    lou = screens.phone()
    lou.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(lou, "Mobilität", name="Lou")
    expect_live(lou)
    pin(kim, "Von Kim")
    expect(cards(lou, board.pk, "Von Kim")).to_have_count(1)
    expect(cards(kim, board.pk, "Von Kim").locator("[data-own-edit]")).to_be_visible()
    expect(cards(lou, board.pk, "Von Kim").locator("[data-own-edit]")).to_be_hidden()
    kim.reload()
    expect(cards(kim, board.pk, "Von Kim").locator("[data-own-edit]")).to_be_visible()
