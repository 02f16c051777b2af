"""Breakouts over the socket: a move reaches the moved phone and nobody else, presence is
the open sockets, waiting phones follow their assignment, the preview shows no secrets."""

from __future__ import annotations

import datetime

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.utils import timezone

from boards.models import Board
from boards.services.breakouts import breakouts_configure, participant_move
from tests.boards.test_consumers import (
    TIMEOUT,
    _fresh_channel_layer,  # noqa: F401 (an autouse fixture)
    board_path,
    console_snapshot,
    nothing_but_people,
    open_socket,
    phone_snapshot,
    pin,
    refused,
    snapshots,
)
from tests.boards.wall import add
from tests.conftest import join_via_http
from workshop import live
from workshop.models import Participant, Presence
from workshop.permissions import Actor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def laptop(facilitator):
    client = Client()
    client.force_login(facilitator)
    return client


def phone_in(group, name):
    client = Client()
    participant = join_via_http(client, group, name)
    return client, participant


def move(facilitator, participant, group):
    def run():
        fresh = Participant.objects.select_related("workshop").get(pk=participant.pk)
        participant_move(actor=Actor.facilitator(facilitator), participant=fresh, group=group)

    return database_sync_to_async(run)()


def console_path(workshop) -> str:
    return f"/ws/workshops/{workshop.pk}/"


async def test_a_move_reaches_the_moved_phone_only_and_ends_its_old_wall(
    workshop, facilitator, group_a, group_b, board_a, board_b, laptop
):
    kim_phone, kim = await database_sync_to_async(phone_in)(group_a, "Kim")
    lou_phone, _lou = await database_sync_to_async(phone_in)(group_a, "Lou")
    bo_phone, _bo = await database_sync_to_async(phone_in)(group_b, "Bo")
    kim_socket = await open_socket(board_path(board_a), kim_phone)
    kim_tab = await open_socket(board_path(board_a), kim_phone)  # the same phone, a second tab
    lou_socket = await open_socket(board_path(board_a), lou_phone)
    bo_socket = await open_socket(board_path(board_b), bo_phone)
    for socket in (kim_socket, kim_tab, lou_socket, bo_socket):
        await phone_snapshot(socket)
    console = await open_socket(console_path(workshop), laptop)
    await console_snapshot(console, 2)

    await move(facilitator, kim, group_b)
    for socket in (kim_socket, kim_tab):
        assert await socket.receive_from(timeout=TIMEOUT) == (
            f'<template data-navigate="/b/{board_b.pk}/"></template>'
        )
        output = await socket.receive_output(timeout=TIMEOUT)
        assert output["type"] == "websocket.close"
    # Nobody else is sent anywhere.
    assert await lou_socket.receive_nothing(timeout=0.3)
    assert await bo_socket.receive_nothing(timeout=0.1)
    # The console hears of it (the counts and the panel), and of the closed sockets.
    pushed = await console.receive_from(timeout=TIMEOUT)
    assert 'id="people-panel"' in pushed
    assert await nothing_but_people(console)

    # The old wall's news reach its remaining phone, not the moved one; its socket is refused.
    await pin(board_a, "Nach dem Wechsel")
    assert "Nach dem Wechsel" in await lou_socket.receive_from(timeout=TIMEOUT)
    assert await refused(board_path(board_a), kim_phone)
    new = await open_socket(board_path(board_b), kim_phone)
    await phone_snapshot(new)
    for socket in (lou_socket, bo_socket, console, new, kim_socket, kim_tab):
        await socket.disconnect()


async def panel_saying(console, text: str) -> str:
    """The console's panel as soon as it says `text` (earlier panels are skipped)."""
    for _ in range(10):
        await database_sync_to_async(live.flush_coalesced)()  # the half-second budget
        panel = await console.receive_from(timeout=TIMEOUT)
        if text in panel:
            return panel
    raise AssertionError(f"the panel never said {text!r}")


async def test_presence_counts_open_sockets_and_drops_them_on_disconnect(
    workshop, group_a, group_b, board_a, laptop
):
    kim_phone, kim = await database_sync_to_async(phone_in)(group_a, "Kim")
    await database_sync_to_async(phone_in)(group_a, "")
    console = await open_socket(console_path(workshop), laptop)
    (_wall, _other), panel = await snapshots(console, 2), await console.receive_from(TIMEOUT)
    assert "online 0 / 2" in panel

    first = await open_socket(board_path(board_a), kim_phone)
    await phone_snapshot(first)
    panel = await panel_saying(console, "online 1 / 2")
    assert "person--online" in panel
    second = await open_socket(board_path(board_a), kim_phone)  # another tab: still one person
    await phone_snapshot(second)
    assert await database_sync_to_async(Presence.objects.filter(participant=kim).count)() == 2
    await first.disconnect()
    await panel_saying(console, "online 1 / 2")
    await second.disconnect()
    # Pushes of the panel are coalesced (at most two a second): the last one says it.
    await panel_saying(console, "online 0 / 2")
    assert not await database_sync_to_async(Presence.objects.exists)()
    await console.disconnect()


async def test_stale_presence_of_a_dead_server_does_not_count(workshop, group_a, board_a, laptop):
    def leftover():
        _client, kim = phone_in(group_a, "Kim")
        Presence.objects.create(channel_name="specific.dead!1", participant=kim)
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        Presence.objects.update(seen_at=an_hour_ago)

    await database_sync_to_async(leftover)()
    console = await open_socket(console_path(workshop), laptop)
    await snapshots(console)
    assert "online 0 / 1" in await console.receive_from(timeout=TIMEOUT)
    # The next socket to open sweeps the dead row away.
    lou_phone, _lou = await database_sync_to_async(phone_in)(group_a, "Lou")
    await console.receive_from(timeout=TIMEOUT)  # Lou joined
    lou = await open_socket(board_path(board_a), lou_phone)
    await phone_snapshot(lou)
    await panel_saying(console, "online 1 / 2")
    channels = await database_sync_to_async(
        lambda: list(Presence.objects.values_list("channel_name", flat=True))
    )()
    assert "specific.dead!1" not in channels
    for socket in (lou, console):
        await socket.disconnect()


async def test_the_heartbeat_keeps_presence_fresh(settings, group_a, board_a):
    settings.STELLWAND_HEARTBEAT_SECONDS = 0.05
    kim_phone, kim = await database_sync_to_async(phone_in)(group_a, "Kim")
    socket = await open_socket(board_path(board_a), kim_phone)
    await phone_snapshot(socket)
    before = await database_sync_to_async(lambda: Presence.objects.get(participant=kim).seen_at)()
    assert "data-heartbeat" in await socket.receive_from(timeout=TIMEOUT)
    assert "data-heartbeat" in await socket.receive_from(timeout=TIMEOUT)
    after = await database_sync_to_async(lambda: Presence.objects.get(participant=kim).seen_at)()
    assert after > before
    await socket.disconnect()


async def test_a_waiting_phone_follows_its_assignment(workshop, facilitator, group_a, board_a):
    def waiting_phone():
        breakouts_configure(
            actor=Actor.facilitator(facilitator),
            workshop=workshop,
            assignment="facilitator",
            max_group_size=None,
        )
        client = Client()
        client.post(f"/j/{workshop.join_code}/", {"display_name": "Kim"})
        return client, Participant.objects.get(display_name="Kim")

    phone, kim = await database_sync_to_async(waiting_phone)()
    socket = await open_socket(f"/ws/waiting/{workshop.pk}/", phone)
    assert 'id="waiting-note"' in await socket.receive_from(timeout=TIMEOUT)
    await move(facilitator, kim, group_a)
    assert await socket.receive_from(timeout=TIMEOUT) == (
        f'<template data-navigate="/b/{board_a.pk}/"></template>'
    )
    await socket.disconnect()
    # Assigned while its page was closed: the next socket sends it straight on.
    again = await open_socket(f"/ws/waiting/{workshop.pk}/", phone)
    assert f'data-navigate="/b/{board_a.pk}/"' in await again.receive_from(timeout=TIMEOUT)
    await again.disconnect()


async def test_the_waiting_socket_is_for_the_workshops_participants(workshop, other_group, laptop):
    assert await refused(f"/ws/waiting/{workshop.pk}/")
    assert await refused(f"/ws/waiting/{workshop.pk}/", laptop)
    foreign, _olga = await database_sync_to_async(phone_in)(other_group, "Olga")
    assert await refused(f"/ws/waiting/{workshop.pk}/", foreign)


async def test_the_preview_socket_shows_the_participants_wall_and_no_secrets(
    workshop, facilitator, group_a, board_a, laptop
):
    kim_phone, kim = await database_sync_to_async(phone_in)(group_a, "Kim")

    def prepare():
        add(board_a, "Für alle")
        Board.objects.filter(pk=board_a.pk).update(mode=Board.Mode.HIDDEN)

    await database_sync_to_async(prepare)()
    preview = await open_socket(f"/ws/preview/{board_a.pk}/", laptop)
    (wall,) = await snapshots(preview)
    assert "wall--participants" in wall
    assert "Für alle" in wall
    assert await preview.receive_nothing(timeout=0.2)  # no personal element, no panel
    # Kim writes a hidden card: it reaches Kim's phone alone, never the preview.
    await database_sync_to_async(add)(board_a, "Geheime Idee", participant=kim)
    for frame in [await preview.receive_from(timeout=TIMEOUT)]:
        assert "Geheime Idee" not in frame
    assert await preview.receive_nothing(timeout=0.2)
    await preview.disconnect()
    assert await refused(f"/ws/preview/{board_a.pk}/", kim_phone)
    assert await refused(f"/ws/preview/{board_a.pk}/")
    # The preview counts nobody as online.
    assert not await database_sync_to_async(Presence.objects.exists)()
