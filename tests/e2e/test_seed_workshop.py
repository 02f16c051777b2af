"""The seed workshop from start to end, run by one facilitator from one laptop.

"In Silos oder innovativ?" (shared/seeds): an input talk, a dialogue, group work at two
walls (hidden brainstorming, clusters, dot voting), the plenary. A laptop runs the console,
a projector shows the room, four phones in two groups follow every phase. After each step
every screen agrees with the database; a phone that was offline through a phase change
shows the right phase when it is back.

The facilitator's clicks are counted per step (`Clicks`), for the closing note.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from boards.models import Board, Card, Cluster
from tests.e2e.conftest import (
    LIVE_TIMEOUT,
    SCREENSHOTS,
    choose_group_and_join,
    expect_live,
    log_in,
    pin,
    screenshot,
)
from tests.e2e.test_metaplan_wall import eventually, expect_agrees_with_db, tap_vote, wall
from workshop.models import Workshop

pytestmark = pytest.mark.e2e

TITLE = "In Silos oder innovativ?"
GROUPS = (
    ("Mobilität", "Wie wird der ÖPNV in der Innenstadt attraktiver?"),
    ("Einzelhandel", "Wie bleiben lokale Geschäfte lebendig?"),
)
IDEAS = {
    "Alex": "Busse im 10-Minuten-Takt",
    "Bo": "Park-and-Ride am Stadtrand",
    "Cem": "Lieferservice der Geschäfte gemeinsam",
    "Dana": "Innenstadt autofrei am Samstag",
}


class Clicks:
    """The facilitator's clicks (and Enter presses) per step."""

    def __init__(self) -> None:
        self.steps: dict[str, int] = {}
        self.step = ""

    def __call__(self, step: str) -> Clicks:
        self.step = step
        self.steps.setdefault(step, 0)
        return self

    def click(self, locator) -> None:
        self.steps[self.step] += 1
        locator.click()


def banner(phone: Page):
    return phone.locator("#phase-banner")


def expect_phase(pages: list[Page], title: str) -> None:
    for page in pages:
        expect(page.locator("#phase-banner-title, #projector-phase-title").first).to_have_text(
            title, timeout=LIVE_TIMEOUT
        )


def current(workshop: Workshop) -> str:
    workshop.refresh_from_db()
    return workshop.current_phase.title if workshop.current_phase else ""


def next_phase(console: Page, clicks: Clicks, title: str, workshop: Workshop) -> None:
    button = console.locator("[data-next-phase]")
    expect(button).to_contain_text(title)
    clicks.click(button)
    expect(console.locator("#console-agenda [aria-current=step]")).to_contain_text(title)
    eventually(console, lambda: current(workshop) == title, f"the phase {title!r} running")


def test_the_seed_workshop_from_start_to_end(screens, proxy, facilitator):
    clicks = Clicks()

    # ---- Preparing: the workshop with its two groups, from the form.
    console = screens.laptop()
    log_in(console, facilitator.username)
    clicks("prepare")
    console.goto("/w/new/")
    console.locator("#id_title").fill(TITLE)
    for i, (name, question) in enumerate(GROUPS):
        console.locator(f"#id_groups-{i}-name").fill(name)
        console.locator(f"#id_groups-{i}-question").fill(question)
    with console.expect_navigation():
        clicks.click(console.get_by_role("button", name="Workshop anlegen"))
    workshop = Workshop.objects.get(title=TITLE)
    mobility = Board.objects.get(workshop=workshop, group__name="Mobilität")
    retail = Board.objects.get(workshop=workshop, group__name="Einzelhandel")
    plenary = workshop.boards.plenary().get()
    assert workshop.phases.count() == 8
    expect(console.locator("#console-agenda")).to_contain_text("Begrüßung und Impulsvortrag")
    expect_live(console)

    projector = screens.beamer()
    projector.goto(f"/p/{workshop.projector_token}/")
    expect_live(projector)

    # ---- Four phones join, two in each group.
    phones: dict[str, Page] = {}
    for name, group in (("Alex", "Mobilität"), ("Bo", "Mobilität"), ("Cem", "Einzelhandel")):
        phone = screens.phone()
        phone.goto(f"/j/{workshop.join_code}/")
        choose_group_and_join(phone, group, name=name)
        phones[name] = phone
    # Dana's phone reaches the server through a proxy that can drop its connection.
    dana = screens.phone(base_url=proxy.url)
    dana.goto("/")
    dana.locator("#id_code").fill(workshop.join_code)
    with dana.expect_navigation():
        dana.locator("#id_code").press("Enter")
    choose_group_and_join(dana, "Einzelhandel", name="Dana")
    phones["Dana"] = dana
    for phone in phones.values():
        expect_live(phone)
    expect(console.locator("#workshop-total")).to_have_text("4 Personen sind beigetreten.")

    # ---- The input talk: the phones show it and cannot write; the projector shows the room.
    clicks("start: input talk")
    next_phase(console, clicks, "Begrüßung und Impulsvortrag", workshop)
    expect_phase([*phones.values(), projector], "Begrüßung und Impulsvortrag")
    for phone in phones.values():
        expect(phone.locator("form[data-composer]")).to_be_hidden()
        expect(phone.locator("[data-composer-off]")).to_be_visible()
    expect(projector.locator(".projector__frame")).to_have_attribute("data-view", "room")
    expect(projector.locator("[data-pager-stage]")).to_be_hidden()
    expect(projector.locator(".projector-phase__next")).to_have_text(
        "Als Nächstes: Dialog mit dem Referenten"
    )
    screenshot(projector, "seed-projector-input-talk.png")
    screenshot(phones["Alex"], "seed-phone-input-talk.png")

    clicks("start: dialogue")
    next_phase(console, clicks, "Dialog mit dem Referenten", workshop)
    expect_phase([*phones.values(), projector], "Dialog mit dem Referenten")

    # ---- Group work: hidden brainstorming on both walls at once.
    clicks("start: brainstorming")
    next_phase(console, clicks, "Gruppenarbeit: Brainstorming", workshop)
    expect(projector.locator(".projector__frame")).to_have_attribute(
        "data-view", "groups", timeout=LIVE_TIMEOUT
    )
    for board in (mobility, retail):
        board.refresh_from_db()
        assert board.mode == Board.Mode.HIDDEN
    # A 10-minute countdown for the room: every screen shows the same time.
    clicks("timer")
    row = console.locator('form[data-timer-controls="timer-room"]')
    row.get_by_label("Minuten", exact=True).fill("10")
    clicks.click(row.locator("button[value=start]"))
    for page in (*phones.values(), projector):
        expect(page.locator("#timer-room")).to_have_attribute(
            "data-state", "running", timeout=LIVE_TIMEOUT
        )
        expect(page.locator("#timer-room [data-timer-digits]")).to_have_text(
            re.compile(r"^(10:00|9:[0-5]\d)$")
        )
    assert workshop.timers.get(group=None).ends_at is not None
    screenshot(projector, "seed-projector-brainstorming-timer.png")
    for name, phone in phones.items():
        expect(phone.locator("form[data-composer]")).to_be_visible(timeout=LIVE_TIMEOUT)
        pin(phone, IDEAS[name])
    eventually(
        console, lambda: Card.objects.filter(state=Card.State.SECRET).count() == 4, "4 cards"
    )
    # Nobody sees another's hidden card: Bo's phone has none of Alex's text.
    expect(phones["Bo"].locator("body")).not_to_contain_text(IDEAS["Alex"])
    expect(projector.locator("body")).not_to_contain_text(IDEAS["Alex"])

    # ---- Clustering: entering the phase reveals every card on every screen.
    clicks("start: clustering")
    next_phase(console, clicks, "Gruppenarbeit: Clustern", workshop)
    for page in (phones["Bo"], projector):
        expect(wall(page, mobility.pk)).to_contain_text(IDEAS["Alex"], timeout=LIVE_TIMEOUT)
    clicks("cluster")
    mod = console
    mod.goto(f"/w/{workshop.pk}/boards/{mobility.pk}/")
    alex_card = Card.objects.get(text=IDEAS["Alex"])
    clicks.click(mod.locator(f"#card-{alex_card.pk} [data-merge-pick]"))
    heading = mod.locator("#mod-cluster-heading")
    heading.fill("Takt und Anbindung")
    clicks.steps["cluster"] += 1  # Enter
    heading.press("Enter")
    eventually(
        mod,
        lambda: Cluster.objects.filter(board=mobility, cards=alex_card).exists(),
        "a cluster with Alex's card",
    )
    cluster = Cluster.objects.get(board=mobility)
    for page in (phones["Alex"], projector):
        expect_agrees_with_db(page, mobility)
    mod.goto(f"/w/{workshop.pk}/")
    expect_live(mod)

    # ---- Dot voting: a round opens on both walls; the phones place their dots.
    clicks("start: dot voting")
    next_phase(console, clicks, "Gruppenarbeit: Punkte kleben", workshop)
    for board in (mobility, retail):
        assert board.voting_rounds.filter(closed_at=None).count() == 1
    expect(phones["Bo"].locator(f'[data-vote][data-target="card-{alex_card.pk}"]')).to_be_visible(
        timeout=LIVE_TIMEOUT
    )
    tap_vote(phones["Bo"], f"card-{alex_card.pk}")
    tap_vote(phones["Alex"], f"card-{alex_card.pk}")
    eventually(console, lambda: alex_card.votes.count() == 2, "two dots")

    # ---- Dana's phone goes offline; the plenary begins; every other phone follows.
    proxy.cut()
    clicks("start: plenary")
    next_phase(console, clicks, "Plenum: Ergebnisse der Gruppen", workshop)
    for board in (mobility, retail):
        assert not board.voting_rounds.filter(closed_at=None).exists()
    for name in ("Alex", "Bo", "Cem"):
        expect(phones[name]).to_have_url(re.compile(f"/b/{plenary.pk}/$"), timeout=LIVE_TIMEOUT)
        expect(banner(phones[name])).to_contain_text("Plenum: Ergebnisse der Gruppen")
        expect_live(phones[name])
    expect(projector.locator(".projector__frame")).to_have_attribute(
        "data-view", "plenary", timeout=LIVE_TIMEOUT
    )
    # Back online: Dana's phone reconnects, gets the phase with its snapshot, and follows.
    expect(dana).to_have_url(re.compile(f"/b/{retail.pk}/$"))
    proxy.restore()
    expect(dana).to_have_url(re.compile(f"/b/{plenary.pk}/$"), timeout=30_000)
    expect(banner(dana)).to_contain_text("Plenum: Ergebnisse der Gruppen")
    expect_live(dana)

    # ---- The spotlight: the facilitator puts Mobilität's cluster on every screen.
    clicks("spotlight")
    with console.expect_navigation():
        clicks.click(console.get_by_role("link", name="Plenum", exact=True))
    expect_live(console)
    clicks.click(console.locator(f"#plenary-cluster-{cluster.pk} .pcluster__head .spot-button"))
    for page in (*phones.values(), projector):
        spot = page.locator("#spotlight.spotlight--on")
        expect(spot.locator(".spotlight__title")).to_have_text(
            "Takt und Anbindung", timeout=LIVE_TIMEOUT
        )
    workshop.refresh_from_db()
    assert (workshop.spotlight_kind, workshop.spotlight_id) == ("cluster", cluster.pk)
    screenshot(projector, "seed-projector-plenary-spotlight.png")
    screenshot(phones["Bo"], "seed-phone-plenary-spotlight.png")
    clicks("spotlight back")
    clicks.click(console.locator("#spotlight .spotlight__clear button"))
    for page in (*phones.values(), projector):
        expect(page.locator("#spotlight")).not_to_have_class(
            re.compile("spotlight--on"), timeout=LIVE_TIMEOUT
        )

    # ---- Synergies: two links between the groups, each with its note.
    clicks("synergies: parallels and synergies")
    console.goto(f"/w/{workshop.pk}/")
    next_phase(console, clicks, "Plenum: Parallelen und Synergien", workshop)
    with console.expect_navigation():
        clicks.click(console.locator(f'a[href="/w/{workshop.pk}/synergies/"]'))
    cem_card = Card.objects.get(text=IDEAS["Cem"])
    bo_card = Card.objects.get(text=IDEAS["Bo"])
    dana_card = Card.objects.get(text=IDEAS["Dana"])
    notes = {
        "Eine erreichbare Innenstadt trägt ÖPNV und Handel": (
            f"cluster-{cluster.pk}",
            f"card-{cem_card.pk}",
            "synergy",
        ),
        "Park-and-Ride braucht Parkplätze, die autofreie Innenstadt nimmt sie": (
            f"card-{bo_card.pk}",
            f"card-{dana_card.pk}",
            "conflict",
        ),
    }
    clicks("link")
    for n, (note, (source, target, kind)) in enumerate(notes.items(), start=1):
        console.locator("#link-new-source").select_option(source)
        console.locator("#link-new-target").select_option(target)
        clicks.click(console.locator(f"#link-new-kind-{kind}"))
        console.locator("#link-new-note").fill(note)
        clicks.click(console.locator("#link-new button[type=submit]"))
        eventually(console, lambda n=n: workshop.links.count() == n, f"{n} links")
        # The answer swaps in a fresh form; the next link is picked in that one, not in the old.
        expect(console.locator("#link-new-note")).to_have_value("", timeout=LIVE_TIMEOUT)
    clicks.steps["link"] += 4  # the two picks (a select each) per link
    for page in (phones["Alex"], phones["Dana"], projector):
        for note in notes:
            expect(page.locator("#synergies-links")).to_contain_text(note, timeout=LIVE_TIMEOUT)
    assert sorted(workshop.links.values_list("note", flat=True)) == sorted(notes)

    # ---- Conclusions: two, with the actors they need.
    clicks("conclude")
    actors = {a.name: a for a in workshop.actors.all()}
    conclusions = (
        (
            "conclusion",
            "Wirtschaft und Verwaltung gestalten die Innenstadt gemeinsam",
            ("Wirtschaft", "Verwaltung"),
        ),
        (
            "step",
            "Runder Tisch Innenstadt mit Handel und Verkehrsbetrieb",
            ("Verwaltung", "Zivilgesellschaft"),
        ),
    )
    for n, (kind, text, needs) in enumerate(conclusions, start=1):
        form = console.locator("#conclusion-new")
        clicks.click(form.locator(f"#conclusion-new-kind-{kind}"))
        form.locator("#conclusion-new-text").fill(text)
        for name in needs:
            clicks.click(form.locator(f"#conclusion-new-actor-{actors[name].pk}"))
        clicks.click(form.locator("button[type=submit]"))
        eventually(console, lambda n=n: workshop.conclusions.count() == n, f"{n} conclusions")
    for kind, text, needs in conclusions:
        made = workshop.conclusions.get(text=text)
        assert made.kind == kind
        assert sorted(a.name for a in made.actors.all()) == sorted(needs)
        for page in (phones["Cem"], projector):
            expect(page.locator("#synergies-conclusions")).to_contain_text(
                text, timeout=LIVE_TIMEOUT
            )
    screenshot(projector, "seed-projector-synergies.png")
    phones["Cem"].locator("#synergies-links").scroll_into_view_if_needed()
    screenshot(phones["Cem"], "seed-phone-synergies.png")

    clicks("conclusion phase")
    console.goto(f"/w/{workshop.pk}/")
    next_phase(console, clicks, "Fazit und nächste Schritte", workshop)
    expect_phase([*phones.values(), projector], "Fazit und nächste Schritte")
    screenshot(console, "seed-console-agenda.png")
    # For people to read (the closing note quotes it), beside the screenshots.
    (SCREENSHOTS / "seed-clicks.json").write_text(json.dumps(clicks.steps, indent=1))
