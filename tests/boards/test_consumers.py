"""The push-only socket through the full ASGI stack: who gets in, what arrives, what closes it."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from boards import services as board_services
from boards.services import agenda
from boards.services.breakouts import breakouts_configure
from tests.conftest import join_via_http
from tests.factories import BreakoutGroupFactory, CardFactory, ParticipantFactory, UserFactory
from workshop import live, services
from workshop.asgi import application
from workshop.permissions import Actor

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")
HOST = (b"host", b"localhost")
TIMEOUT = 5


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    # The in-memory layer (REDIS_URL unset), new for every test's event loop.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def cookie(client: Client) -> tuple[bytes, bytes]:
    return (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())


def socket(path: str, client: Client | None = None, origin=ORIGIN) -> WebsocketCommunicator:
    headers = [h for h in (HOST, origin, cookie(client) if client else None) if h]
    return WebsocketCommunicator(application, path, headers=headers)


async def open_socket(path, client=None, origin=ORIGIN) -> WebsocketCommunicator:
    communicator = socket(path, client, origin)
    connected, code = await communicator.connect(timeout=TIMEOUT)
    assert connected, f"refused with {code}"
    return communicator


async def refused(path, client=None, origin=ORIGIN) -> bool:
    communicator = socket(path, client, origin)
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    if connected:
        await communicator.disconnect()
    return not connected


def board_path(board) -> str:
    return f"/ws/boards/{board.pk}/"


def pin(board, text):
    def create():
        user = board.workshop.facilitators.first()  # somebody acts: a facilitator
        return board_services.card_create(
            board=board, text=text, client_uuid=uuid.uuid4(), user=user
        )

    return database_sync_to_async(create)()


async def snapshots(communicator, n=1) -> list[str]:
    return [await communicator.receive_from(timeout=TIMEOUT) for _ in range(n)]


async def projector_snapshot(communicator, walls=1) -> list[str]:
    """A projector's socket opens with its walls, then its join panel and its page."""
    received = await snapshots(communicator, walls + 3)
    assert all("data-snapshot" in wall for wall in received[:walls])
    assert 'id="projector-join"' in received[walls]
    assert 'id="projector-pager"' in received[walls + 1]
    assert 'id="timer-room"' in received[walls + 2]
    return received[:walls]


async def phone_snapshot(communicator) -> tuple[str, str]:
    """A participant's socket opens with the wall, their personal element, and the timers
    with their "I'm done"."""
    wall, personal, timers = await snapshots(communicator, 3)
    assert "data-snapshot" in wall
    assert "data-personal" in personal
    assert "data-snapshot" not in personal
    assert 'id="timer-room"' in timers
    return wall, personal


async def nothing_but_people(communicator, timeout=0.3) -> bool:
    """Nothing arrives but the console's participants panel (phones opening or closing)."""
    while not await communicator.receive_nothing(timeout=timeout):
        if 'id="people-panel"' not in await communicator.receive_from(timeout=TIMEOUT):
            return False
    return True


async def console_snapshot(communicator, walls: int = 1) -> list[str]:
    """A console's socket opens with its walls, then the room's countdown and its
    participants panel (in one frame)."""
    received = await snapshots(communicator, walls + 1)
    assert all("data-snapshot" in wall for wall in received[:walls])
    assert 'id="timer-room"' in received[walls]
    assert 'id="people-panel"' in received[walls]
    return received[:walls]


async def expect_close(communicator, code):
    output = await communicator.receive_output(timeout=TIMEOUT)
    assert output["type"] == "websocket.close"
    assert output.get("code") == code


@pytest.fixture
def phone_a(group_a):
    client = Client()
    join_via_http(client, group_a, "Kim")
    return client


@pytest.fixture
def phone_b(group_b):
    client = Client()
    join_via_http(client, group_b, "Lou")
    return client


@pytest.fixture
def laptop(facilitator):
    client = Client()
    client.force_login(facilitator)
    return client


# who gets in ------------------------------------------------------------------------------


async def test_foreign_origin_refused(board_a, phone_a):
    assert await refused(board_path(board_a), phone_a, origin=(b"origin", b"http://evil.example"))
    # The same phone from the app's own origin gets in: the origin was the reason.
    communicator = await open_socket(board_path(board_a), phone_a)
    await communicator.disconnect()


async def test_no_origin_refused(board_a, phone_a):
    assert await refused(board_path(board_a), phone_a, origin=None)


@pytest.fixture
def visitor(board_a):
    """Opened the join page and has a session, but never joined."""
    client = Client()
    assert client.get(f"/j/{board_a.workshop.join_code}/").status_code == 200
    session = client.session
    session["seen"] = True
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


async def test_never_joined_client_refused(board_a, visitor):
    assert await refused(board_path(board_a))
    assert await refused(board_path(board_a), visitor)


async def test_unknown_board_refused(phone_a):
    assert await refused("/ws/boards/999999/", phone_a)


@pytest.fixture
def stranger(other_group):
    client = Client()
    join_via_http(client, other_group, "Fremd")
    return client


async def test_participant_of_other_workshop_refused_and_hears_nothing(
    board_a, other_group, stranger
):
    assert await refused(board_path(board_a), stranger)
    # Their own board is fine; nothing from workshop A arrives there.
    communicator = await open_socket(board_path(other_group.board), stranger)
    await phone_snapshot(communicator)
    await pin(board_a, "Nur in Werkstatt A")
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_participant_of_other_group_refused(board_b, phone_a):
    assert await refused(board_path(board_b), phone_a)


async def test_participant_hears_only_own_board(board_a, board_b, phone_a):
    communicator = await open_socket(board_path(board_a), phone_a)
    await phone_snapshot(communicator)
    await pin(board_b, "Karte für Gruppe B")
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


# what arrives -----------------------------------------------------------------------------


async def test_snapshot_on_connect_has_existing_cards(board_a, board_b, phone_a):
    await database_sync_to_async(CardFactory)(board=board_a, text="Schon angeheftet")
    await database_sync_to_async(CardFactory)(board=board_b, text="Andere Wand")
    communicator = await open_socket(board_path(board_a), phone_a)
    snapshot, personal = await phone_snapshot(communicator)
    assert f'id="board-{board_a.pk}"' in snapshot
    assert f'id="board-{board_a.pk}-me"' in personal
    assert "Schon angeheftet" in snapshot
    assert "Andere Wand" not in snapshot
    assert 'data-rev="1"' in snapshot
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


async def test_card_on_own_board_arrives(board_a, phone_a, phone_b, board_b):
    mine = await open_socket(board_path(board_a), phone_a)
    theirs = await open_socket(board_path(board_b), phone_b)
    await phone_snapshot(mine)
    await phone_snapshot(theirs)
    card, _created = await pin(board_a, "Lieferung am selben Tag")
    fragment = await mine.receive_from(timeout=TIMEOUT)
    assert "Lieferung am selben Tag" in fragment
    assert f'id="card-{card.pk}"' in fragment
    assert 'data-rev="1"' in fragment
    assert "data-snapshot" not in fragment
    assert await mine.receive_nothing(timeout=0.2)  # exactly one message
    assert await theirs.receive_nothing(timeout=0.2)
    await mine.disconnect()
    await theirs.disconnect()


async def test_cards_arrive_in_revision_order(board_a, phone_a):
    communicator = await open_socket(board_path(board_a), phone_a)
    await phone_snapshot(communicator)
    for i in range(3):
        await pin(board_a, f"Karte {i}")
    revs = []
    for i in range(3):
        fragment = await communicator.receive_from(timeout=TIMEOUT)
        assert f"Karte {i}" in fragment
        revs.append(fragment.split('data-rev="')[1].split('"')[0])
    assert revs == ["1", "2", "3"]
    await communicator.disconnect()


async def test_facilitator_board_socket(board_a, laptop):
    communicator = await open_socket(board_path(board_a), laptop)
    (snapshot,) = await snapshots(communicator)
    assert "wall--facilitators" in snapshot
    await communicator.disconnect()


async def test_console_gets_every_board_and_every_card(workshop, board_a, board_b, laptop):
    await database_sync_to_async(CardFactory)(board=board_a, text="Karte A")
    await database_sync_to_async(CardFactory)(board=board_b, text="Karte B")
    communicator = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    first, second = await console_snapshot(communicator, 2)
    assert f'id="board-{board_a.pk}"' in first
    assert "Karte A" in first
    assert f'id="board-{board_b.pk}"' in second
    assert "Karte B" in second
    assert all("data-snapshot" in s for s in (first, second))
    await pin(board_b, "Neu auf B")
    assert "Neu auf B" in await communicator.receive_from(timeout=TIMEOUT)
    # Someone joins: the console's head counts follow.
    await database_sync_to_async(join_via_http)(Client(), board_a.group, "Neu")
    counts = await communicator.receive_from(timeout=TIMEOUT)
    assert 'id="workshop-total"' in counts
    assert 'id="people-panel"' in counts  # with who is in which group
    assert "1 Person ist beigetreten." in counts
    await communicator.disconnect()


async def test_console_refused_to_others(workshop, board_a, phone_a):
    assert await refused(f"/ws/workshops/{workshop.pk}/", phone_a)
    assert await refused(f"/ws/workshops/{workshop.pk}/")
    someone = await database_sync_to_async(UserFactory)()
    other = Client()
    await database_sync_to_async(other.force_login)(someone)
    assert await refused(f"/ws/workshops/{workshop.pk}/", other)


# projector --------------------------------------------------------------------------------


async def test_projector_by_token_sees_every_board(workshop, board_a, board_b):
    communicator = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    first, second = await projector_snapshot(communicator, 2)
    assert f'id="board-{board_a.pk}"' in first
    assert f'id="board-{board_b.pk}"' in second
    await pin(board_b, "Für alle sichtbar")
    assert "Für alle sichtbar" in await communicator.receive_from(timeout=TIMEOUT)
    await communicator.disconnect()


async def test_projector_query_restricts_to_one_board(workshop, board_a, board_b, other_group):
    path = f"/ws/projector/{workshop.projector_token}/?board={board_a.pk}"
    communicator = await open_socket(path)
    (snapshot,) = await projector_snapshot(communicator)
    assert f'id="board-{board_a.pk}"' in snapshot
    assert await communicator.receive_nothing(timeout=0.2)
    await pin(board_b, "Andere Wand")
    assert await communicator.receive_nothing(timeout=0.3)
    await pin(board_a, "Diese Wand")
    assert "Diese Wand" in await communicator.receive_from(timeout=TIMEOUT)
    await communicator.disconnect()
    foreign = f"/ws/projector/{workshop.projector_token}/?board={other_group.board.pk}"
    assert await refused(foreign)


async def test_projector_wrong_token_refused(workshop, board_a):
    assert await refused("/ws/projector/falsches-token/")


@pytest.mark.parametrize(
    "path",
    [
        "/ws/boards/-1/",
        f"/ws/boards/{2**63}/",
        "/ws/boards/%C2%B2/",
        "/ws/projector/%00/",
        "/ws/nothing/",
        "/",
    ],
)
async def test_a_socket_to_an_odd_path_is_refused_not_an_exception(path, board_a, workshop):
    # No route matched: Channels' router raised "No route found" (a traceback in daphne).
    assert await refused(path, origin=ORIGIN)


@pytest.mark.parametrize(
    "query", [b"board=\xb2", f"board={10**30}".encode(), b"board=", b"board=x"]
)
async def test_a_projector_socket_with_an_odd_board_is_refused(query, workshop, board_a):
    # A raw byte 0xB2 ("²" in Latin-1) passed str.isdigit() and failed int(); and an odd
    # board no longer widens the screen to every board.
    communicator = socket(f"/ws/projector/{workshop.projector_token}/")
    communicator.scope["query_string"] = query
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    await communicator.disconnect()
    assert not connected


@pytest.mark.parametrize("origin", [b"http://[", b"http://localhost:99999", b"\xff"])
async def test_a_socket_with_an_unreadable_origin_is_refused(origin, workshop, board_a):
    # Channels' origin check raised ValueError on these (urlparse).
    assert await refused(f"/ws/projector/{workshop.projector_token}/", origin=(b"origin", origin))


async def test_projector_revoke_closes_screen_and_old_token_is_refused(workshop, board_a):
    old = workshop.projector_token
    communicator = await open_socket(f"/ws/projector/{old}/")
    await projector_snapshot(communicator)
    await database_sync_to_async(services.projector_link_revoke)(workshop=workshop)
    await expect_close(communicator, live.CLOSE_PROJECTOR_REVOKED)
    await communicator.disconnect()
    assert await refused(f"/ws/projector/{old}/")
    fresh = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    await fresh.disconnect()


# what closes a socket ---------------------------------------------------------------------


async def test_workshop_close_closes_participant_sockets(
    workshop, board_a, board_b, phone_a, phone_b, laptop
):
    a = await open_socket(board_path(board_a), phone_a)
    b = await open_socket(board_path(board_b), phone_b)
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    await phone_snapshot(a)
    await phone_snapshot(b)
    await console_snapshot(console, 2)
    await database_sync_to_async(services.workshop_close)(workshop=workshop)
    await expect_close(a, live.CLOSE_WORKSHOP_CLOSED)
    await expect_close(b, live.CLOSE_WORKSHOP_CLOSED)
    # The facilitators stay connected (and see the phones go offline).
    assert await nothing_but_people(console)
    for communicator in (a, b, console):
        await communicator.disconnect()
    assert await refused(board_path(board_a), phone_a)
    assert await refused(board_path(board_b), phone_b)
    # Reopened, the same phones get in again.
    await database_sync_to_async(services.workshop_reopen)(workshop=workshop)
    again = await open_socket(board_path(board_a), phone_a)
    await again.disconnect()


async def test_client_frame_closes_the_push_only_socket(board_a, phone_a, caplog):
    communicator = await open_socket(board_path(board_a), phone_a)
    await phone_snapshot(communicator)
    with caplog.at_level(logging.WARNING):
        await communicator.send_to(text_data='{"text": "Karte über den Socket"}')
        await expect_close(communicator, live.CLOSE_PUSH_ONLY)
        await communicator.disconnect()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not await database_sync_to_async(board_a.cards.exists)()


# language ---------------------------------------------------------------------------------


def socket_with_language(path, client, language_header=None):
    headers = [
        ORIGIN,
        (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()),
        HOST,
    ]
    if "django_language" in client.cookies:
        value = client.cookies["django_language"].value
        headers[1] = (headers[1][0], headers[1][1] + f"; django_language={value}".encode())
    if language_header:
        headers.append((b"accept-language", language_header.encode()))
    return WebsocketCommunicator(application, path, headers=headers)


@pytest.mark.parametrize(
    ("cookie_language", "accept_language", "expected", "unexpected"),
    [
        (None, None, "Noch keine Karten.", "No cards yet."),
        ("en", None, "No cards yet.", "Noch keine Karten."),
        (None, "en-GB,en;q=0.9", "No cards yet.", "Noch keine Karten."),
        ("de", "en-GB,en;q=0.9", "Noch keine Karten.", "No cards yet."),
    ],
)
async def test_snapshot_and_pushes_come_in_the_pages_language(
    board_a, phone_a, cookie_language, accept_language, expected, unexpected
):
    if cookie_language:
        phone_a.cookies["django_language"] = cookie_language
    communicator = socket_with_language(board_path(board_a), phone_a, accept_language)
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    assert connected
    snapshot, personal = await phone_snapshot(communicator)
    assert expected in snapshot
    assert unexpected not in snapshot + personal
    nameless = await database_sync_to_async(ParticipantFactory)(
        group=board_a.group, workshop=board_a.workshop, display_name=""
    )
    await database_sync_to_async(CardFactory)(board=board_a, text="Mehr Radwege", author=nameless)
    pushed = await communicator.receive_from(timeout=TIMEOUT)
    anonymous = "anonym" if expected.startswith("Noch") else "anonymous"
    assert f'class="card__author">{anonymous}</' in pushed
    await communicator.disconnect()


async def test_heartbeat_keeps_a_quiet_socket_audibly_alive(board_a, phone_a, settings):
    settings.STELLWAND_HEARTBEAT_SECONDS = 0.1
    communicator = await open_socket(board_path(board_a), phone_a)
    await phone_snapshot(communicator)
    assert "data-heartbeat" in await communicator.receive_from(timeout=TIMEOUT)
    assert "data-heartbeat" in await communicator.receive_from(timeout=TIMEOUT)
    await communicator.disconnect()


async def test_removed_cofacilitator_is_disconnected_and_refused(workshop, board_a, laptop):
    colleague = await database_sync_to_async(UserFactory)(username="alex")
    await database_sync_to_async(workshop.facilitators.add)(colleague)
    theirs = Client()
    await database_sync_to_async(theirs.force_login)(colleague)
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", theirs)
    board = await open_socket(board_path(board_a), theirs)
    mine = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    await console_snapshot(console, 1)
    await snapshots(board)
    await console_snapshot(mine, 1)
    await database_sync_to_async(services.facilitator_remove)(workshop=workshop, user=colleague)
    await expect_close(console, live.CLOSE_REMOVED)
    await expect_close(board, live.CLOSE_REMOVED)
    assert await mine.receive_nothing(timeout=0.3)  # the remaining facilitator stays
    await mine.disconnect()
    assert await refused(f"/ws/workshops/{workshop.pk}/", theirs)
    assert await refused(board_path(board_a), theirs)


async def drain(communicator, quiet=0.3) -> None:
    """Read whatever a socket has been sent (its snapshot, people panels) until it is quiet."""
    while not await communicator.receive_nothing(timeout=quiet):
        await communicator.receive_output(timeout=TIMEOUT)


async def closed_with(communicator) -> tuple[int | None, float]:
    """Wait for the socket's close (skipping frames pushed before it): its code, and when."""
    while True:
        try:
            output = await communicator.receive_output(timeout=TIMEOUT)
        except TimeoutError:
            return None, time.monotonic()  # still open
        if output["type"] == "websocket.close":
            return output.get("code"), time.monotonic()


async def test_deleting_a_workshop_closes_every_socket_of_it_and_refuses_a_reconnect(
    workshop, board_a, board_b, phone_a, phone_b, laptop, facilitator, other_group, caplog
):
    def more_people():
        colleague = UserFactory(username="alex")
        workshop.facilitators.add(colleague)
        theirs = Client()
        theirs.force_login(colleague)
        # A phone that joined after the facilitators took over the assignment waits.
        breakouts_configure(
            actor=Actor.facilitator(facilitator),
            workshop=workshop,
            assignment="facilitator",
            max_group_size=None,
        )
        waiting = Client()
        waiting.post(f"/j/{workshop.join_code}/", {"display_name": "Mo"})
        foreign = Client()
        join_via_http(foreign, other_group, "Nele")
        return theirs, waiting, foreign

    colleague, waiting, foreign = await database_sync_to_async(more_people)()
    token = workshop.projector_token
    other_board = await database_sync_to_async(lambda: other_group.board)()
    paths = {
        "phone of group A": (board_path(board_a), phone_a),
        "phone of group B": (board_path(board_b), phone_b),
        "waiting phone": (f"/ws/waiting/{workshop.pk}/", waiting),
        "console": (f"/ws/workshops/{workshop.pk}/", laptop),
        "console's plenary": (f"/ws/workshops/{workshop.pk}/?view=plenary", laptop),
        "facilitator's board page": (board_path(board_a), laptop),
        "preview of a group's phones": (f"/ws/preview/{board_a.pk}/", laptop),
        "co-facilitator's console": (f"/ws/workshops/{workshop.pk}/", colleague),
        "projector": (f"/ws/projector/{token}/", None),
        "projector of one board": (f"/ws/projector/{token}/?board={board_b.pk}", None),
        "projector's plenary": (f"/ws/projector/{token}/?view=plenary", None),
    }
    sockets = {name: await open_socket(path, client) for name, (path, client) in paths.items()}
    elsewhere = await open_socket(board_path(other_board), foreign)
    for communicator in [*sockets.values(), elsewhere]:
        await drain(communicator)

    def delete():
        url = reverse("workshop:delete", args=[workshop.pk])
        assert laptop.post(url, {"confirm": "yes"}).status_code == 302

    caplog.set_level(logging.WARNING)
    await database_sync_to_async(delete)()
    deleted = time.monotonic()
    for name, communicator in sockets.items():
        code, at = await closed_with(communicator)
        assert code == live.CLOSE_WORKSHOP_DELETED, name
        assert at - deleted < 1.0, f"{name} closed after {at - deleted:.2f} s"
        await communicator.disconnect()
    # Another workshop's phone goes on.
    assert await elsewhere.receive_nothing(timeout=0.3)
    await elsewhere.disconnect()
    # Nobody gets back in, with the same session or link.
    for name, (path, client) in paths.items():
        assert await refused(path, client), name
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_deleting_a_group_closes_its_phones(board_a, board_b, phone_a, phone_b):
    a = await open_socket(board_path(board_a), phone_a)
    b = await open_socket(board_path(board_b), phone_b)
    await phone_snapshot(a)
    await phone_snapshot(b)
    group = await database_sync_to_async(lambda: board_a.group)()
    await database_sync_to_async(board_services.group_delete)(group=group)
    await expect_close(a, live.CLOSE_GROUP_REMOVED)
    assert await b.receive_nothing(timeout=0.3)  # the other group goes on
    await b.disconnect()
    assert await refused(board_path(board_a), phone_a)


async def test_removed_participant_is_disconnected_and_refused(board_a, phone_a, group_a):
    lou = Client()
    await database_sync_to_async(join_via_http)(lou, group_a, "Lou")
    kim_socket = await open_socket(board_path(board_a), phone_a)
    lou_socket = await open_socket(board_path(board_a), lou)
    await phone_snapshot(kim_socket)
    await phone_snapshot(lou_socket)
    kim = await database_sync_to_async(
        lambda: services.participant_for_session(phone_a.session, board_a.workshop)
    )()
    await database_sync_to_async(services.participant_remove)(participant=kim)
    await expect_close(kim_socket, live.CLOSE_REMOVED)
    await kim_socket.disconnect()
    assert await refused(board_path(board_a), phone_a)
    page = await database_sync_to_async(phone_a.get)(f"/b/{board_a.pk}/")
    assert page.status_code >= 400
    assert f'id="board-{board_a.pk}"' not in page.content.decode()
    # Lou stays connected: at most the wall's head counts change, no close.
    while not await lou_socket.receive_nothing(timeout=0.3):
        assert (await lou_socket.receive_output(timeout=TIMEOUT))["type"] == "websocket.send"
    await lou_socket.disconnect()
    again = await open_socket(board_path(board_a), lou)
    await again.disconnect()


# the agenda ---------------------------------------------------------------------------------

BRAINSTORM = "Gruppenarbeit: Brainstorming"
PLENARY = "Plenum: Ergebnisse der Gruppen"


def enter_phase(workshop, facilitator, title):
    agenda.phase_enter(
        actor=Actor.facilitator(facilitator),
        workshop=workshop,
        phase=workshop.phases.get(title=title),
    )


async def messages_until(communicator, needle: str) -> str:
    for _ in range(10):
        message = await communicator.receive_from(timeout=TIMEOUT)
        if needle in message:
            return message
    raise AssertionError(f"{needle!r} never arrived")


async def test_a_phase_change_reaches_phones_projector_and_console_of_the_workshop_only(
    workshop, facilitator, board_a, board_b, phone_a, phone_b, laptop, other_workshop
):
    other_group = await database_sync_to_async(BreakoutGroupFactory)(workshop=other_workshop)
    stranger_phone = Client()
    await database_sync_to_async(join_via_http)(stranger_phone, other_group, "Olga")
    phone = await open_socket(board_path(board_a), phone_a)
    await phone_snapshot(phone)
    other_phone = await open_socket(board_path(board_b), phone_b)
    await phone_snapshot(other_phone)
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    await console_snapshot(console, 2)
    projector = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    await projector_snapshot(projector, 2)
    elsewhere = await open_socket(board_path(other_group.board), stranger_phone)
    await phone_snapshot(elsewhere)

    await database_sync_to_async(enter_phase)(workshop, facilitator, BRAINSTORM)

    for communicator in (phone, other_phone):
        banner = await messages_until(communicator, 'id="phase-banner"')
        assert BRAINSTORM in banner
        assert 'data-may-write="true"' in banner
    assert BRAINSTORM in await messages_until(projector, 'id="projector-phase"')
    assert 'aria-current="step"' in await messages_until(console, 'id="console-agenda"')
    # The other workshop's phone hears nothing of it.
    assert await elsewhere.receive_nothing(timeout=0.5)
    for communicator in (phone, other_phone, console, projector, elsewhere):
        await communicator.disconnect()


async def test_a_phone_offline_through_the_change_gets_the_phase_on_connect(
    workshop, facilitator, board_a, phone_a
):
    await database_sync_to_async(enter_phase)(workshop, facilitator, PLENARY)
    phone = await open_socket(board_path(board_a), phone_a)
    _wall, personal = await snapshots(phone, 2)
    assert 'id="phase-banner"' in personal
    assert PLENARY in personal
    assert 'data-view="plenary"' in personal
    await phone.disconnect()
