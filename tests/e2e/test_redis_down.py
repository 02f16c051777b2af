"""A phone while the server cannot reach Redis: it says "reconnecting", its cards are still
stored, and it is live again by itself when Redis is back."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from boards.models import Card
from boards.services import GroupSpec, workshop_create_with_groups
from tests.e2e.conftest import cards, choose_group_and_join, expect_live, pin
from tests.servers import PrivateRedis, free_port, start_daphne

pytestmark = [pytest.mark.e2e, pytest.mark.services("redis")]


@pytest.fixture
def redis_server(live_db, tmp_path):
    redis = PrivateRedis(free_port())
    redis.start()
    server = start_daphne(
        tmp_path / "daphne-redis.log",
        DATABASE_URL=f"sqlite:///{live_db.db_path}",
        REDIS_URL=f"redis://127.0.0.1:{redis.port}/0",
        STELLWAND_CHANNEL_PREFIX=f"e2e{uuid.uuid4().hex[:8]}",
        DJANGO_DEBUG="true",
    )
    yield redis, server
    server.stop()
    redis.stop()


def test_a_phone_rides_out_a_redis_outage(screens, facilitator, redis_server):
    redis, server = redis_server
    workshop = workshop_create_with_groups(
        user=facilitator, title="Ausfall", groups=[GroupSpec("Mobilität")]
    )
    board = workshop.groups.get().board
    phone = screens.phone(server.url)
    phone.goto(f"/j/{workshop.join_code}/")
    choose_group_and_join(phone, "Mobilität", name="Kim")
    expect_live(phone)

    redis.stop()
    phone.reload()  # a new socket while Redis is down
    status = phone.locator("[data-live-status]")
    expect(status).to_have_attribute("data-state", "reconnecting", timeout=15_000)
    expect(status).to_contain_text("Verbindung wird wiederhergestellt")
    pin(phone, "Geschrieben während Redis fehlt")
    expect(cards(phone, board.pk, "Geschrieben während Redis fehlt")).to_have_count(1)
    assert Card.objects.filter(text="Geschrieben während Redis fehlt").count() == 1

    redis.start()
    expect_live(phone, timeout=45_000)  # its own backoff brings it back
    expect(cards(phone, board.pk, "Geschrieben während Redis fehlt")).to_have_count(1)
