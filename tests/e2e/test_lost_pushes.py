"""Pushes that are lost, late or out of order on their way to a phone (scenarios 18 and 19).

The phone's socket goes through the test (Playwright's `route_web_socket`): the server is the
real daphne, its frames are real; the test drops one, holds some back or swaps two, as a
channel layer under load or a bad network would. The page's own client code has to repair
it: a lost last push within seconds (the board's revision signal), a push overtaken by a
later one without fetching the board, a card that arrives in the snapshot and as a push
exactly once.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from boards.models import Board, Card
from boards.services import GroupSpec, workshop_create_with_groups
from tests import tally
from tests.e2e.conftest import cards, choose_group_and_join, expect_live, pin

pytestmark = pytest.mark.e2e

# A lost last push must be repaired well within this (the 30 s safety resync is far off).
REPAIR_SECONDS = 5


class Relay:
    """The phone's socket, through the test: the server's frames pass unless told otherwise."""

    def __init__(self) -> None:
        self.drop: Callable[[str], bool] | None = None
        self.dropped: list[str] = []
        self.holding = False
        self.held: list[str] = []
        self.page_side: WebSocketRoute | None = None
        self.connects = 0

    def route(self, socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        self.page_side = socket
        self.connects += 1

        def from_server(message: str | bytes) -> None:
            text = message if isinstance(message, str) else message.decode()
            if self.drop is not None and self.drop(text):
                tally.count("fault")
                self.drop = None
                self.dropped.append(text)
                return
            if self.holding:
                self.held.append(text)
                return
            socket.send(text)

        server.on_message(from_server)
        socket.on_message(lambda message: server.send(message))

    def release(self, order: Callable[[list[str]], list[str]] = lambda frames: frames) -> None:
        tally.count("fault")
        frames, self.held, self.holding = order(self.held), [], False
        assert self.page_side is not None
        for frame in frames:
            self.page_side.send(frame)


def card_push(text: str) -> Callable[[str], bool]:
    """The push of the new card `text` (not a snapshot, not a heartbeat)."""
    return lambda frame: text in frame and "data-snapshot" not in frame


@pytest.fixture
def workshop(facilitator):
    return workshop_create_with_groups(
        user=facilitator,
        title="Ein wackliges Netz",
        groups=[GroupSpec("Mobilität", "Wie kommen wir ohne Auto in die Stadt?")],
    )


def joined_phone(screens, workshop, name: str, relay: Relay | None = None) -> Page:
    """A phone in the group "Mobilität", live; its socket through `relay` if one is given."""
    phone = screens.phone()
    if relay is not None:
        phone.context.route_web_socket(re.compile(r"/ws/"), relay.route)
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name=name)
    expect_live(phone)
    return phone


def relayed_phone(screens, workshop, name: str) -> tuple[Page, Relay]:
    relay = Relay()
    return joined_phone(screens, workshop, name, relay), relay


def snapshot_fetches(page: Page, board_id: int) -> list[str]:
    fetched: list[str] = []
    page.on(
        "request",
        lambda request: (
            fetched.append(request.url)
            if request.url.endswith(f"/b/{board_id}/snapshot/")
            else None
        ),
    )
    return fetched


def expect_board_equals_database(page: Page, board: Board) -> None:
    board.refresh_from_db()
    expect(page.locator(f"#board-{board.pk}-rev")).to_have_attribute("data-rev", str(board.rev))
    texts = list(Card.objects.filter(board=board, deleted_at=None).values_list("text", flat=True))
    expect(cards(page, board.pk)).to_have_count(len(texts))
    for text in texts:
        expect(cards(page, board.pk, text)).to_have_count(1)


def test_a_lost_last_push_is_repaired_within_seconds(screens, workshop):
    board = Board.objects.of_groups().get(workshop=workshop)
    phone, relay = relayed_phone(screens, workshop, "Wackelkontakt")
    other = joined_phone(screens, workshop, "Stabil")

    pin(other, "Radwege lückenlos verbinden")
    expect(cards(phone, board.pk, "Radwege lückenlos verbinden")).to_have_count(1)

    # The last change of the board: its push never reaches the phone, and nothing follows.
    lost = "Carsharing an jedem Bahnhof"
    relay.drop = card_push(lost)
    pin(other, lost)
    expect(cards(other, board.pk, lost)).to_have_count(1)
    started = time.monotonic()
    # Generous for a slow machine; the measured repair is in the benchmark, not asserted here.
    expect(cards(phone, board.pk, lost)).to_have_count(1, timeout=REPAIR_SECONDS * 3000)
    repaired = time.monotonic() - started
    assert relay.dropped, "the push was never dropped: the test proved nothing"
    assert relay.connects == 1  # repaired over HTTP, not by a new socket
    print(f"lost last push repaired after {repaired:.1f} s")
    expect_board_equals_database(phone, board)


def test_a_push_lost_in_a_burst_is_repaired_and_nothing_is_doubled(screens, workshop):
    board = Board.objects.of_groups().get(workshop=workshop)
    phone, relay = relayed_phone(screens, workshop, "Wackelkontakt")
    other = joined_phone(screens, workshop, "Eilig")

    texts = [f"Idee Nummer {n}" for n in range(1, 9)]
    relay.drop = card_push(texts[3])
    for text in texts:
        pin(other, text)
    expect(cards(other, board.pk)).to_have_count(len(texts))
    for text in texts:
        expect(cards(phone, board.pk, text)).to_have_count(1)
    assert relay.dropped
    expect_board_equals_database(phone, board)


def test_pushes_that_overtake_each_other_are_put_in_order_without_a_snapshot(screens, workshop):
    board = Board.objects.of_groups().get(workshop=workshop)
    phone, relay = relayed_phone(screens, workshop, "Geduldig")
    fetched = snapshot_fetches(phone, board.pk)
    other = joined_phone(screens, workshop, "Schnell")

    # Two pushes held back, then delivered in the wrong order: the later one first.
    relay.holding = True
    pin(other, "Erste Idee")
    expect(cards(other, board.pk, "Erste Idee")).to_have_count(1)
    pin(other, "Zweite Idee")
    expect(cards(other, board.pk, "Zweite Idee")).to_have_count(1)
    wait_for(phone, lambda: sum(card_push("Idee")(frame) for frame in relay.held) >= 2)
    pushes = [frame for frame in relay.held if card_push("Idee")(frame)]
    assert len(pushes) == 2
    relay.release(lambda frames: [pushes[1], pushes[0]] + [f for f in frames if f not in pushes])
    expect(cards(phone, board.pk, "Zweite Idee")).to_have_count(1)
    expect(cards(phone, board.pk, "Erste Idee")).to_have_count(1)
    expect_board_equals_database(phone, board)
    # The revision signal has come by now too: the phone was never behind it.
    phone.wait_for_timeout(2500)
    assert fetched == [], "the phone fetched the board although nothing was lost"
    expect_board_equals_database(phone, board)


@pytest.mark.parametrize("push_first", [False, True], ids=["snapshot-first", "push-first"])
def test_a_card_in_the_snapshot_and_in_a_push_appears_once(screens, workshop, push_first):
    """A card committed while a socket connects is in its snapshot and comes as a push too
    (the socket had joined the board's group already): the phone shows it once. The server
    sends the snapshot first; a phone that still had the old state takes the push first."""
    board = Board.objects.of_groups().get(workshop=workshop)
    phone, relay = relayed_phone(screens, workshop, "Gerade verbunden")
    other, witness = relayed_phone(screens, workshop, "Zeugin")

    # The card is committed while the phone is (re)connecting: it hears nothing of it yet.
    relay.holding = witness.holding = True
    text = "Mitfahrbank am Marktplatz"
    pin(other, text)
    wait_for(other, lambda: any(card_push(text)(frame) for frame in witness.held))
    # The card's push as the server sent it to a phone of the group (every phone's is the same).
    push = next(frame for frame in witness.held if card_push(text)(frame))
    witness.release()
    relay.held = []

    # The phone's new socket: its snapshot holds the card already.
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    wait_for(phone, lambda: any("data-snapshot" in f and text in f for f in relay.held))
    expect(cards(phone, board.pk, text)).to_have_count(0)
    relay.release(lambda frames: [push, *frames] if push_first else [*frames, push])
    expect(cards(phone, board.pk, text)).to_have_count(1)
    phone.wait_for_timeout(500)
    expect(cards(phone, board.pk, text)).to_have_count(1)
    expect_board_equals_database(phone, board)


def wait_for(page: Page, condition: Callable[[], bool], seconds: float = 15) -> None:
    """Let the page's events run until `condition` holds (frames reach the relay meanwhile)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        page.wait_for_timeout(50)


def test_an_older_dot_count_never_replaces_a_newer_one(screens, workshop, facilitator):
    """What only one participant sees (#board-N-me: their dots) carries no revision: two of its
    pushes swapped on the way must still leave the newest on the page."""
    from boards.services import card_create
    from boards.services.voting import voting_start

    board = Board.objects.of_groups().get(workshop=workshop)
    voter = joined_phone(screens, workshop, "Zwei Tabs")
    for text in ("Mehr Busse am Abend", "Sichere Radständer"):
        card_create(board=board, text=text, client_uuid=uuid.uuid4(), user=facilitator)
    voting_start(board=board, user=facilitator, dots_per_participant=3, max_per_target=3)
    voter.reload()
    expect_live(voter)
    # The same person's second tab (same session), its socket relayed by the test.
    relay = Relay()
    second = voter.context.new_page()
    second.route_web_socket(re.compile(r"/ws/"), relay.route)
    second.goto(f"/b/{board.pk}/")
    expect_live(second)
    me = f"#board-{board.pk}-me"
    expect(second.locator(me)).to_have_attribute("data-dots-left", "3")

    relay.holding = True
    for left, text in ((2, "Mehr Busse am Abend"), (1, "Sichere Radständer")):
        cards(voter, board.pk, text).locator("[data-vote-cast]").click()
        expect(voter.locator(me)).to_have_attribute("data-dots-left", str(left))
    wait_for(second, lambda: sum("data-personal" in f for f in relay.held) >= 2)
    personal = [f for f in relay.held if "data-personal" in f and "data-snapshot" not in f]
    assert [re.search(r'data-dots-left="(\d)"', f).group(1) for f in personal[:2]] == ["2", "1"]
    # The newer first, then the older one: the page keeps the newer.
    relay.release(
        lambda frames: [personal[1], personal[0]] + [f for f in frames if f not in personal]
    )
    second.wait_for_timeout(500)
    expect(second.locator(me)).to_have_attribute("data-dots-left", "1")
    expect(second.locator("[data-dots-left-text]")).to_contain_text("1")
