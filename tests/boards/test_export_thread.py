"""Exports never stall the live room: a card posted while an export renders is answered
before the export is done. Shown by order, not by timing: the export's render is held until
the card's answer has arrived, which can only happen when the render is not on the one
shared thread that runs every sync view (as daphne does)."""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import replace

import pytest
from asgiref.sync import sync_to_async
from django.test import AsyncClient, Client
from django.urls import reverse

from boards import exports
from boards.views.results import renderer
from tests.boards.wall import add
from tests.conftest import join_via_http
from tests.factories import BreakoutGroupFactory, UserFactory, WorkshopFactory

CARDS = 300


def _room():
    andrea = UserFactory(username="andrea")
    workshop = WorkshopFactory(title="Werkstatt", facilitator=andrea)
    group = BreakoutGroupFactory(workshop=workshop, name="Mobilität")
    for n in range(CARDS):
        add(group.board, f"Idee Nummer {n}: mehr Busse, Radwege und Grün", user=andrea)
    phone = Client()
    join_via_http(phone, group, "Kim")
    facilitator = Client()
    facilitator.force_login(andrea)
    return workshop, group.board, phone.cookies, facilitator.cookies


@pytest.mark.django_db(transaction=True)
async def test_a_card_posted_while_a_300_card_pdf_renders_is_answered_before_the_pdf(
    monkeypatch,
):
    monkeypatch.setattr(renderer, "threads", True)
    workshop, board, phone_cookies, facilitator_cookies = await sync_to_async(_room)()
    key = "pdf" if "pdf" in exports.export_formats() else "md"
    real = exports.FORMATS[key]
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    def held(workshop, options):
        started.set()
        release.wait(30)
        content = real.render(workshop, options)
        order.append("export done")
        return content

    monkeypatch.setitem(exports.FORMATS, key, replace(real, render=held))
    organiser, phone = AsyncClient(), AsyncClient()
    organiser.cookies, phone.cookies = facilitator_cookies, phone_cookies
    download = asyncio.create_task(
        organiser.get(reverse("workshop:export", args=[workshop.pk, key]))
    )
    assert await asyncio.to_thread(started.wait, 30), "the export did not start"
    try:
        card = await asyncio.wait_for(
            phone.post(
                reverse("card-post", args=[board.pk]),
                {"text": "Während das PDF entsteht", "client_uuid": str(uuid.uuid4())},
                headers={"HX-Request": "true"},
            ),
            timeout=20,
        )
        order.append("card answered")
    finally:
        release.set()
    response = await download
    assert card.status_code in (200, 201), card.content[:500]
    assert response.status_code == 200
    assert order == ["card answered", "export done"]
    if key == "pdf":
        assert response.content.startswith(b"%PDF")
