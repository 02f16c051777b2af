"""The timer over the sockets: which screens of which workshop hear a countdown."""

from __future__ import annotations

import re

import pytest
from channels.db import database_sync_to_async

from boards.services import timer as timer_services
from tests.boards.test_consumers import (
    TIMEOUT,
    _fresh_channel_layer,  # noqa: F401 (autouse fixture: a fresh in-memory layer)
    board_path,
    console_snapshot,
    laptop,  # noqa: F401 (fixture)
    open_socket,
    phone_a,  # noqa: F401 (fixture)
    phone_b,  # noqa: F401 (fixture)
    phone_snapshot,
    projector_snapshot,
    snapshots,
    stranger,  # noqa: F401 (fixture)
)
from workshop import live
from workshop.permissions import Actor

pytestmark = pytest.mark.django_db(transaction=True)


def remaining_ms(html: str, dom_id: str) -> int:
    element = re.search(rf'<div id="{dom_id}"[^>]*>', html)
    assert element, html[:500]
    return int(re.search(r'data-remaining-ms="(\d+)"', element.group(0)).group(1))


async def start(workshop, facilitator, minutes, group=None):
    await database_sync_to_async(timer_services.timer_start)(
        actor=Actor.facilitator(facilitator), workshop=workshop, minutes=minutes, group=group
    )


async def test_a_room_timer_reaches_every_screen_of_its_workshop_and_no_other(
    workshop,
    facilitator,
    board_a,
    board_b,
    phone_a,  # noqa: F811
    phone_b,  # noqa: F811
    laptop,  # noqa: F811
    stranger,  # noqa: F811
    other_group,
):
    phones = [
        await open_socket(board_path(b), c) for b, c in ((board_a, phone_a), (board_b, phone_b))
    ]
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    projector = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    foreign_phone = await open_socket(board_path(other_group.board), stranger)
    foreign_projector = await open_socket(f"/ws/projector/{other_group.workshop.projector_token}/")
    for phone in (*phones, foreign_phone):
        await phone_snapshot(phone)
    await console_snapshot(console, 2)
    await projector_snapshot(projector, 2)
    await projector_snapshot(foreign_projector, 1)

    await start(workshop, facilitator, 5)
    for screen, place in (
        (phones[0], "phone"),
        (phones[1], "phone"),
        (console, "console"),
        (projector, "projector"),
    ):
        pushed = await screen.receive_from(timeout=TIMEOUT)
        assert f"timer--{place}" in pushed
        assert 'data-state="running"' in pushed
        assert 290_000 < remaining_ms(pushed, "timer-room") <= 300_000
    assert await foreign_phone.receive_nothing(timeout=0.3)
    assert await foreign_projector.receive_nothing(timeout=0.1)
    for screen in (*phones, console, projector, foreign_phone, foreign_projector):
        await screen.disconnect()


async def test_a_group_timer_reaches_its_groups_phones_the_console_and_the_projector(
    workshop,
    facilitator,
    board_a,
    board_b,
    group_a,
    phone_a,  # noqa: F811
    phone_b,  # noqa: F811
    laptop,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr(live.coalescer, "clock", lambda: 1000.0)  # all within half a second
    a = await open_socket(board_path(board_a), phone_a)
    b = await open_socket(board_path(board_b), phone_b)
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    projector = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    await phone_snapshot(a)
    await phone_snapshot(b)
    await console_snapshot(console, 2)
    await projector_snapshot(projector, 2)

    await start(workshop, facilitator, 3, group=group_a)
    dom_id = f"timer-group-{group_a.pk}"
    for screen, place in ((a, "phone"), (console, "console"), (projector, "projector")):
        pushed = await screen.receive_from(timeout=TIMEOUT)
        assert f'id="{dom_id}"' in pushed
        assert f"timer--{place}" in pushed
        assert 170_000 < remaining_ms(pushed, dom_id) <= 180_000
    assert await b.receive_nothing(timeout=0.3)  # the other group has no countdown

    # A pause within the half second waits for its turn, then says how it stands.
    await database_sync_to_async(timer_services.timer_pause)(
        actor=Actor.facilitator(facilitator), workshop=workshop, group=group_a
    )
    assert await a.receive_nothing(timeout=0.2)
    await database_sync_to_async(live.flush_coalesced)()
    assert 'data-state="paused"' in await a.receive_from(timeout=TIMEOUT)
    for screen in (a, b, console, projector):
        await screen.disconnect()


async def test_a_reconnecting_phone_gets_the_countdowns_and_its_done_button(
    workshop,
    facilitator,
    board_a,
    group_a,
    phone_a,  # noqa: F811
):
    await start(workshop, facilitator, 10)
    await start(workshop, facilitator, 2, group=group_a)
    phone = await open_socket(board_path(board_a), phone_a)
    _wall, _personal, timers = await snapshots(phone, 3)
    assert 590_000 < remaining_ms(timers, "timer-room") <= 600_000
    assert 110_000 < remaining_ms(timers, f"timer-group-{group_a.pk}") <= 120_000
    assert 'id="done-toggle"' in timers
    await phone.disconnect()
