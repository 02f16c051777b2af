"""Secrets in paths (projector tokens, join codes) never reach a log line."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import urllib.error
import urllib.request

import pytest
import websockets

from workshop import services
from workshop.logs import MaskSecrets, mask


@pytest.mark.parametrize(
    ("path", "masked"),
    [
        ("GET /p/Abc-_123xyz/", "GET /p/***/"),
        ("GET /p/Abc-_123xyz/42/snapshot/", "GET /p/***/42/snapshot/"),
        ("WSCONNECT /ws/projector/Abc-_123xyz/?board=4", "WSCONNECT /ws/projector/***/?board=4"),
        ("GET /j/WERK8K/", "GET /j/***/"),
        ("GET /?code=werk8k", "GET /?code=***"),
        ("GET /?x=1&code=WERK8K&y=2", "GET /?x=1&code=***&y=2"),
        ("GET /b/12/cards/", "GET /b/12/cards/"),
    ],
)
def test_paths_with_secrets_are_masked(path, masked):
    assert mask(path) == masked


def test_djangos_not_found_line_is_masked():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "%s: %s", ("Not Found", "/p/s3cr3t/"), None
    )
    MaskSecrets().filter(record)
    assert record.getMessage() == "Not Found: /p/***/"


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


async def open_projector_socket(url: str) -> None:
    origin = "http" + url.removeprefix("ws").split("/ws/")[0]
    async with websockets.connect(url, origin=origin) as ws:
        await asyncio.wait_for(ws.recv(), 10)


def test_the_real_servers_log_shows_no_projector_token_and_no_join_code(daphne, workshop, board_a):
    token, code = workshop.projector_token, workshop.join_code
    before = len(daphne.log_text())
    assert get(f"{daphne.url}/p/{token}/") == 200
    assert get(f"{daphne.url}/p/{token}/{board_a.pk}/snapshot/") == 200
    assert get(f"{daphne.url}/j/{code}/") == 200
    assert get(f"{daphne.url}/?code={code.lower()}") in {200, 302}
    asyncio.run(open_projector_socket(f"{daphne.ws}/ws/projector/{token}/"))
    services.projector_link_revoke(workshop=workshop)
    assert get(f"{daphne.url}/p/{token}/") == 404  # Django logs "Not Found: <path>"
    with contextlib.suppress(Exception):
        asyncio.run(open_projector_socket(f"{daphne.ws}/ws/projector/{token}/"))
    logged = daphne.log_text()[before:]
    assert "/p/***/" in logged
    assert "/ws/projector/***/" in logged
    assert "/j/***/" in logged
    assert token not in logged
    assert code not in logged
    assert code.lower() not in logged
