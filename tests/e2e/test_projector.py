"""The projector in the room, issue 6 (points 6 and 14): every view fits its screen, and the
join panel follows the workshop.

1. Walls of every size fit: 1, 2, 4 and 10 walls with up to 40 cards (short and long texts,
   some clusters), on 1920x1080 and 1280x720, and one wall's own view. On every page each
   visible card lies inside the viewport, its text is at least 24 px (18 px), no card
   covers another, nothing scrolls, and all pages together show every card on the walls
   exactly once. Clustered cards have their cluster's name on the same page.
2. A closed voting round shows the wall ranked: clusters and cards by their dots, with
   places, still fitting the screen.
3. The facilitator turns pages from the console (a reloaded projector stays on that page);
   closing joining, closing and reopening the workshop and a new code change the join panel
   of the open projector live, while the walls stay on the screen.

Screenshots (tests/e2e/screenshots/, for people to look at): projector-<n>-walls-<size>.png,
projector-ranked-<size>.png, projector-closed.png, projector-joining-closed.png.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from boards import services as board_services
from boards.models import Board, Card, VotingRound
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import LIVE_TIMEOUT, expect_live, log_in, screenshot
from workshop.models import Participant, Workshop

pytestmark = pytest.mark.e2e

SIZES = {"1920x1080": 24, "1280x720": 18}  # the smallest card text allowed at each size

SHORT = [
    "Busse öfter takten",
    "Nachtbus am Wochenende",
    "Sichere Fahrradständer",
    "Carsharing am Bahnhof",
    "Mehr Sitzbänke",
    "WLAN an Haltestellen",
    "Ladesäulen",
    "Tempo 30 vor Schulen",
    "Lieferzonen",
    "Parken teurer machen",
]
LONG = [
    "Haltestellen barrierefrei umbauen, mit Rampen und Blindenleitsystem, damit alle "
    "Menschen ohne fremde Hilfe unterwegs sein können",
    "Ein gemeinsamer Online-Marktplatz der Innenstadt, auf dem lokale Geschäfte ihre Waren "
    "zeigen und am selben Tag liefern",
    "Mobilitätsdatenplattform der Stadt: Fahrpläne, Baustellen und freie Parkplätze offen "
    "und maschinenlesbar bereitstellen",
    "Verkaufsoffene Abende mit Programm, Musik und Angeboten der Vereine",
    "Professionelle und direkte Beratung als Stärke zeigen",
]
CLUSTERS = ["Bus und Bahn", "Rad und Fuß", "Handel vor Ort"]
# Walls and the cards on each: up to 40, an empty one among the ten.
SCENARIOS = {
    1: [40],
    2: [15, 15],
    4: [40, 25, 12, 3],
    10: [40, 36, 30, 24, 18, 12, 8, 5, 2, 0],
}


def texts() -> itertools.cycle:
    """Short and long cards, mixed: two short, one long, again."""
    mixed = [t for trio in zip(SHORT[::2], SHORT[1::2], LONG * 2, strict=False) for t in trio]
    return itertools.cycle(mixed + SHORT[len(mixed) // 3 :])


def build(facilitator, counts: list[int], title: str = "Werkstatt Beamer") -> Workshop:
    """A workshop with one wall per count, filled through the services as people would."""
    workshop = workshop_create_with_groups(
        user=facilitator,
        title=title,
        groups=[
            GroupSpec(f"Gruppe {n + 1}", "Wie kommen wir 2030 durch die Stadt?" if n % 2 else "")
            for n in range(len(counts))
        ],
    )
    source = texts()
    for n, (board, cards) in enumerate(
        zip(workshop.boards.of_groups().order_by("pk"), counts, strict=True)
    ):
        made = [
            board_services.card_create(
                board=board,
                text=f"{next(source)} ({n + 1}.{i + 1})",
                client_uuid=_uuid(n, i),
                user=workshop.created_by,
            )[0]
            for i in range(cards)
        ]
        # Every other wall has clusters: the first half of its cards in two or three of them.
        if n % 2 == 0 and cards >= 4:
            half = made[: cards // 2]
            for c, title_ in enumerate(CLUSTERS[: 2 + (cards > 20)]):
                board_services.cluster_create(
                    board=board, title=title_, user=facilitator, cards=half[c :: 2 + (cards > 20)]
                )
    return workshop


def _uuid(n: int, i: int):
    import uuid

    return uuid.UUID(int=(n + 1) * 1000 + i)


@dataclass
class PageView:
    index: int
    pages: int
    cards: list[dict]
    blocks: list[dict]
    scroll: dict


MEASURE = """async stage => {
  // Once a live update that just arrived is laid out.
  const frame = () => new Promise(done => requestAnimationFrame(done));
  do { await frame(); } while (stage.hasAttribute('data-pending'));
  const box = el => { const r = el.getBoundingClientRect();
    return {top: r.top, left: r.left, bottom: r.bottom, right: r.right}; };
  const shown = el => el.checkVisibility({visibilityProperty: true, opacityProperty: false});
  const cards = [...document.querySelectorAll('[data-card]')].filter(shown).map(el => {
    const text = el.querySelector('.card__text');
    const cluster = el.closest('[data-cluster]');
    const wall = el.closest('section[data-board-id]');
    const head = cluster && cluster.querySelector('.cluster__head');
    const labels = [...wall.querySelectorAll('.pager-cont')].filter(shown)
      .map(l => l.dataset.group);
    return {id: Number(el.dataset.cardId), ...box(el), text: box(text),
      font: parseFloat(getComputedStyle(text).fontSize),
      overflows: text.scrollHeight > text.clientHeight + 1
        || text.scrollWidth > text.clientWidth + 1,
      cluster: cluster ? cluster.id : null,
      named: !cluster || (head && shown(head)) || labels.includes(cluster.id)};
  });
  const blocks = [...document.querySelectorAll('[data-card], .cluster__head, .pager-cont')]
    .filter(shown).map(el => ({what: el.id || el.className, ...box(el)}));
  const s = document.scrollingElement;
  return {index: Number(stage.dataset.page), pages: Number(stage.dataset.pages), cards, blocks,
    scroll: {h: s.scrollHeight, w: s.scrollWidth, ih: innerHeight, iw: innerWidth}};
}"""


def measure(page: Page) -> PageView:
    return PageView(**page.locator("[data-pager-stage]").evaluate(MEASURE))


def overlapping(blocks: list[dict]) -> list[tuple[str, str]]:
    out = []
    for a, b in itertools.combinations(blocks, 2):
        if (
            min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
        ):
            out.append((a["what"], b["what"]))
    return out


def open_projector(screens, workshop: Workshop, size: str, path: str = "") -> Page:
    page = screens.beamer() if size == "1920x1080" else screens.small_beamer()
    page.goto(f"/p/{workshop.projector_token}/{path}")
    expect_live(page)
    expect(page.locator("[data-pager-stage]")).to_have_attribute("data-pages", re.compile(r"\d"))
    return page


def turn_to(page: Page, index: int) -> None:
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-pager-stage]")).to_have_attribute("data-page", str(index))


def expect_fits(view: PageView, floor: int) -> None:
    """Every card of this page is whole, on the screen, readable, and covers nothing."""
    width, height = view.scroll["iw"], view.scroll["ih"]
    assert view.scroll["h"] <= height, f"page {view.index} scrolls: {view.scroll}"
    assert view.scroll["w"] <= width, f"page {view.index} scrolls sideways: {view.scroll}"
    for card in view.cards:
        assert card["left"] >= 0, card
        assert card["top"] >= 0, card
        assert card["right"] <= width, card
        assert card["bottom"] <= height, card
        assert card["font"] >= floor, card
        assert not card["overflows"], card
        assert card["named"], f"card {card['id']} without its cluster's name on the page"
    assert not overlapping(view.blocks), overlapping(view.blocks)


def page_through(page: Page, floor: int) -> list[PageView]:
    first = measure(page)
    assert first.index == 0
    views = [first]
    for index in range(1, first.pages):
        turn_to(page, index)
        views.append(measure(page))
    for view in views:
        expect_fits(view, floor)
    return views


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("walls", SCENARIOS)
def test_every_card_fits_on_some_page(screens, facilitator, walls, size):
    workshop = build(facilitator, SCENARIOS[walls])
    on_walls = Card.objects.on_wall().filter(board__workshop=workshop)
    assert on_walls.count() == sum(SCENARIOS[walls])

    projector = open_projector(screens, workshop, size)
    views = page_through(projector, SIZES[size])

    seen = Counter(card["id"] for view in views for card in view.cards)
    assert set(seen) == set(on_walls.values_list("pk", flat=True))
    assert max(seen.values()) == 1, "a card is on two pages"
    screenshot(projector, f"projector-{walls}-walls-{size}.png")
    # The label says so when there is more than one page.
    label = projector.locator("[data-pager-label]")
    if len(views) > 1:
        expect(label).to_have_text(f"Seite {len(views)} von {len(views)}")
    else:
        expect(label).to_be_hidden()
    print(f"{walls} walls at {size}: {len(views)} pages")


@pytest.mark.parametrize("size", SIZES)
def test_one_walls_own_view_fits_too(screens, facilitator, size):
    workshop = build(facilitator, [40, 12])
    board = workshop.boards.of_groups().order_by("pk").first()
    projector = open_projector(screens, workshop, size, path=f"{board.pk}/")
    views = page_through(projector, SIZES[size])
    seen = Counter(card["id"] for view in views for card in view.cards)
    assert set(seen) == set(Card.objects.on_wall().filter(board=board).values_list("pk", flat=True))
    assert max(seen.values()) == 1
    print(f"one wall of 40 on its own at {size}: {len(views)} pages")


# ---------------------------------------------------------------- a closed round, ranked


def vote(facilitator, board: Board, dots: dict[int, int]) -> VotingRound:
    """Open a round, let people put `dots` (card pk -> how many) and one on a cluster, close."""
    voting = board_services.voting_start(
        board=board, user=facilitator, dots_per_participant=3, max_per_target=3
    )
    people = itertools.count(1)
    for pk, n in dots.items():
        person = Participant.objects.create(
            workshop=board.workshop, group=board.group, display_name=f"P{next(people)}"
        )
        for _ in range(n):
            board_services.vote_cast(
                voting=voting, participant=person, card=Card.objects.get(pk=pk)
            )
    last = board.clusters.order_by("position").last()
    person = Participant.objects.create(workshop=board.workshop, group=board.group)
    board_services.vote_cast(voting=voting, participant=person, cluster=last)
    return board_services.voting_close(voting=voting, user=facilitator)


RANKED = """async stage => {
  const frame = () => new Promise(done => requestAnimationFrame(done));
  do { await frame(); } while (stage.hasAttribute('data-pending'));
  const shown = el => el.checkVisibility();
  const at = el => { const r = el.getBoundingClientRect(); return [r.left, r.top]; };
  const place = el => { const b = el.querySelector(':scope > .pager-place');
    return b ? b.textContent.trim() : ''; };
  const dots = el => { const d = el.querySelector(':scope > .dots-total');
    return d ? Number(d.textContent) : 0; };
  const wall = stage.querySelector('section[data-voting="closed"]');
  const card = el =>
    ({id: Number(el.dataset.cardId), at: at(el), place: place(el), dots: dots(el)});
  const clusters = [...wall.querySelectorAll('[data-cluster]')].map(c => {
    const head = c.querySelector('.cluster__head');
    return {id: c.id, at: at(head), shown: shown(head), place: place(head), dots: dots(head),
      cards: [...c.querySelectorAll('[data-card]')].filter(shown).map(card)};
  });
  const loose = [...wall.querySelectorAll(':scope > ol > [data-card]')].filter(shown).map(card);
  return {clusters, loose};
}"""


def reading_order(items: list[dict]) -> list[dict]:
    """As people read a wall laid out in columns: column by column, top to bottom."""
    return sorted(items, key=lambda item: (item["at"][0], round(item["at"][1]), item["at"][2]))


@pytest.mark.parametrize("size", SIZES)
def test_a_closed_round_shows_the_wall_ranked(screens, facilitator, size):
    workshop = build(facilitator, [16, 6], title="Werkstatt Punktabfrage")
    board = workshop.boards.of_groups().order_by("pk").first()
    cards = list(Card.objects.on_wall().filter(board=board).order_by("pk"))
    # Dots on the last cards of each cluster and on loose ones: the ranking turns the wall.
    wanted = {cards[7].pk: 3, cards[5].pk: 2, cards[15].pk: 2, cards[12].pk: 1, cards[1].pk: 1}
    voting = vote(facilitator, board, wanted)

    projector = open_projector(screens, workshop, size)
    page_through(projector, SIZES[size])  # fits, like every other wall
    stage = projector.locator("[data-pager-stage]")
    shown = {"clusters": {}, "loose": []}
    for index in range(int(stage.get_attribute("data-pages"))):
        projector.keyboard.press("Home")
        for _ in range(index):
            projector.keyboard.press("ArrowRight")
        expect(stage).to_have_attribute("data-page", str(index))
        if index == 0:
            screenshot(projector, f"projector-ranked-{size}.png")
        on_page = stage.evaluate(RANKED)
        for item in [*on_page["loose"], *(c for x in on_page["clusters"] for c in x["cards"])]:
            item["at"] = [index, *item["at"]]
        for cluster in on_page["clusters"]:
            cluster["at"] = [index, *cluster["at"]]
            known = shown["clusters"].setdefault(cluster["id"], {**cluster, "cards": []})
            if cluster["shown"] and not known["shown"]:
                known.update({k: v for k, v in cluster.items() if k != "cards"})
            known["cards"] += cluster["cards"]
        shown["loose"] += on_page["loose"]
    shown["clusters"] = list(shown["clusters"].values())

    totals = board_services.ranking(voting)
    expected_clusters = [cluster.pk for cluster, _dots in totals.clusters]
    heads = reading_order([c for c in shown["clusters"] if c["shown"]])
    assert [int(c["id"].split("-")[1]) for c in heads] == expected_clusters
    assert [c["dots"] for c in heads] == [dots for _cluster, dots in totals.clusters]
    # Places as on paper: equal dots share one.
    card_dots = [n for _card, n in totals.cards]
    places = {card.pk: str(card_dots.index(n) + 1) + "." for card, n in totals.cards if n}
    for cluster in shown["clusters"]:
        in_order = reading_order(cluster["cards"])
        assert [c["dots"] for c in in_order] == sorted((c["dots"] for c in in_order), reverse=True)
    everything = [c for cluster in shown["clusters"] for c in cluster["cards"]] + shown["loose"]
    for card in everything:
        assert card["place"] == places.get(card["id"], ""), card
        assert card["dots"] == wanted.get(card["id"], 0), card
    loose = reading_order(shown["loose"])
    assert [c["dots"] for c in loose] == sorted((c["dots"] for c in loose), reverse=True)
    expect(projector.locator(f"#board-{board.pk} .state-chip--result")).to_have_text(
        "Ergebnis der Punktabfrage"
    )


# ---------------------------------------------------------------- turned from the console


def test_the_console_turns_the_projectors_pages(screens, facilitator):
    workshop = build(facilitator, [20, 20, 20, 20], title="Werkstatt Seiten")
    console = screens.laptop()
    log_in(console, facilitator.username)
    console.goto(f"/w/{workshop.pk}/")
    expect_live(console)
    projector = open_projector(screens, workshop, "1280x720")
    stage = projector.locator("[data-pager-stage]")
    pages = int(stage.get_attribute("data-pages"))
    assert pages >= 3
    expect(stage).to_have_attribute("data-page", "0")

    controls = console.locator("#projector-controls")
    controls.get_by_role("button", name="Nächste Seite").click()
    expect(stage).to_have_attribute("data-page", "1", timeout=LIVE_TIMEOUT)
    expect(projector.locator("[data-pager-label]")).to_have_text(f"Seite 2 von {pages}")
    controls.get_by_role("button", name="Nächste Seite").click()
    expect(stage).to_have_attribute("data-page", "2", timeout=LIVE_TIMEOUT)
    # A reloaded projector shows the page the facilitators turned to.
    projector.reload()
    expect_live(projector)
    expect(stage).to_have_attribute("data-page", "2")
    # Back over the first page: the last one.
    # Quick clicks all count.
    for _ in range(3):
        controls.get_by_role("button", name="Vorherige Seite").click()
    expect(stage).to_have_attribute("data-page", str(pages - 1), timeout=LIVE_TIMEOUT)
    # The projector's own keys turn it locally too.
    projector.keyboard.press("PageDown")
    expect(stage).to_have_attribute("data-page", "0")
    projector.keyboard.press("ArrowLeft")
    expect(stage).to_have_attribute("data-page", str(pages - 1))

    auto = controls.get_by_role("button", name=re.compile("Automatisch blättern"))
    expect(auto).to_have_attribute("aria-pressed", "false")
    auto.click()
    expect(controls.get_by_role("button", name=re.compile("Automatisch"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(projector.locator("#projector-pager")).to_have_attribute(
        "data-auto", "true", timeout=LIVE_TIMEOUT
    )
    workshop.refresh_from_db()
    assert workshop.projector_auto


# ---------------------------------------------------------------- the join panel, live


def test_the_join_panel_follows_the_workshop(screens, facilitator):
    workshop = build(facilitator, [12, 8], title="Werkstatt Beitritt")
    projector = open_projector(screens, workshop, "1920x1080")
    panel = projector.locator("#projector-join")
    host = f"127.0.0.1:{screens.server.port}"
    expect(panel.locator("[data-join-address]")).to_have_text(host)
    expect(panel.locator("[data-join-code]")).to_have_text(workshop.join_code)
    qr = panel.locator("img.join-box__qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code did not load"

    laptop = screens.laptop()
    laptop.on("dialog", lambda dialog: dialog.accept())
    log_in(laptop, facilitator.username)
    laptop.goto(f"/w/{workshop.pk}/settings/")

    # Joining closed: no way in shown, the walls stay.
    laptop.locator("form[action$='/joining/'] button").click()
    expect(panel).to_contain_text("Beitritt geschlossen", timeout=LIVE_TIMEOUT)
    expect(panel.locator("[data-join-code], [data-join-address], img")).to_have_count(0)
    expect(projector.get_by_text(workshop.join_code)).to_have_count(0)
    expect_fits(measure(projector), SIZES["1920x1080"])
    screenshot(projector, "projector-joining-closed.png")
    laptop.locator("form[action$='/joining/'] button").click()
    expect(panel.locator("[data-join-code]")).to_have_text(workshop.join_code, timeout=LIVE_TIMEOUT)

    # A new code: the screen shows it (and its QR code) at once.
    old = workshop.join_code
    laptop.locator("form[action$='/code/renew/'] button").click()
    expect(panel.locator("[data-join-code]")).not_to_have_text(old, timeout=LIVE_TIMEOUT)
    workshop.refresh_from_db()
    expect(panel.locator("[data-join-code]")).to_have_text(workshop.join_code)
    expect(panel.locator("[data-join-address]")).to_have_text(host)
    assert workshop.join_code in (qr.get_attribute("src") or "")

    # The workshop ends: "Workshop beendet" over the walls, which stay readable.
    laptop.goto(f"/w/{workshop.pk}/")
    laptop.locator("form[action$='/close/'] button").click()
    expect(panel).to_contain_text("Workshop beendet", timeout=LIVE_TIMEOUT)
    expect(panel.locator("[data-join-code], [data-join-address], img")).to_have_count(0)
    view = measure(projector)
    expect_fits(view, SIZES["1920x1080"])
    assert len(view.cards) == 20, "every card stays on the screen"
    state = panel.locator(".projector-state").bounding_box()
    assert state
    assert all(card["top"] >= state["y"] + state["height"] for card in view.cards)
    screenshot(projector, "projector-closed.png")

    # Reopened: the way in is back.
    laptop.locator("form[action$='/reopen/'] button").click()
    expect(panel.locator("[data-join-code]")).to_have_text(workshop.join_code, timeout=LIVE_TIMEOUT)
    expect(panel.locator("[data-join-address]")).to_have_text(host)
