"""Which pages may open a WebSocket: scheme, host and port must match an allowed origin."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest
import websockets
from channels.testing import WebsocketCommunicator

from tests.servers import ROOT
from workshop.asgi import application
from workshop.origins import normalize, origin_allowed

PROXY = {
    # Behind a TLS proxy: the browser is on https://stellwand.example.de, daphne on :8001.
    "ALLOWED_HOSTS": ["stellwand.example.de"],
    "CSRF_TRUSTED_ORIGINS": ["https://stellwand.example.de"],
    "STELLWAND_PUBLIC_URL": "https://stellwand.example.de",
    "STELLWAND_LAN_HOST": "",
}
ROOM = {
    # `make run HOST=0.0.0.0` on a laptop at 192.168.1.20.
    "ALLOWED_HOSTS": ["192.168.1.20", "localhost", "127.0.0.1"],
    "CSRF_TRUSTED_ORIGINS": [],
    "STELLWAND_PUBLIC_URL": "http://192.168.1.20:8000",
    "STELLWAND_LAN_HOST": "192.168.1.20",
}
LOCAL = {
    "ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
    "CSRF_TRUSTED_ORIGINS": [],
    "STELLWAND_PUBLIC_URL": "",
    "STELLWAND_LAN_HOST": "",
}


@pytest.mark.parametrize(
    ("origin", "normal"),
    [
        ("https://Stellwand.Example.de:443", "https://stellwand.example.de"),
        ("http://localhost:80/", "http://localhost"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("null", None),
        ("file://", None),
        ("http://host:99999", None),
        ("https://x.de/path", None),
    ],
)
def test_origins_are_compared_by_scheme_host_and_port(origin, normal):
    assert normalize(origin) == normal


@pytest.mark.parametrize(
    ("conf", "origin", "host", "allowed"),
    [
        (PROXY, "https://stellwand.example.de", "stellwand.example.de", True),
        (PROXY, "http://stellwand.example.de", "stellwand.example.de", False),
        (PROXY, "https://stellwand.example.de:8443", "stellwand.example.de", False),
        (PROXY, "https://evil.example", "stellwand.example.de", False),
        (PROXY, "https://stellwand.example.de", "evil.example", False),  # host not allowed
        (PROXY, "http://localhost:8001", "localhost:8001", False),  # not in ALLOWED_HOSTS
        (ROOM, "http://192.168.1.20:8000", "192.168.1.20:8000", True),
        (ROOM, "http://192.168.1.20:9999", "192.168.1.20:8000", False),
        (ROOM, "http://localhost:8000", "localhost:8000", True),  # the laptop itself
        (ROOM, "http://localhost:9999", "localhost:8000", False),
        (ROOM, "https://192.168.1.20:8000", "192.168.1.20:8000", True),
        (LOCAL, "http://localhost:8000", "localhost:8000", True),
        (LOCAL, "http://127.0.0.1:8000", "127.0.0.1:8000", True),
        (LOCAL, "http://localhost:9999", "localhost:8000", False),
        (LOCAL, "http://127.0.0.1:8000", "localhost:8000", False),
        (LOCAL, "null", "localhost:8000", False),
        (LOCAL, None, "localhost:8000", False),
        (LOCAL, "http://localhost:8000", None, False),
    ],
)
def test_allowed_origins(settings, conf, origin, host, allowed):
    for name, value in conf.items():
        setattr(settings, name, value)
    assert origin_allowed(origin, host) is allowed


async def handshake(path: str, origin: str, host: str) -> bool:
    headers = [(b"origin", origin.encode()), (b"host", host.encode())]
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
def test_the_app_refuses_another_port_on_localhost(settings, workshop):
    for name, value in LOCAL.items():
        setattr(settings, name, value)
    path = f"/ws/projector/{workshop.projector_token}/"
    assert asyncio.run(handshake(path, "http://localhost:8000", "localhost:8000"))
    assert not asyncio.run(handshake(path, "http://localhost:9999", "localhost:8000"))


def test_a_page_of_the_real_server_opens_its_socket_and_another_port_is_refused(daphne, board_a):
    async def connect(origin: str) -> str:
        url = f"{daphne.ws}/ws/projector/{board_a.workshop.projector_token}/"
        try:
            async with websockets.connect(url, origin=origin) as ws:
                await asyncio.wait_for(ws.recv(), 10)
                return "open"
        except websockets.InvalidStatus as refused:
            return str(refused.response.status_code)

    assert asyncio.run(connect(daphne.url)) == "open"
    assert asyncio.run(connect(f"http://127.0.0.1:{daphne.port + 1}")) == "403"
    assert asyncio.run(connect(f"http://localhost:{daphne.port}")) == "403"  # Host differs


def test_production_refuses_a_wildcard_in_allowed_hosts():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-real-secret-for-this-test-only-1234567890",
        "DJANGO_ALLOWED_HOSTS": "stellwand.example.de,*",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import workshop.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name the server's hosts" in result.stderr
