"""The projector (issue 6, point 6): its join panel follows the workshop, live and on reload.

Closing the workshop, closing or opening joining, a new code and reopening push a new join
panel to projector screens only, in each screen's language; participants' sockets get none of
it. The page renders the same partial; the QR code is an image for the host the screen
reached. The console turns the projector's pages for every screen at once.
"""

from __future__ import annotations

import datetime

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.boards.test_consumers import (
    HOST,
    ORIGIN,
    TIMEOUT,
    _fresh_channel_layer,  # noqa: F401 (autouse fixture: a fresh in-memory layer)
    board_path,
    expect_close,
    open_socket,
    phone_snapshot,
    projector_snapshot,
)
from tests.conftest import join_via_http
from tests.factories import CardFactory, UserFactory
from workshop import live, projector, services
from workshop.asgi import application
from workshop.models import Workshop

CLOSED_DE = "Workshop beendet"
JOINING_CLOSED_DE = "Beitritt geschlossen"


def projector_path(workshop: Workshop) -> str:
    return f"/ws/projector/{workshop.projector_token}/"


async def english_projector(workshop: Workshop) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(
        application,
        projector_path(workshop),
        headers=[ORIGIN, HOST, (b"accept-language", b"en-GB,en;q=0.9")],
    )
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator


def only_join_panel(frame: str) -> str:
    assert frame.startswith('<div id="projector-join"'), frame[:200]
    assert 'hx-swap-oob="true"' in frame
    return frame


# pushes to the screens ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_closing_and_reopening_change_the_projectors_join_panel_only(
    workshop, board_a, group_a
):
    phone = Client()
    await database_sync_to_async(join_via_http)(phone, group_a)
    german = await open_socket(projector_path(workshop))
    await projector_snapshot(german)
    english = await english_projector(workshop)
    await projector_snapshot(english)
    participant = await open_socket(board_path(board_a), phone)
    await phone_snapshot(participant)

    await database_sync_to_async(services.workshop_close)(workshop=workshop)

    panel = only_join_panel(await german.receive_from(timeout=TIMEOUT))
    assert CLOSED_DE in panel
    assert workshop.join_code not in panel
    assert "qr.svg" not in panel
    assert "data-join-address" not in panel
    assert "Workshop ended" in only_join_panel(await english.receive_from(timeout=TIMEOUT))
    # The phone's socket is closed, and learns nothing else.
    await expect_close(participant, live.CLOSE_WORKSHOP_CLOSED)
    # The walls are not sent again: they stay on the screen as they are.
    assert await german.receive_nothing(timeout=0.2)

    await database_sync_to_async(services.workshop_reopen)(workshop=workshop)

    panel = only_join_panel(await german.receive_from(timeout=TIMEOUT))
    assert CLOSED_DE not in panel
    assert workshop.join_code in panel
    assert f"/p/{workshop.projector_token}/qr.svg?code={workshop.join_code}" in panel
    assert "Join at" in only_join_panel(await english.receive_from(timeout=TIMEOUT))
    for communicator in (german, english, participant):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_joining_and_a_new_code_reach_projectors_not_phones(
    workshop, board_a, group_a, facilitator
):
    phone = Client()
    await database_sync_to_async(join_via_http)(phone, group_a)
    screen = await open_socket(projector_path(workshop))
    await projector_snapshot(screen)
    participant = await open_socket(board_path(board_a), phone)
    await phone_snapshot(participant)
    console = Client()
    await database_sync_to_async(console.force_login)(facilitator)
    laptop = await open_socket(f"/ws/workshops/{workshop.pk}/", console)
    await laptop.receive_from(timeout=TIMEOUT)  # the console's snapshot of the one board
    assert 'id="people-panel"' in await laptop.receive_from(timeout=TIMEOUT)  # and its people

    await database_sync_to_async(services.joining_set)(workshop=workshop, is_open=False)
    panel = only_join_panel(await screen.receive_from(timeout=TIMEOUT))
    assert JOINING_CLOSED_DE in panel
    assert workshop.join_code not in panel

    await database_sync_to_async(services.joining_set)(workshop=workshop, is_open=True)
    old = workshop.join_code
    assert old in only_join_panel(await screen.receive_from(timeout=TIMEOUT))

    await database_sync_to_async(services.join_code_renew)(workshop=workshop)
    panel = only_join_panel(await screen.receive_from(timeout=TIMEOUT))
    assert workshop.join_code != old
    assert workshop.join_code in panel
    assert old not in panel

    # People who joined, and the facilitators' console, got none of it.
    assert await participant.receive_nothing(timeout=0.3)
    assert await laptop.receive_nothing(timeout=0.1)
    for communicator in (screen, participant, laptop):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_screen_that_connects_later_gets_the_state_of_now(workshop, board_a):
    await database_sync_to_async(services.workshop_close)(workshop=workshop)
    await database_sync_to_async(services.projector_page_turn)(workshop=workshop, step=2)
    screen = await open_socket(projector_path(workshop))
    wall, panel, pager = [await screen.receive_from(timeout=TIMEOUT) for _ in range(3)]
    assert f'id="board-{board_a.pk}"' in wall
    assert CLOSED_DE in panel
    assert 'data-page="2"' in pager
    await screen.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_turning_pages_reaches_every_projector(workshop, board_a, group_a):
    phone = Client()
    await database_sync_to_async(join_via_http)(phone, group_a)
    screen = await open_socket(projector_path(workshop))
    await projector_snapshot(screen)
    participant = await open_socket(board_path(board_a), phone)
    await phone_snapshot(participant)

    await database_sync_to_async(services.projector_page_turn)(workshop=workshop, step=1)
    pager = await screen.receive_from(timeout=TIMEOUT)
    assert pager.startswith('<div id="projector-pager"')
    assert 'data-page="1"' in pager
    assert 'data-auto="false"' in pager

    await database_sync_to_async(services.projector_auto_set)(workshop=workshop, auto=True)
    assert 'data-auto="true"' in await screen.receive_from(timeout=TIMEOUT)
    assert await participant.receive_nothing(timeout=0.3)
    for communicator in (screen, participant):
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_revoking_the_link_still_closes_the_screens(workshop, board_a):
    screen = await open_socket(projector_path(workshop))
    await projector_snapshot(screen)
    await database_sync_to_async(services.projector_link_revoke)(workshop=workshop)
    await expect_close(screen, live.CLOSE_PROJECTOR_REVOKED)
    await screen.disconnect()


def test_a_rolled_back_close_tells_no_projector(workshop, sent, django_capture_on_commit_callbacks):
    def close_then_fail() -> None:
        with transaction.atomic():
            services.workshop_close(workshop=workshop)
            services.projector_page_turn(workshop=workshop, step=1)
            raise RuntimeError("the request failed after the service")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        close_then_fail()
    assert sent == []


def test_pushes_go_once_per_language_to_the_projector_groups(
    workshop, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.joining_set(workshop=workshop, is_open=False)
    assert sorted(group for group, _message in sent) == [
        live.workshop_group(workshop.pk, live.Audience.PROJECTOR, "de"),
        live.workshop_group(workshop.pk, live.Audience.PROJECTOR, "en"),
    ]


# the page and its parts ---------------------------------------------------------------------


def page(workshop: Workshop, **headers) -> str:
    response = Client().get(reverse("projector", args=[workshop.projector_token]), **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_projector_page_shows_address_code_and_qr_code(workshop, group_a):
    body = page(workshop)
    assert 'id="projector-join"' in body
    assert "Mitmachen unter" in body
    assert '<strong class="join-box__address" data-join-address>testserver</strong>' in body
    assert f"data-join-code>{workshop.join_code}</strong>" in body
    assert f"/p/{workshop.projector_token}/qr.svg?code={workshop.join_code}" in body
    assert 'id="projector-pager"' in body


def test_projector_page_names_the_public_address(workshop, group_a, settings):
    settings.STELLWAND_PUBLIC_URL = "https://stellwand.example.de"
    assert "data-join-address>stellwand.example.de</strong>" in page(workshop)


@pytest.mark.parametrize(
    ("public_url", "address"),
    [
        ("http://192.168.1.20:8000", "192.168.1.20:8000"),
        ("https://stellwand.example.de", "stellwand.example.de"),
        ("https://example.de/stellwand", "example.de/stellwand"),
        ("", ""),  # a push without a request: the screen fills in the host it reached
    ],
)
def test_the_address_to_type_is_host_and_path(settings, public_url, address):
    settings.STELLWAND_PUBLIC_URL = public_url
    assert projector.join_address(None) == address


@pytest.mark.parametrize(
    ("close", "shown"),
    [
        (lambda w: services.workshop_close(workshop=w), CLOSED_DE),
        (lambda w: services.joining_set(workshop=w, is_open=False), JOINING_CLOSED_DE),
    ],
    ids=["workshop closed", "joining closed"],
)
def test_closed_projector_page_drops_code_qr_and_address_but_keeps_the_walls(
    workshop, group_a, close, shown
):
    CardFactory(board=group_a.board, text="Bleibt sichtbar")
    close(workshop)
    body = page(workshop)
    assert shown in body
    assert workshop.join_code not in body
    assert "qr.svg" not in body
    assert "data-join-address" not in body
    assert "Bleibt sichtbar" in body


def test_qr_code_is_an_svg_file_of_the_join_link(workshop):
    url = reverse("projector-qr", args=[workshop.projector_token])
    response = Client().get(url, {"code": workshop.join_code})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert Client().get(reverse("projector-qr", args=["falsch"])).status_code == 404
    services.workshop_close(workshop=workshop)
    assert Client().get(url).status_code == 404


# the console's page controls ----------------------------------------------------------------


def pages_url(workshop: Workshop) -> str:
    return reverse("workshop:projector-pages", args=[workshop.pk])


def test_console_turns_pages_for_every_screen(facilitator_client, workshop):
    response = facilitator_client.post(pages_url(workshop), {"turn": "next"})
    assert response.status_code == 302
    assert response["Location"] == reverse("workshop:console", args=[workshop.pk])
    facilitator_client.post(pages_url(workshop), {"turn": "next"})
    facilitator_client.post(pages_url(workshop), {"turn": "previous"})
    workshop.refresh_from_db()
    assert workshop.projector_page == 1
    # A reloaded projector shows the same page.
    assert 'data-page="1"' in page(workshop)


def test_console_turns_pages_with_htmx_without_swapping_the_controls(facilitator_client, workshop):
    response = facilitator_client.post(
        pages_url(workshop), {"turn": "next"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    workshop.refresh_from_db()
    assert workshop.projector_page == 1


def test_console_switches_automatic_pages_with_htmx(facilitator_client, workshop):
    response = facilitator_client.post(pages_url(workshop), {"auto": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="projector-controls"')
    assert 'aria-pressed="true"' in body
    assert "Automatisch blättern (alle 20 s)" in body
    workshop.refresh_from_db()
    assert workshop.projector_auto
    assert 'data-auto="true"' in page(workshop)


def test_only_facilitators_turn_pages(workshop, client):
    intruder = UserFactory(username="fremd")
    client.force_login(intruder)
    assert client.post(pages_url(workshop), {"turn": "next"}).status_code == 404
    assert Client().get(pages_url(workshop)).status_code == 302  # to the login
    workshop.refresh_from_db()
    assert workshop.projector_page == 0


def test_turning_by_hand_counts_on_from_the_page_shown_now(workshop):
    services.projector_auto_set(workshop=workshop, auto=True)
    # 65 s later three pages have turned by themselves (every 20 s).
    Workshop.objects.filter(pk=workshop.pk).update(
        projector_paged_at=timezone.now() - datetime.timedelta(seconds=65)
    )
    services.projector_page_turn(workshop=workshop, step=1)
    workshop.refresh_from_db()
    assert workshop.projector_page == 4
    assert workshop.projector_auto
    services.projector_auto_set(workshop=workshop, auto=False)
    workshop.refresh_from_db()
    assert (workshop.projector_page, workshop.projector_auto) == (4, False)
