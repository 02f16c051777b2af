"""The metaplan wall in the room, issue 3: hidden cards, reveal, clusters, merge, dot voting.

One group ("Mobilität") on a laptop (the facilitator's moderation wall), a projector and
three phones, all against the real daphne:

1. The facilitator switches the board to hidden brainstorming (the mode form). Three phones
   write hidden cards, two of them the same text. Each phone sees only its own cards; the
   moderation wall and the projector show a count, and no text is in their HTML.
2. "Reveal all cards": every screen shows all cards.
3. Two clusters from the "New cluster" form; three cards dragged in with the mouse
   (SortableJS, real pointer moves), one moved with the keyboard alone ("Move to").
4. The duplicate is merged ("Select" on both, "Merge selected cards"): "+1" on every screen.
5. Dot voting (3 dots, cumulative, totals hidden): the phones tap + and minus, the dots-left
   line follows, a tap with no dots left stores nothing; only the facilitator sees totals.
6. Closing the round: the projector shows the ranking, numbers as in the database.
7. Every screen agrees with the database: cards on the wall, their order, clusters.

Screenshots (tests/e2e/screenshots/, for people to look at): moderation-wall.png,
phone-voting.png, projector-ranking.png.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from boards.models import Board, Card, Cluster, Vote, VotingRound
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import (
    LIVE_TIMEOUT,
    SCREENSHOTS,
    choose_group_and_join,
    expect_live,
    log_in,
    pin,
)

pytestmark = pytest.mark.e2e

DUPLICATE = "Busse öfter takten"
BIKE_LANES = "Radwege durchgehend ausbauen"
CAR_SHARING = "Carsharing am Bahnhof"
NIGHT_BUS = "Nachtbus am Wochenende"
BIKE_RACKS = "Sichere Fahrradständer"
WRITES = {
    "Alex": [DUPLICATE, BIKE_LANES],
    "Bo": [DUPLICATE, CAR_SHARING],
    "Cem": [NIGHT_BUS, BIKE_RACKS],
}
ALL_TEXTS = {text for texts in WRITES.values() for text in texts}
BUS = "Bus und Bahn"
BIKE = "Rad und Teilen"


@pytest.fixture
def workshop(facilitator):
    return workshop_create_with_groups(
        user=facilitator,
        title="Mobilitätswerkstatt",
        groups=[GroupSpec("Mobilität", "Wie kommen wir 2030 durch die Stadt?")],
    )


# ---------------------------------------------------------------- small helpers


def wall(page: Page, board_id: int) -> Locator:
    return page.locator(f"section#board-{board_id}")


def wall_card(page: Page, board_id: int, text: str) -> Locator:
    exact = page.locator(".card__text", has_text=re.compile(f"^\\s*{re.escape(text)}\\s*$"))
    return wall(page, board_id).locator("li[data-card]", has=exact)


def eventually(page: Page, check: Callable[[], bool], what: str, timeout: float = 10_000) -> None:
    """Poll the database (what daphne committed) while the browsers keep running."""
    waited = 0.0
    while not check():
        if waited >= timeout:
            pytest.fail(f"not within {timeout / 1000:.0f}s: {what}")
        page.wait_for_timeout(100)
        waited += 100


def expect_same_rev(page: Page, board: Board) -> None:
    """The page has the board's newest state (every change bumps the revision)."""
    board.refresh_from_db()
    expect(page.locator(f"#board-{board.pk}-rev")).to_have_attribute(
        "data-rev", str(board.rev), timeout=LIVE_TIMEOUT
    )


def drag(page: Page, card: Locator, target: Locator) -> None:
    """Drag with the mouse as a person does: press, move in small steps, pause, release.

    SortableJS (native drag and drop in Chromium) reacts to real pointer moves only; a
    jump straight to the target is not a drag.
    """
    card.scroll_into_view_if_needed()
    handle = card.locator(".card__text")
    box = handle.bounding_box()
    assert box, "the card is not on the screen"
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 6, y + 6, steps=4)
    page.wait_for_timeout(100)
    # The wall moves under the pointer while the card travels (the tray it leaves gets
    # shorter, a list it passes makes room): aim again at where the target is now.
    for _ in range(4):
        goal = target.bounding_box()
        assert goal, "the drop target left the screen"
        to_x, to_y = goal["x"] + goal["width"] / 2, goal["y"] + min(goal["height"] / 2, 40)
        page.mouse.move(to_x, to_y, steps=12)
        page.wait_for_timeout(150)
        if target.evaluate(
            "(el, p) => el.contains(document.elementFromPoint(p[0], p[1]))", [to_x, to_y]
        ):
            break
    page.mouse.up()


def picture(page: Page, name: str, *, full_page: bool = False) -> None:
    """A screenshot that leaves the page as it was.

    Playwright hides the caret by writing a `style` attribute on every input and leaves an
    empty one behind; htmx copies old attributes onto the new elements of the next live
    update, which the CSP (no inline styles) reports. `caret="initial"` touches nothing.
    """
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / name), full_page=full_page, animations="disabled", caret="initial"
    )


def expected_wall(board: Board) -> tuple[list[Card], list[tuple[Cluster, list[Card]]], list[Card]]:
    """What every screen must show, from the database: the cards on the wall in page order."""
    on_wall = Card.objects.on_wall().filter(board=board).order_by("position", "created_at", "pk")
    clusters = [
        (cluster, [card for card in on_wall if card.cluster_id == cluster.pk])
        for cluster in board.clusters.order_by("position", "pk")
    ]
    loose = [card for card in on_wall if card.cluster_id is None]
    in_order = [card for _cluster, members in clusters for card in members] + loose
    return in_order, clusters, loose


def expect_texts(locator: Locator, cards: list[Card]) -> None:
    if cards:
        expect(locator).to_have_text([card.text for card in cards], timeout=LIVE_TIMEOUT)
    else:
        expect(locator).to_have_count(0, timeout=LIVE_TIMEOUT)


def expect_agrees_with_db(page: Page, board: Board) -> None:
    """The wall on this page is the database's: cards, their order, clusters, nothing else."""
    in_order, clusters, loose = expected_wall(board)
    section = wall(page, board.pk)
    expect_texts(section.locator("li[data-card] .card__text"), in_order)
    expect(section.locator("section[data-cluster]")).to_have_count(len(clusters))
    for cluster, members in clusters:
        expect(page.locator(f"#cluster-{cluster.pk}-title")).to_have_text(cluster.title)
        expect_texts(
            page.locator(f"#cluster-{cluster.pk}-cards > li[data-card] .card__text"), members
        )
    expect_texts(page.locator(f"#board-{board.pk}-cards > li[data-card] .card__text"), loose)
    shown = section.locator("li[data-card]").evaluate_all(
        "els => els.map(el => Number(el.dataset.cardId))"
    )
    assert shown == [card.pk for card in in_order]


def tap_vote(phone: Page, target: str, *, plus: bool = True) -> None:
    """One tap on + (or -) of a card or cluster; returns when the server has answered."""
    button = "[data-vote-cast]" if plus else "[data-vote-retract]"
    with phone.expect_response(lambda response: "/votes/" in response.url) as answer:
        phone.locator(f'[data-vote][data-target="{target}"] {button}').tap()
    assert answer.value.status == 200, answer.value.text()


def expect_dots_left(phone: Page, left: int, total: int = 3) -> None:
    line = phone.locator("[data-dots-left-line] [data-dots-left-text]")
    if left:
        expect(line).to_have_text(f"Sie haben noch {left} von {total} Punkten")
    else:
        expect(line).to_have_text(
            f"Alle {total} Punkte vergeben. Mit \N{MINUS SIGN} können Sie einen umsetzen."
        )
    expect(phone.locator("[data-dots-left-dots] .dot--on")).to_have_count(left)


def read_ranking(page: Page, board_id: int, kind: str) -> list[tuple[str, str, int]]:
    """(place, name, dots) of each line of the ranking list `kind` (clusters or cards)."""
    rows = page.locator(f"#board-{board_id}-ranking .ranking__list--{kind} > li")
    out = []
    for row in rows.all():
        dots = re.search(r"\d+", row.locator(".rank__dots").inner_text())
        assert dots, row.inner_text()
        out.append(
            (
                row.locator(".rank__place").inner_text().strip(),
                row.locator(".rank__name").inner_text().strip(),
                int(dots.group()),
            )
        )
    return out


def expect_ranking(rows: list[tuple[str, str, int]], expected: dict[str, int]) -> None:
    """Names and dots as expected, most first, equal dots marked "=" (as on paper)."""
    assert {name: dots for _place, name, dots in rows} == expected
    assert len(rows) == len(expected)
    dots = [n for _place, _name, n in rows]
    assert dots == sorted(dots, reverse=True)
    places = [place for place, _name, _n in rows]
    assert places == ["=" if i and dots[i] == dots[i - 1] else str(i + 1) for i in range(len(rows))]


# ---------------------------------------------------------------- the scenario


def test_metaplan_wall(screens, facilitator, workshop):
    board = Board.objects.get(workshop=workshop, group__name="Mobilität")
    bid = board.pk

    # ---- The facilitator opens the moderation wall and chooses hidden brainstorming.
    mod = screens.laptop()
    log_in(mod, facilitator.username)
    mod.goto(f"/w/{workshop.pk}/boards/{bid}/")
    expect_live(mod)
    settings = mod.locator("form[action$='/configure/']", has=mod.locator("input[name=mode]"))
    settings.locator("input[name=mode][value=hidden]").check()
    settings.locator("button[type=submit]").click()
    expect(wall(mod, bid)).to_have_attribute("data-mode", "hidden")
    board.refresh_from_db()
    assert board.mode == Board.Mode.HIDDEN
    reveal = mod.locator("form[action$='/reveal/'] button[type=submit]")
    expect(reveal).to_be_disabled()  # nothing to reveal yet

    projector = screens.beamer()
    projector.goto(f"/p/{workshop.projector_token}/{bid}/")
    expect_live(projector)
    expect(wall(projector, bid)).to_have_attribute("data-mode", "hidden")

    # ---- Three phones join Mobilität and write hidden cards.
    phones: dict[str, Page] = {}
    for name in WRITES:
        phone = screens.phone()
        phone.goto(f"/j/{workshop.join_code}/")
        choose_group_and_join(phone, "Mobilität", name=name)
        expect_live(phone)
        expect(phone.locator("[data-wall-status]")).to_have_attribute("data-task", "write")
        expect(wall(phone, bid)).to_have_attribute("data-mode", "hidden")
        phones[name] = phone
    for name, texts in WRITES.items():
        phone = phones[name]
        for n, text in enumerate(texts, start=1):
            pin(phone, text)
            expect(phone.locator(f"#board-{bid}-me [data-own-card]")).to_have_count(n)
    eventually(
        mod,
        lambda: Card.objects.filter(board=board, state=Card.State.SECRET).count() == 6,
        "six hidden cards stored",
    )

    # Everyone has the newest state: six hidden cards, counted, nowhere on a wall.
    for page in (mod, projector, *phones.values()):
        expect_same_rev(page, board)
        expect(wall(page, bid).locator("li[data-card]")).to_have_count(0)
    for name, phone in phones.items():
        own = phone.locator(f"#board-{bid}-me [data-own-card] .card__text")
        expect(own).to_have_text(WRITES[name])
        expect(phone.locator("[data-wall-status] .task__meta")).to_contain_text("6")
        html = phone.content()
        for other in ALL_TEXTS - set(WRITES[name]):
            assert other not in html, f"{name}'s phone got someone else's hidden card {other!r}"
    # The facilitator's laptop (maybe on the projector) shows how many, not what.
    expect(mod.locator(".mod-count strong").first).to_have_text("6")
    expect(reveal).to_be_enabled()
    expect(wall(mod, bid).locator("[data-wall-status]")).to_contain_text("6")
    expect(wall(projector, bid).locator("[data-wall-status]")).to_contain_text("6")
    for page in (mod, projector):
        html = page.content()
        leaked = [text for text in ALL_TEXTS if text in html]
        assert not leaked, f"{page.url} shows hidden texts: {leaked}"

    # ---- Reveal: every screen shows all six cards at once.
    reveal.click()
    eventually(mod, lambda: Card.objects.on_wall().filter(board=board).count() == 6, "revealed")
    board.refresh_from_db()
    assert board.mode == Board.Mode.OPEN
    for page in (mod, projector, *phones.values()):
        expect(wall(page, bid).locator("li[data-card]")).to_have_count(6, timeout=LIVE_TIMEOUT)
        expect_agrees_with_db(page, board)
    for phone in phones.values():
        expect(phone.locator(f"#board-{bid}-me [data-own-card]")).to_have_count(0)
    expect(wall_card(projector, bid, DUPLICATE)).to_have_count(2)

    # ---- Two clusters from the "New cluster" form.
    heading = mod.locator("#mod-cluster-heading")
    for title in (BUS, BIKE):
        heading.fill(title)
        # The answer reloads the moderation panel, form included: the next heading is typed
        # into the new form, not into the one being replaced.
        with mod.expect_response(lambda r: "part=panel" in r.url):
            heading.press("Enter")
        expect(wall(mod, bid).locator(".cluster__title", has_text=title)).to_be_visible()
        expect(heading).to_have_value("")
    bus = Cluster.objects.get(board=board, title=BUS)
    bike = Cluster.objects.get(board=board, title=BIKE)
    for page in (projector, *phones.values()):
        expect(page.locator(f"#cluster-{bus.pk}-title")).to_have_text(BUS, timeout=LIVE_TIMEOUT)
        expect(page.locator(f"#cluster-{bike.pk}-title")).to_have_text(BIKE, timeout=LIVE_TIMEOUT)

    card_of = {
        (card.author.display_name, card.text): card
        for card in Card.objects.filter(board=board).select_related("author")
    }
    keeper = card_of["Alex", DUPLICATE]  # the duplicate that stays
    second = card_of["Bo", DUPLICATE]

    def cluster_of(card: Card) -> int | None:
        return Card.objects.get(pk=card.pk).cluster_id

    # Three cards dragged with the mouse: into an empty cluster, into the other one, and
    # into a cluster that has a card already.
    for card, cluster in (
        (card_of["Cem", NIGHT_BUS], bus),
        (card_of["Alex", BIKE_LANES], bike),
        (keeper, bus),
    ):
        expect_same_rev(mod, board)
        drag(mod, mod.locator(f"#card-{card.pk}"), mod.locator(f"#cluster-{cluster.pk}-cards"))
        eventually(
            mod,
            lambda card=card, cluster=cluster: cluster_of(card) == cluster.pk,
            f"{card.text!r} dragged into {cluster.title!r}",
        )
        expect(mod.locator(f"#cluster-{cluster.pk}-cards #card-{card.pk}")).to_be_visible()

    # One card by keyboard only: its Actions menu, "Move to", the cluster, "Move".
    racks = card_of["Cem", BIKE_RACKS]
    expect_same_rev(mod, board)
    mod.locator(f"#card-{racks.pk}-summary").focus()
    mod.keyboard.press("Enter")
    expect(mod.locator(f"#card-{racks.pk}-tools")).to_have_attribute("open", "")
    mod.keyboard.press("Tab")
    move_to = mod.locator(f"#card-{racks.pk}-move")
    expect(move_to).to_be_focused()
    options = move_to.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert options == ["", str(bus.pk), str(bike.pk)]
    for _ in range(options.index(str(bike.pk))):
        mod.keyboard.press("ArrowDown")
    expect(move_to).to_have_value(str(bike.pk))
    mod.keyboard.press("Tab")
    expect(
        mod.locator(f"#card-{racks.pk} form[data-move-form] button[type=submit]")
    ).to_be_focused()
    mod.keyboard.press("Enter")
    eventually(mod, lambda: cluster_of(racks) == bike.pk, "the card moved by keyboard")
    expect(mod.locator(f"#cluster-{bike.pk}-cards #card-{racks.pk}")).to_be_visible()
    # The menu closed, and the focus is back on its button.
    expect(mod.locator(f"#card-{racks.pk}-tools")).not_to_have_attribute("open", "")
    expect(mod.locator(f"#card-{racks.pk}-summary")).to_be_focused()

    for page in (mod, projector, *phones.values()):
        expect_agrees_with_db(page, board)
    members = Counter(Card.objects.on_wall().filter(board=board).values_list("cluster", "text"))
    assert members == {
        (bus.pk, NIGHT_BUS): 1,
        (bus.pk, DUPLICATE): 1,
        (bike.pk, BIKE_LANES): 1,
        (bike.pk, BIKE_RACKS): 1,
        (None, DUPLICATE): 1,
        (None, CAR_SHARING): 1,
    }
    picture(mod, "moderation-wall.png", full_page=True)

    # ---- Merge the duplicate: "Select" on both, "Merge selected cards".
    merge = mod.locator("[data-merge-submit]")
    expect(merge).to_be_disabled()
    mod.locator(f"#card-{keeper.pk} [data-merge-pick]").check()
    mod.locator(f"#card-{second.pk} [data-merge-pick]").check()
    expect(mod.locator("[data-selection-count]")).to_contain_text("2")
    expect(mod.locator("[data-merge-target] select")).to_have_value(str(keeper.pk))
    merge.click()
    eventually(
        mod,
        lambda: Card.objects.get(pk=second.pk).merged_into_id == keeper.pk,
        "the duplicate merged",
    )
    for page in (mod, projector, *phones.values()):
        expect(wall(page, bid).locator(f"#card-{second.pk}")).to_have_count(0)
        expect(wall_card(page, bid, DUPLICATE)).to_have_count(1)
        expect(wall(page, bid).locator(f"#card-{keeper.pk} .card__merged")).to_contain_text("+1")
        expect_agrees_with_db(page, board)

    # ---- Dot voting: 3 dots each, cumulative, totals hidden until the end.
    mod.locator("#mod-voting-details > summary").click()
    mod.locator("#vote-dots").fill("3")
    mod.locator("#vote-max").fill("3")
    start = mod.locator("form[action$='/voting/start/']")
    expect(start.locator("input[name=cumulative]")).to_be_checked()
    expect(start.locator("input[name=show_totals]")).not_to_be_checked()
    start.locator("button[type=submit]").click()
    eventually(mod, lambda: board.voting_rounds.filter(closed_at=None).exists(), "voting open")
    voting = VotingRound.objects.get(board=board)
    assert (voting.dots_per_participant, voting.max_per_target) == (3, 3)
    assert not voting.show_totals
    for phone in phones.values():
        expect(phone.locator("[data-wall-status]")).to_have_attribute(
            "data-task", "vote", timeout=LIVE_TIMEOUT
        )
        expect_dots_left(phone, 3)
    expect(mod.locator("form[action$='/voting/close/']")).to_be_visible()

    alex, bo, cem = phones["Alex"], phones["Bo"], phones["Cem"]
    busse, racks_key = f"card-{keeper.pk}", f"card-{racks.pk}"
    lanes_key, sharing_key = (
        f"card-{card_of['Alex', BIKE_LANES].pk}",
        f"card-{card_of['Bo', CAR_SHARING].pk}",
    )
    night_key = f"card-{card_of['Cem', NIGHT_BUS].pk}"

    # Alex puts all three dots: two on one card (cumulative), one on another.
    for n, target in enumerate((busse, busse, racks_key), start=1):
        tap_vote(alex, target)
        expect_dots_left(alex, 3 - n)
    expect(alex.locator(f'[data-vote][data-target="{busse}"] [data-my-dots] .dot')).to_have_count(2)
    # No dots left: + says so, and a fourth tap stores nothing.
    sharing_plus = alex.locator(f'[data-vote][data-target="{sharing_key}"] [data-vote-cast]')
    expect(sharing_plus).to_have_attribute("aria-disabled", "true")
    sent: list[str] = []
    alex.on(
        "request", lambda request: sent.append(request.url) if "/votes/" in request.url else None
    )
    sharing_plus.tap(force=True)
    expect_dots_left(alex, 0)
    alex.wait_for_timeout(500)  # would a request go out? (not a timing assertion)
    assert not sent
    assert voting.votes.filter(participant__display_name="Alex").count() == 3
    expect(alex.locator(f"#board-{bid}-me")).to_have_attribute("data-dots-left", "0")
    # Bo puts two and takes one back.
    tap_vote(bo, lanes_key)
    expect_dots_left(bo, 2)
    tap_vote(bo, sharing_key)
    expect_dots_left(bo, 1)
    tap_vote(bo, sharing_key, plus=False)
    expect_dots_left(bo, 2)
    expect(
        bo.locator(f'[data-vote][data-target="{sharing_key}"] [data-my-dots] .dot')
    ).to_have_count(0)
    # Cem: one on a cluster as a whole, two on cards.
    for n, target in enumerate((f"cluster-{bike.pk}", busse, night_key), start=1):
        tap_vote(cem, target)
        expect_dots_left(cem, 3 - n)

    assert Vote.objects.filter(round=voting).count() == 7
    per_person = Counter(
        vote.participant.display_name for vote in voting.votes.select_related("participant")
    )
    assert per_person == {"Alex": 3, "Bo": 1, "Cem": 3}
    # Totals hidden while voting: not on the phones, not on the projector; the facilitator
    # follows every dot.
    for page in (projector, *phones.values()):
        expect(wall(page, bid).locator(".dots-total")).to_have_count(0)
    expect(mod.locator(f"#card-{keeper.pk} .dots-total")).to_have_text("3", timeout=LIVE_TIMEOUT)
    bo.locator(f'[data-vote][data-target="{lanes_key}"]').scroll_into_view_if_needed()
    picture(bo, "phone-voting.png")

    # ---- Close voting: the ranking, with the database's numbers.
    mod.locator("form[action$='/voting/close/'] button[type=submit]").click()
    eventually(mod, lambda: VotingRound.objects.get(pk=voting.pk).closed_at is not None, "closed")
    votes = list(Vote.objects.filter(round=voting))
    on_wall = {card.pk: card for card in Card.objects.on_wall().filter(board=board)}
    card_dots = Counter(vote.card_id for vote in votes if vote.card_id in on_wall)
    cluster_dots = Counter({cluster.pk: 0 for cluster in board.clusters.all()})
    for vote in votes:
        if vote.cluster_id:
            cluster_dots[vote.cluster_id] += 1
        elif vote.card_id in on_wall and on_wall[vote.card_id].cluster_id:
            cluster_dots[on_wall[vote.card_id].cluster_id] += 1
    expected_clusters = {Cluster.objects.get(pk=pk).title: n for pk, n in cluster_dots.items()}
    expected_cards = {on_wall[pk].text: n for pk, n in card_dots.items()}
    # What the people in the room did, worked out by hand.
    assert expected_clusters == {BUS: 4, BIKE: 3}
    assert expected_cards == {DUPLICATE: 3, BIKE_RACKS: 1, BIKE_LANES: 1, NIGHT_BUS: 1}

    ranking = projector.locator(f"#board-{bid}-ranking")
    expect(ranking).to_be_visible(timeout=LIVE_TIMEOUT)
    expect(ranking.locator(".ranking__list--cards > li")).to_have_count(len(expected_cards))
    expect_ranking(read_ranking(projector, bid, "clusters"), expected_clusters)
    expect_ranking(read_ranking(projector, bid, "cards"), expected_cards)
    expect(ranking.locator(".ranking__list--clusters > li").first).to_contain_text(BUS)
    picture(projector, "projector-ranking.png")

    # ---- At the end every screen agrees with the database.
    for page in (mod, projector, *phones.values()):
        expect(page.locator(f"#board-{bid}-ranking")).to_be_visible(timeout=LIVE_TIMEOUT)
        expect(wall(page, bid)).to_have_attribute("data-voting", "closed")
        expect_same_rev(page, board)
        expect_agrees_with_db(page, board)
        expect(wall(page, bid).locator(f"#card-{keeper.pk} .dots-total")).to_have_text("3")
        expect(page.locator(f"#cluster-{bus.pk} .cluster__head .dots-total")).to_have_text("4")
    for phone in phones.values():
        expect(phone.locator("[data-vote]")).to_have_count(0)
