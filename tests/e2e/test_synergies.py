"""The facilitator links what the groups found and records conclusions (issue 7), in Chromium.

On "Synergien & Fazit" (from the Moderationspult): two links between the two groups with
notes, one conclusion taken over from a link and one next step written, both with actors,
who and by when; a refused link says why at its form; everything by keyboard where people
use the keyboard. After each step the page agrees with the database. A screenshot of the
page is saved with the others (tests/e2e/screenshots/synergies.png).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from boards.models import Board, Conclusion, Link
from boards.services import GroupSpec, card_create, cluster_create, workshop_create_with_groups
from tests.e2e.conftest import choose_group_and_join, expect_live, log_in, screenshot

pytestmark = pytest.mark.e2e


def seed_workshop(facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator,
        title="In Silos oder innovativ? Kommunale Digitalprojekte",
        subtitle="Werkstatt 8",
        place="Rathaus, Saal 2",
        groups=[
            GroupSpec("Mobilität", "Wie kommen wir 2030 durch die Stadt?"),
            GroupSpec("Einzelhandel", "Was hält die Innenstadt lebendig?"),
        ],
    )
    walls = {b.group.name: b for b in Board.objects.of_groups().filter(workshop=workshop)}

    def pin(board, text):
        return card_create(board=board, text=text, client_uuid=uuid.uuid4(), user=facilitator)[0]

    mobility = [
        pin(walls["Mobilität"], t)
        for t in ("ÖPNV modernisieren", "Busse im 10-Minuten-Takt", "Radwege durchgehend")
    ]
    retail = [
        pin(walls["Einzelhandel"], t)
        for t in ("Professionelle und direkte Beratung", "Lokale Aktionen", "Lieferzonen am Morgen")
    ]
    bus = cluster_create(
        board=walls["Mobilität"], title="Bus und Bahn", user=facilitator, cards=mobility[:2]
    )
    local = cluster_create(
        board=walls["Einzelhandel"], title="Lokale Aktionen", user=facilitator, cards=retail[1:2]
    )
    return workshop, mobility, retail, bus, local


def editor(page: Page):
    return page.locator("#synergies-editor")


def test_the_facilitator_links_the_groups_and_records_conclusions(screens, facilitator):
    workshop, mobility, retail, bus, local = seed_workshop(facilitator)
    # A phone at its group's wall: the pushes of links and conclusions reach it too.
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)
    page = screens.laptop()
    log_in(page, facilitator.username)
    page.goto(f"/w/{workshop.pk}/")
    page.locator(f'a[href="/w/{workshop.pk}/synergies/"]').click()
    expect(page).to_have_url(re.compile(rf"/w/{workshop.pk}/synergies/$"))
    expect(page.locator("h1")).to_be_visible()

    # First link: a cluster of each group, a synergy, by keyboard (Enter in the note).
    form = page.locator("#link-new")
    expect(form.locator("#link-new-source optgroup")).to_have_count(2)
    form.locator("#link-new-source").select_option(f"cluster-{bus.pk}")
    form.locator("#link-new-target").select_option(f"cluster-{local.pk}")
    form.locator("#link-new-kind-synergy").check()
    note = form.locator("#link-new-note")
    note.fill("Erreichbarkeit der Innenstadt stärkt Handel und ÖPNV")
    note.press("Enter")
    first = editor(page).locator(".synergy-links--edit > li")
    expect(first).to_have_count(1)
    expect(first.first).to_contain_text("Erreichbarkeit der Innenstadt stärkt Handel und ÖPNV")
    expect(first.first).to_contain_text("Bus und Bahn")
    expect(first.first).to_contain_text("Mobilität")
    expect(first.first).to_contain_text("Einzelhandel")
    link = Link.objects.get()
    assert (link.from_cluster_id, link.to_cluster_id, link.kind) == (bus.pk, local.pk, "synergy")
    # The new link has the focus: the keyboard user is where the change is.
    expect(page.locator(f"#link-{link.pk}")).to_be_focused()

    # The same pair again is refused at its form, with a message and the focus on it.
    page.locator("#link-new-source").select_option(f"cluster-{local.pk}")
    page.locator("#link-new-target").select_option(f"cluster-{bus.pk}")
    page.locator("#link-new button[type=submit]").click()
    error = page.locator("#link-new-error")
    expect(error).to_be_visible()
    expect(error).to_be_focused()
    assert Link.objects.count() == 1

    # Second link: two cards, a conflict of goals.
    page.locator("#link-new-source").select_option(f"card-{mobility[2].pk}")
    page.locator("#link-new-target").select_option(f"card-{retail[2].pk}")
    page.locator("#link-new-kind-conflict").check()
    page.locator("#link-new-note").fill("Radwege und Lieferzonen teilen sich die Straße")
    page.locator("#link-new button[type=submit]").click()
    expect(editor(page).locator(".synergy-links--edit > li")).to_have_count(2)
    expect(page.locator("#link-new-error")).to_have_count(0)
    second = Link.objects.latest("pk")
    assert (second.from_card_id, second.to_card_id, second.kind) == (
        mobility[2].pk,
        retail[2].pk,
        "conflict",
    )
    expect(page.locator(f"#link-{second.pk} > .kind-badge--conflict")).to_be_visible()

    # A conclusion taken over from the first link, then put in the facilitator's words.
    page.locator(f"#link-{link.pk} form:has(input[name=from_link]) button").click()
    expect(editor(page).locator(".synergy-conclusions--edit > li")).to_have_count(1)
    conclusion = Conclusion.objects.get()
    assert conclusion.from_link_id == link.pk
    assert conclusion.text.startswith("Erreichbarkeit der Innenstadt")
    text = page.locator(f"#conclusion-{conclusion.pk}-text")
    expect(text).to_be_focused()
    text.fill("Wirtschaft und Verwaltung gestalten die Innenstadt gemeinsam")
    economy, administration, society = workshop.actors.all()
    page.locator(f"#conclusion-{conclusion.pk}-actor-{economy.pk}").check()
    page.locator(f"#conclusion-{conclusion.pk}-actor-{administration.pk}").check()
    page.locator(f"#conclusion-{conclusion.pk}-who").fill("Citymanagement")
    page.locator(f"#conclusion-{conclusion.pk}-due").fill("2027-03-31")
    page.locator(f"#conclusion-{conclusion.pk} details form button[type=submit]").click()
    item = page.locator(f"#conclusion-{conclusion.pk}")
    expect(item.locator(".synergy-conclusion__text")).to_have_text(
        "Wirtschaft und Verwaltung gestalten die Innenstadt gemeinsam"
    )
    expect(item.locator(".actor-chip")).to_have_text([economy.name, administration.name])
    expect(item).to_contain_text("Citymanagement")
    expect(item.locator("time")).to_have_attribute("datetime", "2027-03-31")
    conclusion.refresh_from_db()
    assert (conclusion.who, str(conclusion.due)) == ("Citymanagement", "2027-03-31")
    assert set(conclusion.actors.all()) == {economy, administration}

    # A next step written from scratch, with the civil society.
    new = page.locator("#conclusion-new")
    new.locator("#conclusion-new-kind-step").check()
    new.locator("#conclusion-new-text").fill("Runder Tisch Lieferverkehr einberufen")
    new.locator(f"#conclusion-new-actor-{society.pk}").check()
    new.locator(f"#conclusion-new-actor-{administration.pk}").check()
    new.locator("#conclusion-new-who").fill("Amt für Verkehr")
    new.locator("#conclusion-new-due").fill("2027-01-15")
    new.locator("button[type=submit]").click()
    items = editor(page).locator(".synergy-conclusions--edit > li")
    expect(items).to_have_count(2)
    step = Conclusion.objects.latest("pk")
    assert (step.kind, step.who, str(step.due)) == ("step", "Amt für Verkehr", "2027-01-15")
    assert set(step.actors.all()) == {society, administration}
    expect(items.nth(1).locator(".actor-chip")).to_have_text([administration.name, society.name])
    # The form is empty again for the next one.
    expect(page.locator("#conclusion-new-text")).to_have_value("")

    # The step goes first: by keyboard, "Up" on the second entry.
    up = page.locator(f"#conclusion-{step.pk}-up")
    up.focus()
    up.press("Enter")
    expect(items.first).to_have_id(f"conclusion-{step.pk}")
    assert list(workshop.conclusions.values_list("pk", flat=True)) == [step.pk, conclusion.pk]

    # The actors list: a new one, and it is offered at once.
    page.locator("#actor-new-name").fill("Wissenschaft")
    page.locator("#actor-new-name").press("Enter")
    expect(page.locator(".synergy-actor input[value=Wissenschaft]")).to_have_count(1)
    science = workshop.actors.get(name="Wissenschaft")
    expect(page.locator(f"#conclusion-new-actor-{science.pk}")).to_be_visible()

    # The phone's wall went on untouched by them, and htmx found nothing missing there.
    expect_live(phone)
    expect(phone.locator(f"#board-{bus.board_id}")).to_contain_text("Bus und Bahn")
    assert not [line for line in screens.log if "oobErrorNoTarget" in line]

    page.locator("#links-title").scroll_into_view_if_needed()
    screenshot(page, "synergies.png", full_page=True)
