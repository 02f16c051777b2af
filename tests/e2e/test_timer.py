"""The timer in real Chromium: the console starts it, the phone and the projector agree.

Screenshots (for people to look at, not compared) go where test_screenshots.py puts its
own: tests/e2e/screenshots/projector-timer.png, phone-timer.png, phone-timer-done.png,
console-timer.png.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from boards.management.commands.demo import DEMO_PASSWORD, DEMO_TITLE, DEMO_USER
from tests.e2e.conftest import choose_group_and_join, expect_live, log_in, screenshot
from tests.e2e.test_accessibility import (  # noqa: F401 (axe_script: a fixture)
    BLOCKING,
    axe_script,
    axe_violations,
    describe,
)
from tests.e2e.test_metaplan_wall import eventually
from workshop.models import Phase, Timer, Workshop

pytestmark = pytest.mark.e2e


def de(msgid: str) -> str:
    """What the German screens say (the catalogues, as the server has them)."""
    with translation.override("de"):
        return gettext(msgid)


def seconds_left(page: Page, dom_id: str = "timer-room") -> int:
    text = page.locator(f"#{dom_id} [data-timer-digits]").inner_text()
    minutes, seconds = re.fullmatch(r"(\d+):(\d\d)", text.strip()).groups()
    return int(minutes) * 60 + int(seconds)


def ours(node: dict) -> bool:
    """An element of the timer's or of "I'm done" (the other parts have their own checks)."""
    where = " ".join(map(str, node["target"])) + node.get("summary", "")
    return bool(re.search(r"timer|done", where))


def room_row(console: Page):
    return console.locator('form[data-timer-controls="timer-room"]')


def test_the_room_timer_agrees_on_every_screen_and_pauses(screens, axe_script):  # noqa: F811
    call_command("demo", stdout=io.StringIO())
    workshop = Workshop.objects.get(title=DEMO_TITLE)
    brainstorming = workshop.phases.filter(allows=Phase.Allows.WRITE).first()
    Workshop.objects.filter(pk=workshop.pk).update(current_phase=brainstorming)
    mobility = workshop.groups.get(name="Mobilität")

    console = screens.laptop()
    log_in(console, DEMO_USER, DEMO_PASSWORD)
    console.goto(f"/w/{workshop.pk}/")
    expect_live(console)
    projector = screens.beamer()
    projector.goto(f"/p/{workshop.projector_token}/")
    expect_live(projector)
    phone = screens.phone()
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)
    expect(phone.locator("#timer-room")).to_be_hidden()

    # The console starts one minute for the whole room, by keyboard.
    row = room_row(console)
    row.get_by_label(de("Minutes"), exact=True).fill("1")
    row.locator("button[value=start]").focus()
    console.keyboard.press("Enter")
    for page in (phone, projector, console):
        expect(page.locator("#timer-room")).to_have_attribute("data-state", "running")
        expect(page.locator("#timer-room")).to_be_visible()
    # Every screen counts down by itself from what the server sent: they agree.
    readings = [seconds_left(page) for page in (phone, projector, console)]
    assert max(readings) - min(readings) <= 2, readings
    assert 50 <= readings[0] <= 60, readings
    expect(projector.locator("#timer-room")).to_contain_text(de("%(time)s left") % {"time": ""})

    # Pause freezes it everywhere; the button then says "Weiter".
    row.locator("[data-timer-toggle]").click()
    for page in (phone, projector):
        expect(page.locator("#timer-room")).to_have_attribute("data-state", "paused")
    expect(row.locator("[data-timer-toggle]")).to_have_text(de("Resume"))
    frozen = seconds_left(projector)
    phone.wait_for_timeout(2200)  # long enough for a running clock to move on
    assert seconds_left(projector) == frozen
    assert abs(seconds_left(phone) - frozen) <= 1
    expect(projector.locator("#timer-room")).to_contain_text(de("Paused"))

    # Resumed, with five more minutes, and a group timer for Mobilität.
    row.locator("[data-timer-toggle]").click()
    row.locator("button[value=extend-5]").click()
    expect(projector.locator("#timer-room")).to_have_attribute("data-state", "running")
    group_row = console.locator(f'form[data-timer-controls="timer-group-{mobility.pk}"]')
    group_row.get_by_label(de("Minutes"), exact=True).fill("10")
    group_row.locator("button[value=start]").click()
    group_timer = f"#timer-group-{mobility.pk}"
    for page in (phone, projector, console):
        expect(page.locator(group_timer)).to_have_attribute("data-state", "running")
    einzelhandel = workshop.groups.get(name="Einzelhandel")
    expect(projector.locator(f"#timer-group-{einzelhandel.pk}")).to_be_hidden()
    expect(projector.locator("#timer-room")).to_contain_text(re.compile(r"[56]:\d\d"))

    # "Ich bin fertig" on the phone; the console counts it for the group.
    done = phone.locator("#done-toggle button")
    expect(done).to_have_text(de("I'm done"))
    expect(done).to_have_attribute("aria-pressed", "false")
    phone.wait_for_timeout(300)  # let the clocks settle on a second for the picture
    screenshot(projector, "projector-timer.png")
    screenshot(phone, "phone-timer.png")
    done.click()
    expect(phone.locator("#done-toggle button")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator("#done-toggle")).to_contain_text(de("Done. Tap again to take it back"))
    expect(console.locator(f"#group-{mobility.pk}-done")).to_have_text(
        de("%(done)s of %(total)s done") % {"done": 1, "total": 1}
    )
    screenshot(phone, "phone-timer-done.png")
    screenshot(console, "console-timer.png", full_page=True)
    phone.locator("#done-toggle button").click()
    expect(console.locator(f"#group-{mobility.pk}-done")).to_have_text(
        de("%(done)s of %(total)s done") % {"done": 0, "total": 1}
    )

    # Stopped: gone from every screen.
    row.locator("button[value=stop]").click()
    for page in (phone, projector, console):
        expect(page.locator("#timer-room")).to_be_hidden()

    # The console and the phone with their timers pass axe-core.
    for make in (screens.laptop, screens.phone):
        page = make(bypass_csp=True)
        if make == screens.laptop:
            log_in(page, DEMO_USER, DEMO_PASSWORD)
            page.goto(f"/w/{workshop.pk}/")
        else:
            page.goto(f"/j/{workshop.join_code}/")
            choose_group_and_join(page, "Mobilität", name="Lou")
        expect_live(page)
        blocking = [
            v
            for v in axe_violations(page, axe_script)
            if v["impact"] in BLOCKING and any(ours(node) for node in v["nodes"])
        ]
        assert not blocking, describe(blocking)


def test_the_end_is_announced_and_shown(screens):
    """A countdown that runs out says so on the projector and the console."""
    call_command("demo", stdout=io.StringIO())
    workshop = Workshop.objects.get(title=DEMO_TITLE)
    console = screens.laptop()
    log_in(console, DEMO_USER, DEMO_PASSWORD)
    console.goto(f"/w/{workshop.pk}/")
    expect_live(console)
    projector = screens.beamer()
    projector.goto(f"/p/{workshop.projector_token}/")
    expect_live(projector)
    console.locator("#timer-sound-button").click()  # sound on, and a gesture on the console
    expect(console.locator("#timer-sound-button")).to_have_attribute("aria-pressed", "true")
    row = room_row(console)
    row.get_by_label(de("Minutes"), exact=True).fill("1")
    row.locator("button[value=start]").click()
    expect(projector.locator("#timer-room")).to_have_attribute("data-sound", "")
    # The start is stored (the click's answer may still be on its way).
    eventually(
        console,
        lambda: Timer.objects.filter(workshop=workshop, group=None, ends_at__isnull=False).exists(),
        "the room timer started",
    )
    # Nobody waits a minute: the server's end time (the truth) is moved close, and the
    # screens load it again.
    Timer.objects.filter(workshop=workshop, group=None).update(
        ends_at=timezone.now() + timedelta(seconds=8)
    )
    projector.reload()
    console.reload()
    for page in (projector, console):
        clock = page.locator("#timer-room")
        expect(clock).to_have_attribute("data-state", "over", timeout=20_000)
        expect(clock).to_contain_text(de("Time is up"))
        # Said once, politely; the countdown itself is no live region.
        expect(page.locator("[data-timer-announcer]")).to_have_text(de("Time is up"))
        assert clock.get_attribute("aria-live") is None
    screenshot(projector, "projector-timer-over.png")
