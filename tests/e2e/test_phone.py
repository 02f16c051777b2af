"""The phone says who and where I am, lets me change my name, and shows long titles whole."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import cards, choose_group_and_join, expect_live, pin, screenshot

pytestmark = pytest.mark.e2e

LONG_TITLE = (
    "Innenstadtentwicklungskonzept und Einzelhandelsförderung: Digitalisierungsstrategien "
    "für Kommunalverwaltungen"
)


def test_name_group_rename_and_a_long_title_at_360_px(screens, facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator,
        title=LONG_TITLE,
        groups=[GroupSpec("Innenstadtentwicklung", "Was macht die Mitte lebendig?")],
    )
    board = workshop.groups.get().board
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Innenstadtentwicklung")  # anonymous
    expect_live(phone)
    me = phone.locator("#phone-me")
    expect(me).to_contain_text("anonym")
    expect(me).to_contain_text("Innenstadtentwicklung")

    # The title is shown whole: wrapped, never cut off or scrolled sideways.
    title = phone.locator("h1.phone__workshop")
    expect(title).to_have_text(LONG_TITLE)
    box = title.evaluate(
        "el => ({sw: el.scrollWidth, cw: el.clientWidth, sh: el.scrollHeight, ch: el.clientHeight,"
        " hyphens: getComputedStyle(el).hyphens, lang: el.closest('[lang]').lang,"
        " page: document.scrollingElement.scrollWidth, vw: innerWidth})"
    )
    assert box["sw"] <= box["cw"], box
    assert box["sh"] <= box["ch"] + 1, box
    assert box["page"] <= box["vw"], box
    assert (box["hyphens"], box["lang"]) == ("auto", "de")

    pin(phone, "Mehr Bänke am Markt")
    other = screens.phone()
    other.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(other, "Innenstadtentwicklung", name="Lou")
    expect(cards(other, board.pk, "Mehr Bänke am Markt").locator(".card__author")).to_have_text(
        "anonym"
    )

    # Changing my name from the phone: the dialog, then every wall shows it.
    phone.locator("#phone-me button").click()
    dialog = phone.locator("#name-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Ihr Name").fill("Kim")
    dialog.get_by_role("button", name="Speichern").click()
    expect(dialog).to_be_hidden()
    expect(me).to_contain_text("Kim")
    expect(phone.locator("#phone-me button")).to_be_focused()
    expect(cards(other, board.pk, "Mehr Bänke am Markt").locator(".card__author")).to_have_text(
        "Kim"
    )
    screenshot(phone, "phone-top-long-title.png")
