"""Rate limits on a real phone: told to wait (429), it says why and sends the card once later."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from boards.models import Card
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import (
    LIVE_TIMEOUT,
    Server,
    cards,
    choose_group_and_join,
    expect_live,
    pin,
    screenshot,
)
from tests.servers import Daphne, start_daphne

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def strict_daphne(daphne_server: Server, tmp_path_factory) -> Iterator[Daphne]:
    """A daphne of its own on the same database, letting a participant pin 2 cards in 6 s and
    place or take back 2 dots in 30 s."""
    log = tmp_path_factory.mktemp("strict") / "daphne.log"
    server = start_daphne(
        log,
        DATABASE_URL=f"sqlite:///{daphne_server.db_path}",
        DJANGO_DEBUG="true",
        STELLWAND_RATE_CARDS="2/6",
        STELLWAND_RATE_VOTES="2/30",
    )
    yield server
    server.stop()


@pytest.fixture
def workshop(facilitator):
    return workshop_create_with_groups(
        user=facilitator, title="Zu schnell", groups=[GroupSpec("Mobilität")]
    )


def test_a_phone_told_to_wait_shows_why_and_sends_the_card_exactly_once_later(
    screens, workshop, strict_daphne
):
    board = workshop.groups.get().board
    phone = screens.phone(base_url=f"http://127.0.0.1:{strict_daphne.port}")
    answers: list[tuple[str, int, str | None]] = []

    def record(response) -> None:
        request = response.request
        if request.method == "POST" and request.url.endswith("/cards/"):
            text = parse_qs(request.post_data or "").get("text", [""])[0]
            answers.append((text, response.status, response.headers.get("retry-after")))

    phone.on("response", record)
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)
    for text in ("Eins", "Zwei"):
        pin(phone, text)
        expect(cards(phone, board.pk, text)).to_have_count(1)
    pin(phone, "Drei")
    error = phone.locator("[data-composer-error]")
    expect(error).to_contain_text("Sehr viele Karten in kurzer Zeit. Bitte warten Sie")
    expect(phone.locator("[data-pending-list] li", has_text="Drei")).to_have_count(1)
    screenshot(phone, "phone-told-to-wait.png")
    pending = json.loads(phone.evaluate(f"localStorage.getItem('stellwand.pending.{board.pk}')"))
    assert [item["text"] for item in pending] == ["Drei"]
    ((_text, status, retry_after),) = [a for a in answers if a[0] == "Drei"]
    assert status == 429
    assert int(retry_after) >= 1
    # A new network while waiting: the outbox is flushed, and still waits.
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    expect_live(phone)
    phone.wait_for_timeout(500)
    assert [a[1] for a in answers if a[0] == "Drei"] == [429]
    # Once the wait is over, the card goes by itself: once, and the message goes with it.
    expect(cards(phone, board.pk, "Drei")).to_have_count(1, timeout=LIVE_TIMEOUT)
    expect(error).to_have_text("")
    expect(phone.locator("[data-pending-list] li")).to_have_count(0)
    assert [a[1] for a in answers if a[0] == "Drei"] == [429, 200]
    assert Card.objects.filter(board=board, text="Drei").count() == 1
    assert Card.objects.filter(board=board).count() == 3


def test_a_phone_told_to_stop_voting_waits_before_it_taps_again(
    screens, workshop, strict_daphne, facilitator
):
    import uuid

    from boards.services import card_create
    from boards.services.voting import voting_start

    board = workshop.groups.get().board
    phone = screens.phone(base_url=f"http://127.0.0.1:{strict_daphne.port}")
    votes: list[int] = []
    phone.on(
        "response",
        lambda r: votes.append(r.status) if r.url.endswith(f"/b/{board.pk}/votes/") else None,
    )
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Eilig")
    for text in ("Seilbahn", "Nachtbus"):
        card_create(board=board, text=text, client_uuid=uuid.uuid4(), user=facilitator)
    voting_start(board=board, user=facilitator, dots_per_participant=5, max_per_target=5)
    phone.reload()
    expect_live(phone)
    me = phone.locator(f"#board-{board.pk}-me")
    for left, text in ((4, "Seilbahn"), (3, "Nachtbus")):
        cards(phone, board.pk, text).locator("[data-vote-cast]").click()
        expect(me).to_have_attribute("data-dots-left", str(left))
    cards(phone, board.pk, "Seilbahn").locator("[data-vote-cast]").click()
    toast = phone.locator("[data-toast]")
    expect(toast).to_contain_text("Sie stimmen sehr schnell ab")
    assert votes == [200, 200, 429]
    # Further taps while told to wait send nothing, and say so again.
    phone.evaluate("document.querySelector('[data-toast]').hidden = true")
    cards(phone, board.pk, "Nachtbus").locator("[data-vote-cast]").click()
    expect(toast).to_be_visible()
    phone.wait_for_timeout(500)
    assert votes == [200, 200, 429]
    expect(me).to_have_attribute("data-dots-left", "3")
    assert Card.objects.filter(board=board).count() == 2
