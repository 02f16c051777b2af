"""Breakouts in a real browser: three phones join at random, the console sees them online
per group, the facilitator moves one and its phone follows to the other group's wall."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from boards.models import Board
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import cards, expect_live, log_in, pin, screenshot
from workshop.models import Participant, Workshop

pytestmark = pytest.mark.e2e


@pytest.fixture
def workshop(facilitator):
    workshop = workshop_create_with_groups(
        user=facilitator,
        title="In Silos oder innovativ?",
        subtitle="Werkstatt 8",
        groups=[
            GroupSpec("Mobilität", "Wie wird der ÖPNV attraktiver?"),
            GroupSpec("Einzelhandel", "Wie werden lokale Geschäfte attraktiver?"),
            GroupSpec("Verwaltung", "Wie arbeiten Ämter und Wirtschaft zusammen?"),
        ],
    )
    Workshop.objects.filter(pk=workshop.pk).update(assignment="random", max_group_size=4)
    return workshop


def join_at_random(phone, code: str, name: str) -> None:
    phone.goto(f"/j/{code}/")
    expect(phone.get_by_role("radio")).to_have_count(0)  # nothing to choose
    phone.locator("#id_display_name").fill(name)
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(re.compile(r"/b/\d+/$"))
    expect_live(phone)


def online(console, group) -> object:
    return console.locator(f"#group-{group.pk}-online")


def test_random_groups_presence_and_a_move(screens, facilitator, workshop):
    groups = list(workshop.groups.all())
    boards = {g.pk: Board.objects.get(group=g) for g in groups}

    console = screens.laptop()
    log_in(console, facilitator.username)
    console.goto(f"/w/{workshop.pk}/")
    expect_live(console)
    panel = console.locator("#people-panel")
    expect(panel).to_be_visible()

    phones = {}
    for name in ("Alex", "Bo", "Cem"):
        phones[name] = screens.phone()
        join_at_random(phones[name], workshop.join_code, name)

    # One in each group (balanced), each shown online on the console, pushed, not reloaded.
    people = {p.display_name: p for p in Participant.objects.filter(workshop=workshop)}
    assert sorted(p.group_id for p in people.values()) == sorted(g.pk for g in groups)
    for group in groups:
        expect(online(console, group)).to_have_text(re.compile(r"online 1 / 1"))
    for name, person in people.items():
        expect(phones[name]).to_have_url(f"/b/{boards[person.group_id].pk}/")
        row = panel.locator(f'[data-person="{person.pk}"]')
        expect(row).to_have_class(re.compile(r"person--online"))
        expect(row.locator(".person__name")).to_have_text(name)

    # The facilitator moves Alex into Bo's group with the keyboard-operable select + button.
    alex, bo = people["Alex"], people["Bo"]
    row = panel.locator(f'[data-person="{alex.pk}"]')
    row.locator("select").select_option(str(bo.group_id))
    # Someone joins meanwhile: the panel is pushed anew, and the pick is kept.
    phones["Dee"] = screens.phone()
    join_at_random(phones["Dee"], workshop.join_code, "Dee")
    dee = Participant.objects.get(display_name="Dee")
    expect(panel.locator(f'[data-person="{dee.pk}"]')).to_have_class(re.compile("person--online"))
    expect(row.locator("select")).to_have_value(str(bo.group_id))
    row.get_by_role("button").click()
    expect(console.locator("#people-message")).to_contain_text("Alex")
    # The focus follows Alex into the new group, for the next step by keyboard.
    expect(
        panel.locator(f'[data-people-group="{bo.group_id}"] [data-person="{alex.pk}"] select')
    ).to_be_focused()

    # Alex's phone follows at once to the other group's wall, and is live there.
    target = boards[bo.group_id]
    expect(phones["Alex"]).to_have_url(f"/b/{target.pk}/", timeout=15_000)
    expect_live(phones["Alex"])
    assert Participant.objects.get(pk=alex.pk).group_id == bo.group_id
    expect(online(console, groups[[g.pk for g in groups].index(bo.group_id)])).to_have_text(
        re.compile(r"online 2 / 2")
    )
    # Dee joined the emptiest group first by position: where Alex was.
    assert dee.group_id == alex.group_id
    expect(online(console, alex.group)).to_have_text(re.compile(r"online 1 / 1"))

    # It now sees its new group's cards, and what it pins lands there.
    pin(phones["Bo"], "Gemeinsamer Lieferdienst")
    expect(cards(phones["Alex"], target.pk, "Gemeinsamer Lieferdienst")).to_be_visible()
    pin(phones["Alex"], "Leerstand zwischennutzen")
    expect(cards(phones["Bo"], target.pk, "Leerstand zwischennutzen")).to_be_visible()
    expect(cards(phones["Cem"], target.pk)).to_have_count(0)

    # A phone that closes drops out of "online".
    phones["Cem"].context.close()
    cem = people["Cem"]
    expect(online(console, cem.group)).to_have_text(re.compile(r"online 0 / 1"))

    panel.scroll_into_view_if_needed()
    screenshot_panel(console)


def screenshot_panel(console) -> None:
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    console.locator("#people-panel").screenshot(
        path=str(SCREENSHOTS / "console-participants.png"), animations="disabled", caret="initial"
    )
    screenshot(console, "console-breakouts.png", full_page=True)


def test_a_waiting_phone_is_assigned_and_a_phone_changes_group(screens, facilitator, workshop):
    mobility, retail = workshop.groups.all()[:2]
    Workshop.objects.filter(pk=workshop.pk).update(assignment="facilitator", max_group_size=None)
    console = screens.laptop()
    log_in(console, facilitator.username)
    console.goto(f"/w/{workshop.pk}/")
    expect_live(console)

    # The facilitators assign: the phone waits, and the console lists it as waiting.
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    expect(phone.get_by_role("radio")).to_have_count(0)
    phone.locator("#id_display_name").fill("Dana")
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    expect(phone).to_have_url(f"/j/{workshop.join_code}/wait/")
    expect_live(phone)
    screenshot(phone, "phone-waiting.png")
    dana = Participant.objects.get(display_name="Dana")
    row = console.locator(f'#people-panel [data-person="{dana.pk}"]')
    expect(row).to_have_class(re.compile(r"person--online"))
    row.locator("select").select_option(str(retail.pk))
    row.get_by_role("button").click()
    expect(phone).to_have_url(f"/b/{retail.board.pk}/", timeout=15_000)
    expect_live(phone)

    # Where participants choose, the phone changes group itself from its top bar.
    Workshop.objects.filter(pk=workshop.pk).update(assignment="self")
    phone.reload()
    expect_live(phone)
    phone.get_by_role("button", name=re.compile("Gruppe wechseln|Change group")).click()
    dialog = phone.locator("#group-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("radio", name=re.compile("Einzelhandel"))).to_be_focused()
    screenshot(phone, "phone-change-group.png")
    dialog.get_by_role("radio", name=re.compile("Mobilität")).check()
    # The answer and the push that takes the phone to its new wall may both navigate (one
    # aborting the other): what counts is where the phone ends up.
    dialog.locator("button[type=submit]").click()
    expect(phone).to_have_url(f"/b/{mobility.board.pk}/", timeout=15_000)
    expect_live(phone)
    assert Participant.objects.get(pk=dana.pk).group_id == mobility.pk

    # The facilitator looks at what that group's phones show: live, read-only.
    preview = screens.laptop()
    log_in(preview, facilitator.username)
    preview.goto(f"/w/{workshop.pk}/groups/{mobility.pk}/preview/")
    expect_live(preview)
    pin(phone, "Mehr Busse am Abend")
    expect(cards(preview, mobility.board.pk, "Mehr Busse am Abend")).to_be_visible()
    expect(preview.locator("form[data-composer]")).to_have_count(0)
    screenshot(preview, "group-preview.png", full_page=True)


def test_a_phone_moved_while_offline_follows_when_it_is_back(screens, proxy, facilitator, workshop):
    from boards.services.breakouts import participant_move
    from workshop.permissions import Actor

    phone = screens.phone(base_url=proxy.url)
    join_at_random(phone, workshop.join_code, "Funkloch")
    person = Participant.objects.get(display_name="Funkloch")
    other = workshop.groups.exclude(pk=person.group_id).first()
    proxy.cut()
    expect(phone.locator("[data-live-status]")).not_to_have_attribute("data-state", "live")
    participant_move(actor=Actor.facilitator(facilitator), participant=person, group=other)
    proxy.restore()
    # Its old wall refuses the socket; the page asks, loads again and leads to the new wall.
    expect(phone).to_have_url(f"/b/{other.board.pk}/", timeout=30_000)
    expect_live(phone)
