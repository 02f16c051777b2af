"""The board's revision signal (a lost last push is repaired in seconds) and a card committed
while a socket connects (scenario 18).

The browser's side of both, against a real daphne, is `tests/e2e/test_lost_pushes.py`.
"""

from __future__ import annotations

import time
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from boards import consumers, services as board_services
from boards.models import Board, Card
from tests.boards import test_consumers
from tests.boards.test_consumers import (
    TIMEOUT,
    board_path,
    console_snapshot,
    open_socket,
    phone_snapshot,
    pin,
    projector_snapshot,
)
from workshop import live

# The same phone and laptop as the socket tests'.
phone_a = test_consumers.phone_a
laptop = test_consumers.laptop


def create(board, text):
    user = board.workshop.facilitators.first()
    return board_services.card_create(board=board, text=text, client_uuid=uuid.uuid4(), user=user)


def signals_to(sent, board) -> list[str]:
    return [m["html"] for g, m in sent if g == live.revision_group(board.pk)]


@pytest.mark.django_db
def test_a_burst_costs_one_signal_with_the_newest_revision(
    board_a, sent, django_capture_on_commit_callbacks
):
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            create(board_a, f"Karte {n}")
    # Debounced: nothing yet, however many changes (the pushes themselves went out).
    assert signals_to(sent, board_a) == []
    assert len([g for g, _m in sent if g.startswith(f"board.{board_a.pk}.")]) > 0
    live.flush_coalesced()
    assert signals_to(sent, board_a) == [
        f'<template data-rev-signal data-board-id="{board_a.pk}" data-rev="5"></template>'
    ]
    # The next change gets its own signal, with its revision.
    with django_capture_on_commit_callbacks(execute=True):
        create(board_a, "Noch eine")
    live.flush_coalesced()
    assert signals_to(sent, board_a)[1:] == [
        f'<template data-rev-signal data-board-id="{board_a.pk}" data-rev="6"></template>'
    ]


@pytest.mark.django_db
def test_a_rolled_back_change_signals_nothing(board_a, sent):
    from django.db import transaction

    def write_then_fail():
        with transaction.atomic():
            create(board_a, "Nie gespeichert")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    live.flush_coalesced()
    assert signals_to(sent, board_a) == []


@pytest.mark.django_db(transaction=True)
def test_the_signal_goes_out_by_itself_about_a_second_after_the_change(board_a, sent):
    live.signals.threads = True
    started = time.monotonic()
    create(board_a, "Von selbst")
    deadline = started + 10
    while not signals_to(sent, board_a):
        assert time.monotonic() < deadline, "no revision signal came"
        time.sleep(0.02)
    took = time.monotonic() - started
    assert live.signals.interval <= took  # debounced: never before the interval
    assert 'data-rev="1"' in signals_to(sent, board_a)[0]


@pytest.fixture
def memory_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.mark.django_db(transaction=True)
async def test_every_screen_of_the_board_hears_one_signal_sent_once(
    memory_layer, workshop, board_a, phone_a, laptop, monkeypatch
):
    phone = await open_socket(board_path(board_a), phone_a)
    await phone_snapshot(phone)
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    walls = await database_sync_to_async(workshop.boards.of_groups().count)()
    await console_snapshot(console, walls=walls)
    projector = await open_socket(f"/ws/projector/{workshop.projector_token}/?board={board_a.pk}")
    await projector_snapshot(projector)
    await pin(board_a, "Alle hören es")
    for screen in (phone, console, projector):
        assert "Alle hören es" in await screen.receive_from(timeout=TIMEOUT)

    sends: list[str] = []
    real = live._group_send
    monkeypatch.setattr(live, "_group_send", lambda g, m: (sends.append(g), real(g, m)))
    await sync_to_async(live.flush_coalesced)()
    # One send for all the board's screens (the rest is the console's people panel).
    assert [g for g in sends if g.startswith(f"board.{board_a.pk}.")] == [
        live.revision_group(board_a.pk)
    ]
    rev = await database_sync_to_async(lambda: Board.objects.get(pk=board_a.pk).rev)()
    for screen in (phone, console, projector):
        frame = await screen.receive_from(timeout=TIMEOUT)
        while "data-rev-signal" not in frame:  # the console's people panel may come between
            frame = await screen.receive_from(timeout=TIMEOUT)
        assert frame == (
            f'<template data-rev-signal data-board-id="{board_a.pk}" data-rev="{rev}"></template>'
        )
    for screen in (phone, console, projector):
        await screen.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("when", ["before-subscribing", "after-subscribing"])
async def test_a_card_committed_while_a_socket_connects_is_shown_once(
    memory_layer, board_a, phone_a, monkeypatch, when
):
    """Scenario 18: the card is in the snapshot, and (committed after the socket joined its
    groups) its push follows with the snapshot's revision, which the client drops."""
    text = "Mitten im Verbinden"
    if when == "before-subscribing":
        real_resolve = consumers.resolve_access

        def resolve_then_pin(scope):
            access = real_resolve(scope)
            create(board_a, text)
            return access

        monkeypatch.setattr(consumers, "resolve_access", resolve_then_pin)
    else:
        real_snapshots = consumers.snapshots

        def pin_then_snapshot(access):
            create(board_a, text)
            return real_snapshots(access)

        monkeypatch.setattr(consumers, "snapshots", pin_then_snapshot)

    phone = await open_socket(board_path(board_a), phone_a)
    wall, _personal = await phone_snapshot(phone)
    card = await database_sync_to_async(lambda: Card.objects.get(text=text))()
    assert wall.count(f'id="card-{card.pk}"') == 1
    assert 'data-rev="1"' in wall
    pushes = []
    while not await phone.receive_nothing(timeout=0.3):
        pushes.append(await phone.receive_from(timeout=TIMEOUT))
    carrying = [frame for frame in pushes if f'id="card-{card.pk}"' in frame]
    if when == "after-subscribing":
        # The push comes after the snapshot, at its revision: the client's rule drops it
        # ("already in the snapshot", static/js/stellwand.js), so the card is shown once.
        assert len(carrying) == 1
        assert 'data-rev="1"' in carrying[0]
        assert "data-snapshot" not in carrying[0]
    else:
        assert carrying == []  # sent before the socket listened: the snapshot has it
    await phone.disconnect()
