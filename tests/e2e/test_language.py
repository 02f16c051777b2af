"""A phone switched to English sees its board in English, also what arrives over the socket."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from boards.models import Board
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import choose_group_and_join, expect_live

pytestmark = pytest.mark.e2e


def test_english_board_stays_english(screens, facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator, title="Werkstatt", groups=[GroupSpec("Mobilität")]
    )
    board = Board.objects.of_groups().get(workshop=workshop)
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    phone.locator("form.lang-switch button[value=en]").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    choose_group_and_join(phone, "Mobilität")
    expect_live(phone)  # the snapshot has replaced the wall by now
    wall = phone.locator(f"#board-{board.pk}")
    expect(wall.locator(".wall__empty")).to_have_text("No cards yet.", timeout=3000)
    expect(phone.locator(f"#board-{board.pk}-cards")).to_have_attribute(
        "aria-label", "Cards of Mobilität", timeout=3000
    )
