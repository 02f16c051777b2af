"""The plenary's sockets (issue 7): a spotlight reaches every phone, projector and console of
the workshop and no other; the plenary screens follow every group's board; a reconnecting
screen shows the spotlight at once."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.test import Client

from boards.services.plenary import spotlight_clear, spotlight_set
from tests.boards.test_consumers import (
    TIMEOUT,
    _fresh_channel_layer,  # noqa: F401 (autouse fixture: a fresh in-memory layer)
    board_path,
    open_socket,
    phone_snapshot,
    pin,
    projector_snapshot,
    snapshots,
)
from tests.conftest import join_via_http
from workshop import live
from workshop.models import Workshop
from workshop.permissions import Actor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def phones(group_a, group_b, other_group):
    out = {}
    for name, group in (("kim", group_a), ("lou", group_b), ("olga", other_group)):
        client = Client()
        join_via_http(client, group, name.title())
        out[name] = client
    return out


@pytest.fixture
def laptop(facilitator):
    client = Client()
    client.force_login(facilitator)
    return client


def plenary_path(workshop: Workshop) -> str:
    return board_path(workshop.boards.plenary().get())


def spot(workshop, facilitator, kind, pk):
    return database_sync_to_async(spotlight_set)(Actor.facilitator(facilitator), workshop, kind, pk)


async def test_a_spotlight_reaches_every_screen_of_the_workshop_and_no_other(
    workshop, other_workshop, board_a, board_b, other_group, facilitator, phones, laptop
):
    card, _created = await pin(board_a, "Busse öfter takten")
    plenary = await database_sync_to_async(plenary_path)(workshop)
    kim = await open_socket(board_path(board_a), phones["kim"])  # on a group's wall
    lou = await open_socket(plenary, phones["lou"])  # on the plenary
    olga = await open_socket(board_path(other_group.board), phones["olga"])  # elsewhere
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    beamer = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    beamer_plenary = await open_socket(f"/ws/projector/{workshop.projector_token}/?view=plenary")
    other_beamer = await open_socket(f"/ws/projector/{other_workshop.projector_token}/")
    for phone in (kim, lou, olga):
        await phone_snapshot(phone)
    await snapshots(console, 3)  # two walls, then the countdown and the people
    await projector_snapshot(beamer, walls=2)
    await snapshots(beamer_plenary, 3)  # the join panel, the page with the plenary, timers
    await projector_snapshot(other_beamer, walls=1)

    await spot(workshop, facilitator, "card", card.pk)
    for screen in (kim, lou, console, beamer, beamer_plenary):
        html = await screen.receive_from(timeout=TIMEOUT)
        assert 'id="spotlight"' in html
        assert "spotlight--on" in html
        assert "Busse öfter takten" in html
    assert await olga.receive_nothing(timeout=0.3)
    assert await other_beamer.receive_nothing(timeout=0.1)

    await database_sync_to_async(spotlight_clear)(Actor.facilitator(facilitator), workshop)
    for screen in (kim, lou, console, beamer, beamer_plenary):
        html = await screen.receive_from(timeout=TIMEOUT)
        assert 'id="spotlight"' in html
        assert "spotlight--on" not in html
    for screen in (kim, lou, olga, console, beamer, beamer_plenary, other_beamer):
        await screen.disconnect()


async def test_a_reconnecting_screen_gets_the_spotlight_with_its_snapshot(
    workshop, board_a, facilitator, phones, laptop
):
    card, _created = await pin(board_a, "Nachtbus am Wochenende")
    await spot(workshop, facilitator, "card", card.pk)
    kim = await open_socket(board_path(board_a), phones["kim"])
    _wall, personal = await phone_snapshot(kim)
    assert "spotlight--on" in personal
    assert "Nachtbus am Wochenende" in personal
    beamer = await open_socket(f"/ws/projector/{workshop.projector_token}/")
    *_rest, page, _timers = await snapshots(beamer, 5)
    assert 'id="projector-pager"' in page
    assert "spotlight--on" in page
    console = await open_socket(f"/ws/workshops/{workshop.pk}/", laptop)
    *_rest, last, _timers = await snapshots(console, 3)  # walls, the spotlight with the last
    assert "spotlight--on" in last
    for screen in (kim, beamer, console):
        await screen.disconnect()


async def test_the_plenary_follows_a_card_added_to_a_group_board(
    workshop, board_a, board_b, phones, laptop
):
    plenary = await database_sync_to_async(plenary_path)(workshop)
    lou = await open_socket(plenary, phones["lou"])
    _wall, rest, _timers = await snapshots(lou, 3)
    assert 'id="plenary"' in rest
    assert f'id="plenary-group-{board_a.group_id}"' in rest
    console = await open_socket(f"/ws/workshops/{workshop.pk}/?view=plenary", laptop)
    first = await snapshots(console, 2)
    assert 'id="plenary"' in first[0]
    beamer = await open_socket(f"/ws/projector/{workshop.projector_token}/?view=plenary")
    await snapshots(beamer, 3)

    await pin(board_a, "Radwege sicher machen")
    for screen in (lou, console, beamer):
        html = await screen.receive_from(timeout=TIMEOUT)
        assert html.startswith(f'<section id="plenary-group-{board_a.group_id}"')
        assert 'hx-swap-oob="true"' in html
        assert "Radwege sicher machen" in html
        if screen is console:  # and, coalesced, the facilitators' suggested parallels
            await database_sync_to_async(live.flush_coalesced)()
            later = []
            while not await screen.receive_nothing(timeout=0.2):
                later.append(await screen.receive_from(timeout=TIMEOUT))
            assert [h for h in later if h.startswith('<section id="parallels"')]
            assert not [h for h in later if h.startswith('<section id="plenary-group-')]
        else:
            assert await screen.receive_nothing(timeout=0.2)  # one push per change
    for screen in (lou, console, beamer):
        await screen.disconnect()


async def test_a_group_wall_does_not_hear_the_plenary(workshop, board_a, board_b, phones):
    kim = await open_socket(board_path(board_a), phones["kim"])
    await phone_snapshot(kim)
    await pin(board_b, "Lokale Aktionen")
    assert await kim.receive_nothing(timeout=0.3)
    await kim.disconnect()
