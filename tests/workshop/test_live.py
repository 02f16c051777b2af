"""The one door to the channel layer: an outage is one log line, its end another."""

from __future__ import annotations

import logging

import pytest

from workshop import live


class FlakyLayer:
    def __init__(self) -> None:
        self.down = True
        self.sent: list[str] = []

    async def group_send(self, group, message):
        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")
        self.sent.append(group)


@pytest.fixture
def layer(monkeypatch):
    flaky = FlakyLayer()
    monkeypatch.setattr(live, "get_channel_layer", lambda: flaky)
    monkeypatch.setattr(live, "health", live.LayerHealth())
    monkeypatch.setattr(live.LayerHealth, "RETRY_SECONDS", 0.0)
    return flaky


def test_an_outage_logs_one_line_without_traceback_and_one_when_it_ends(layer, caplog):
    caplog.set_level(logging.WARNING, logger="workshop.live")
    for n in range(12):  # two writes' worth of pushes
        live._group_send(f"board.1.participants.de.{n}", {"type": "board.fragment"})
    assert live.health.is_down
    assert [r.getMessage()[:36] for r in caplog.records] == ["The channel layer is unreachable (Co"]
    assert all(r.exc_info is None for r in caplog.records)
    layer.down = False
    live._group_send("board.1.participants.de", {"type": "board.fragment"})
    live._group_send("board.1.projector.de", {"type": "board.fragment"})
    assert not live.health.is_down
    assert [r.getMessage()[:25] for r in caplog.records][1:] == ["The channel layer is back"]
    assert layer.sent == ["board.1.participants.de", "board.1.projector.de"]


def test_channels_redis_tracebacks_count_as_the_outage(layer, caplog):
    caplog.set_level(logging.WARNING)
    record = logging.LogRecord(
        "channels_redis.pubsub", logging.ERROR, __file__, 1, "Unexpected exception", (), None
    )
    try:
        raise ConnectionError("Connection closed by server.")
    except ConnectionError as error:
        record.exc_info = (type(error), error, error.__traceback__)
    assert live.QuietLayerErrors().filter(record) is False
    assert live.health.is_down
