"""Suggested parallels in the plenary, in Chromium (issue 9).

The facilitator opens the console's plenary of the seed workshop as it ran (nothing linked
yet): among the first three suggestions is the seed's point, the modernised ÖPNV and the
reachable town centre. One tap takes it over; the projector shows it as a link with its reason.
A card written meanwhile on a group's wall brings a new suggestion without a reload.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from boards.models import Link
from boards.seed import seed_results
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import (
    LIVE_TIMEOUT,
    choose_group_and_join,
    expect_live,
    log_in,
    pin,
    screenshot,
)

pytestmark = pytest.mark.e2e


def test_a_suggestion_taken_over_in_one_tap_shows_on_the_projector_with_its_reason(
    screens, facilitator
):
    workshop = workshop_create_with_groups(
        user=facilitator,
        title="In Silos oder innovativ?",
        groups=[
            GroupSpec("Mobilität", "Wie wird der ÖPNV attraktiver?"),
            GroupSpec("Einzelhandel", "Wie werden lokale Geschäfte attraktiver?"),
        ],
    )
    seed_results(workshop, facilitator)
    Link.objects.filter(workshop=workshop).delete()  # the plenary begins: nothing linked yet

    console = screens.laptop()
    log_in(console, facilitator.username)
    console.goto(f"/w/{workshop.pk}/plenary/")
    expect_live(console)
    projector = screens.beamer()
    projector.goto(f"/p/{workshop.projector_token}/plenary/")
    expect_live(projector)

    first_three = console.locator("#parallels li.suggestion").filter(has_text="Modernisierter ÖPNV")
    seed_point = console.locator("#parallels li.suggestion:nth-child(-n+3)").filter(
        has_text=re.compile("Modernisierter ÖPNV.*Innenstadt", re.S)
    )
    expect(seed_point.first).to_be_visible()
    assert first_three.count() >= 1
    reason = seed_point.first.locator(".suggestion__reason span[dir=auto]").inner_text()
    taken = seed_point.first.get_attribute("id")
    screenshot(console, "parallels-console.png", full_page=True)
    seed_point.first.get_by_role("button", name=re.compile("^Als Verbindung übernehmen")).click()

    expect(projector.locator("#synergies-links")).to_contain_text(reason, timeout=LIVE_TIMEOUT)
    link = Link.objects.get(workshop=workshop)
    assert link.note == reason
    expect(console.locator(f"#{taken}")).to_have_count(0, timeout=LIVE_TIMEOUT)
    screenshot(projector, "parallels-projector.png")

    # A phone writes a new card on its group's wall: the suggestions follow without a reload.
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Einzelhandel", name="Kim")
    expect_live(phone)
    pin(phone, "Dichterer Takt im Nahverkehr bringt Kundschaft")
    expect(console.locator("#parallels")).to_contain_text(
        "Dichterer Takt im Nahverkehr bringt Kundschaft", timeout=LIVE_TIMEOUT
    )
