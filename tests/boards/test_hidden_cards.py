"""Hidden brainstorming: before the reveal, a card's text reaches its author and nobody else.

Not over any socket (other phones, the facilitators' board and console, the projector), not in
any page or snapshot. After the reveal it reaches everyone. Collect mode: the facilitators see
the inbox, the other phones do not.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.test import Client
from django.urls import reverse

from boards import services
from boards.models import Board, Card
from tests.boards.test_consumers import TIMEOUT, board_path, open_socket
from tests.conftest import join_via_http

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "Geheimtipp von Kim: Seilbahn zum Bahnhof"
HANDED_IN = "Abgegeben von Kim: Nachtbus am Wochenende"


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def room(workshop, group_a, facilitator):
    """Kim and Lou in group A, the facilitator's laptop, and the board in hidden mode."""
    kim, lou = Client(), Client()
    kim_participant = join_via_http(kim, group_a, "Kim")
    join_via_http(lou, group_a, "Lou")
    laptop = Client()
    laptop.force_login(facilitator)
    return {
        "kim": kim,
        "kim_participant": kim_participant,
        "lou": lou,
        "laptop": laptop,
        "board": group_a.board,
        "workshop": workshop,
        "facilitator": facilitator,
    }


def set_mode(board, mode):
    services.board_configure(board=board, mode=mode)


async def drain(communicator, quiet=0.25) -> list[str]:
    """Every frame that arrives until the socket has been quiet for `quiet` seconds."""
    frames = []
    while not await communicator.receive_nothing(timeout=quiet):
        frames.append(await communicator.receive_from(timeout=TIMEOUT))
    return frames


async def drain_all(opened) -> dict[str, list[str]]:
    """Drain every socket at once (the services have sent everything before they return)."""
    names = list(opened)
    received = await asyncio.gather(*(drain(opened[name]) for name in names))
    return dict(zip(names, received, strict=True))


async def sockets(room):
    board, workshop = room["board"], room["workshop"]
    opened = {
        "kim": await open_socket(board_path(board), room["kim"]),
        "lou": await open_socket(board_path(board), room["lou"]),
        "board": await open_socket(board_path(board), room["laptop"]),
        "console": await open_socket(f"/ws/workshops/{workshop.pk}/", room["laptop"]),
        "projector": await open_socket(f"/ws/projector/{workshop.projector_token}/"),
    }
    await drain_all(opened)  # the snapshots on connect
    return opened


async def close(opened):
    for communicator in opened.values():
        await communicator.disconnect()


def post_card(client, board, text):
    response = client.post(
        reverse("card-post", args=[board.pk]),
        {"text": text, "client_uuid": str(uuid.uuid4())},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    return response.content.decode()


def pages(room) -> dict[str, str]:
    """Every page and snapshot that shows the board, by who looks."""
    board, workshop = room["board"], room["workshop"]
    token = workshop.projector_token
    urls = {
        "kim page": (room["kim"], reverse("board", args=[board.pk])),
        "kim snapshot": (room["kim"], reverse("board-snapshot", args=[board.pk])),
        "lou page": (room["lou"], reverse("board", args=[board.pk])),
        "lou snapshot": (room["lou"], reverse("board-snapshot", args=[board.pk])),
        "facilitator snapshot": (room["laptop"], reverse("board-snapshot", args=[board.pk])),
        "console": (room["laptop"], reverse("workshop:console", args=[workshop.pk])),
        "moderation": (
            room["laptop"],
            reverse("workshop:board", args=[workshop.pk, board.pk]),
        ),
        "projector": (Client(), reverse("projector", args=[token])),
        "projector board": (Client(), reverse("projector-board", args=[token, board.pk])),
        "projector snapshot": (
            Client(),
            reverse("projector-snapshot", args=[token, board.pk]),
        ),
    }
    out = {}
    for name, (client, url) in urls.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = response.content.decode()
    return out


async def test_hidden_card_reaches_only_its_author_until_revealed(room):
    board = room["board"]
    await database_sync_to_async(set_mode)(board, Board.Mode.HIDDEN)
    opened = await sockets(room)

    answer = await database_sync_to_async(post_card)(room["kim"], board, SECRET)
    assert SECRET in answer  # the author's own answer shows the card
    assert await database_sync_to_async(Card.objects.filter(state=Card.State.SECRET).count)() == 1

    frames = await drain_all(opened)
    for name in ("lou", "board", "console", "projector"):
        # Everyone hears that the wall changed (the count), but not what was written.
        assert frames[name], f"{name} heard nothing"
        assert any("data-snapshot" in f for f in frames[name]), name
        assert not [f for f in frames[name] if SECRET in f], f"{name} received the hidden text"
    assert not [f for f in frames["kim"] if "data-snapshot" in f and SECRET in f]
    personal = [f for f in frames["kim"] if "data-personal" in f]
    assert personal
    assert SECRET in personal[-1]

    # No page or snapshot shows it to anyone but Kim.
    shown = await database_sync_to_async(pages)(room)
    for name, html in shown.items():
        assert (SECRET in html) is name.startswith("kim"), name

    # A socket opened now gets the same: the text only on Kim's.
    late = {
        "lou": await open_socket(board_path(board), room["lou"]),
        "kim": await open_socket(board_path(board), room["kim"]),
        "console": await open_socket(f"/ws/workshops/{room['workshop'].pk}/", room["laptop"]),
    }
    late_frames = await drain_all(late)
    assert not [f for f in late_frames["lou"] + late_frames["console"] if SECRET in f]
    assert [f for f in late_frames["kim"] if "data-personal" in f and SECRET in f]
    await close(late)

    # The reveal: every socket receives it, in one snapshot each.
    count = await database_sync_to_async(services.cards_reveal)(
        board=board, user=room["facilitator"]
    )
    assert count == 1
    frames = await drain_all(opened)
    for name, received in frames.items():
        snapshots = [f for f in received if "data-snapshot" in f]
        assert len(snapshots) == 1, name
        assert SECRET in snapshots[0], name
    assert not [f for f in frames["kim"] if "data-personal" in f and SECRET in f]
    shown = await database_sync_to_async(pages)(room)
    for name, html in shown.items():
        assert SECRET in html, name
    await close(opened)


async def test_editing_a_hidden_card_keeps_it_hidden(room):
    board = room["board"]
    await database_sync_to_async(set_mode)(board, Board.Mode.HIDDEN)
    await database_sync_to_async(post_card)(room["kim"], board, "Erste Fassung")
    opened = await sockets(room)
    card = await database_sync_to_async(Card.objects.get)()
    await database_sync_to_async(services.card_edit)(
        card=card, participant=room["kim_participant"], text=SECRET, version=card.version
    )
    frames = await drain_all(opened)
    for name in ("lou", "board", "console", "projector"):
        assert not [f for f in frames[name] if SECRET in f], name
    assert [f for f in frames["kim"] if "data-personal" in f and SECRET in f]
    await close(opened)


async def test_collect_mode_inbox_reaches_the_facilitators_not_the_other_phones(room):
    board = room["board"]
    await database_sync_to_async(set_mode)(board, Board.Mode.COLLECT)
    opened = await sockets(room)
    await database_sync_to_async(post_card)(room["kim"], board, HANDED_IN)
    assert await database_sync_to_async(Card.objects.filter(state=Card.State.INBOX).count)() == 1
    frames = await drain_all(opened)
    for name in ("board", "console"):
        assert [f for f in frames[name] if HANDED_IN in f], f"{name} did not get the inbox"
    for name in ("lou", "projector"):
        assert frames[name], f"{name} heard nothing"
        assert not [f for f in frames[name] if HANDED_IN in f], name
    assert [f for f in frames["kim"] if "data-personal" in f and HANDED_IN in f]
    shown = await database_sync_to_async(pages)(room)
    for name, html in shown.items():
        expected = name.startswith("kim") or name in {
            "facilitator snapshot",
            "console",
            "moderation",
        }
        assert (HANDED_IN in html) is expected, name

    # Pinned: now on every wall.
    await database_sync_to_async(services.cards_pin)(board=board, user=room["facilitator"])
    frames = await drain_all(opened)
    for name, received in frames.items():
        assert [f for f in received if "data-snapshot" in f and HANDED_IN in f], name
    await close(opened)
