"""Synergies through the socket (issue 7): a screen that connects catches up with the links
and conclusions, as its audience sees them; a change reaches the workshop's screens only."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from boards import services as board_services
from boards.services import synergies as syn
from tests.boards.test_consumers import (
    TIMEOUT,
    _fresh_channel_layer,  # noqa: F401 (autouse fixture: a fresh in-memory layer)
    board_path,
    open_socket,
    phone_snapshot,
    pin,
    projector_snapshot,
)
from tests.conftest import join_via_http
from tests.factories import BreakoutGroupFactory
from workshop.permissions import Actor

pytestmark = pytest.mark.django_db(transaction=True)


async def card(board, text):
    made, _created = await pin(board, text)
    return made


@database_sync_to_async
def link_them(workshop, a, b, note, hide=False):
    facilitator = workshop.facilitators.first()
    link = syn.link_create(
        Actor.facilitator(facilitator),
        workshop,
        source=("card", a.pk),
        target=("card", b.pk),
        kind="synergy",
        note=note,
    )
    if hide:
        board_services.card_hide(card=a, hidden=True, user=facilitator)
    return link


async def test_a_connecting_screen_catches_up_as_its_audience_sees_it(
    workshop, group_a, board_a, board_b, client
):
    bus, shops = await card(board_a, "Busse im Takt"), await card(board_b, "Lieferzonen")
    radweg = await card(board_a, "Radwege")
    await link_them(workshop, bus, shops, "Sichtbar verbunden")
    await link_them(workshop, radweg, shops, "Mit verborgener Karte", hide=True)
    await database_sync_to_async(join_via_http)(client, group_a, "Kim")

    projector = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    await projector_snapshot(projector, walls=2)
    seen = await projector.receive_from(timeout=TIMEOUT)
    assert 'id="synergies-links"' in seen
    assert "Sichtbar verbunden" in seen
    assert "Mit verborgener Karte" not in seen

    phone = await open_socket(board_path(board_a), client)
    await phone_snapshot(phone)
    seen = await phone.receive_from(timeout=TIMEOUT)
    assert "Sichtbar verbunden" in seen
    assert "Mit verborgener Karte" not in seen
    for communicator in (projector, phone):
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()


async def test_a_new_link_reaches_the_workshops_screens_and_no_other(
    workshop, other_workshop, board_a, board_b
):
    other_a = await database_sync_to_async(BreakoutGroupFactory)(workshop=other_workshop)
    other_b = await database_sync_to_async(BreakoutGroupFactory)(workshop=other_workshop)
    theirs = [await card(other_a.board, "Dort A"), await card(other_b.board, "Dort B")]
    await link_them(other_workshop, *theirs, "Anderswo")  # so both screens get a snapshot
    bus, shops = await card(board_a, "Busse im Takt"), await card(board_b, "Lieferzonen")
    await link_them(workshop, bus, await card(board_b, "Erst"), "Erste")

    here = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    await projector_snapshot(here, walls=2)
    assert "Erste" in await here.receive_from(timeout=TIMEOUT)
    there = await open_socket(f"/ws/projector/{other_workshop.projector_token}/")
    await projector_snapshot(there, walls=2)
    assert "Anderswo" in await there.receive_from(timeout=TIMEOUT)

    await link_them(workshop, bus, shops, "Neu verbunden")
    pushed = await here.receive_from(timeout=TIMEOUT)
    assert "Neu verbunden" in pushed
    assert 'hx-swap-oob="true"' in pushed
    assert await there.receive_nothing(timeout=0.3)
    for communicator in (here, there):
        await communicator.disconnect()
