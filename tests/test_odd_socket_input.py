"""Odd input on every socket route: no path, query string, cookie or origin makes a traceback.

The routes come from boards/routing.py; SOCKET_ROUTES says what each reads from the query
string, so a socket route added later fails here by name until it has a strategy. A socket
that is refused is closed; the application never raises.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from asgiref.sync import async_to_sync
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.test import Client
from hypothesis import given, settings, strategies as st

from boards.routing import websocket_urlpatterns
from tests import tally
from tests.boards.wall import add
from tests.conftest import join_via_http
from tests.factories import UserFactory
from tests.odd import ODD_SESSION_VALUES, PROFILE, SHARP, list_routes, odd_text
from workshop.asgi import application
from workshop.services import SESSION_KEY

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 5
ORIGIN = b"http://localhost"
HOST = (b"host", b"localhost")  # the served address itself: its own origin may open sockets
ODD_ORIGINS = [b"", b"null", b"http://[", b"http://localhost:99999", b"\xff\xfe", b"evil.example"]

# Every socket route by its path, with the query-string parameters it reads.
SOCKET_ROUTES: dict[str, tuple[str, ...]] = {
    "/ws/boards/{board_id}/": (),
    "/ws/workshops/{workshop_id}/": (),
    "/ws/projector/{token}/": ("board",),
    "/ws/waiting/{waiting_workshop_id}/": (),
    "/ws/preview/{preview_board_id}/": (),
}
# Who opens a route with its real values (a facilitator unless named here).
OPENED_BY = {"/ws/waiting/{waiting_workshop_id}/": "participant"}
ROUTES = list_routes(websocket_urlpatterns)
NAMED = [r for r in ROUTES if r.params]  # a catch-all route has nothing to fill in


@pytest.fixture(autouse=True)
def _fresh_channel_layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def people(workshop, group_a, group_b, other_workshop, other_group, facilitator):
    """A cookie header per role, and the real values of every route parameter."""
    phone = Client()
    join_via_http(phone, group_a)
    add(group_a.board, "Mehr Radwege", user=facilitator)
    clients = {"anonymous": None, "participant": phone}
    for role, user in (("facilitator", facilitator), ("stranger", UserFactory(username="x"))):
        clients[role] = Client()
        clients[role].force_login(user)
    clients["tampered"] = Client()
    clients["tampered"].session.save()
    pools = {
        "board_id": [str(g.board.pk) for g in (group_a, group_b, other_group)],
        "workshop_id": [str(workshop.pk), str(other_workshop.pk)],
        "token": [workshop.projector_token, other_workshop.projector_token],
        "board": [str(g.board.pk) for g in (group_a, group_b, other_group)],
        "waiting_workshop_id": [str(workshop.pk), str(other_workshop.pk)],
        "preview_board_id": [str(g.board.pk) for g in (group_a, group_b, other_group)],
    }
    return clients, pools, [str(workshop.pk), str(other_workshop.pk)]


def cookie_of(client: Client | None) -> bytes:
    return f"sessionid={client.cookies['sessionid'].value}".encode() if client else b""


async def attempt(path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> bool:
    """Open and close one socket: refused or accepted, never an exception."""
    tally.count("odd-socket")
    communicator = WebsocketCommunicator(application, path, headers=headers)
    communicator.scope["query_string"] = query  # raw bytes, as a server hands them on
    connected, _code = await communicator.connect(timeout=TIMEOUT)
    await communicator.disconnect(timeout=TIMEOUT)
    return connected


def test_every_socket_route_has_a_strategy():
    unknown = [r.template for r in NAMED if r.template not in SOCKET_ROUTES]
    assert not unknown, f"Socket routes without an odd-input strategy: {unknown}"


def socket_cases(pools: dict[str, list[str]]) -> list[tuple[str, bytes]]:
    """Each parameter and query value in turn gets each of SHARP, the rest their real value."""
    cases = []
    for route in NAMED:
        params = {name: pools[name][0] for name, _ in route.params}
        for name in params:
            cases += [(route.url(params | {name: value}), b"") for value in SHARP]
        for key in SOCKET_ROUTES[route.template]:
            cases += [(route.url(params), f"{key}={v}".encode()) for v in SHARP]
            cases.append((route.url(params), f"{key}=\xb2".encode("latin-1")))
    return cases


def test_sharp_values_in_every_socket_input_raise_nothing(people):
    clients, pools, _workshops = people

    def headers_for(path_template: str) -> list[tuple[bytes, bytes]]:
        who = clients[OPENED_BY.get(path_template, "facilitator")]
        return [(b"origin", ORIGIN), HOST, (b"cookie", cookie_of(who))]

    for route in NAMED:  # the real values open each socket: the odd ones reach the same code
        real = route.url({name: pools[name][0] for name, _ in route.params})
        assert async_to_sync(attempt)(real, b"", headers_for(route.template)), real
    by_url = {}
    for route in NAMED:
        params = {name: pools[name][0] for name, _ in route.params}
        by_url[route.url(params).split("/")[2]] = route.template
    for path, query in socket_cases(pools):
        template = by_url.get(path.split("/")[2], "")
        assert not async_to_sync(attempt)(path, query, headers_for(template)), (path, query)


@settings(PROFILE, max_examples=PROFILE.max_examples * 5)  # sockets are cheap
@given(data=st.data())
def test_odd_socket_input_raises_nothing(people, data):
    """Real values everywhere but in one input; mostly as someone the socket is for."""
    clients, pools, workshops = people
    route = data.draw(st.sampled_from(ROUTES), label="route")
    query_keys = SOCKET_ROUTES.get(route.template, ())
    inputs = [*(name for name, _ in route.params), *query_keys, "path", "origin", "role"]
    odd = data.draw(st.sampled_from(inputs), label="odd input")

    def real(name: str) -> st.SearchStrategy[str]:
        return st.sampled_from([pools[name][0]] * 3 * len(pools[name]) + pools[name])

    values = {
        name: data.draw(odd_text() if odd == name else real(name), label=name)
        for name, _converter in route.params
    }
    path = route.url(values)
    if odd == "path":  # a socket client can ask for any path
        path = data.draw(odd_text().map(lambda v: "/ws/" + quote(v, safe="/")), label="path")
    query = b""
    for key in query_keys:
        if odd == key:
            raw = st.binary(max_size=40) | odd_text().map(str.encode)
            query = data.draw(raw.map(lambda v, key=key: key.encode() + b"=" + v), label=key)
        elif data.draw(st.booleans(), label=f"with {key}"):
            query = f"{key}={data.draw(real(key), label=key)}".encode()
    origin = data.draw(st.sampled_from(ODD_ORIGINS), label="origin") if odd == "origin" else ORIGIN
    roles = ["facilitator", "participant"] * 3 + ["anonymous", "stranger"]
    if odd == "role":
        roles = ["tampered", "odd-cookie"]
    role = data.draw(st.sampled_from(roles), label="role")
    headers = [(b"origin", origin), HOST]
    if role == "odd-cookie":
        value = data.draw(odd_text(), label="cookie").encode("utf-8")
        headers.append((b"cookie", b"sessionid=" + value))
    elif clients[role] is not None:
        headers.append((b"cookie", cookie_of(clients[role])))
    if role == "tampered":
        joined = st.dictionaries(st.sampled_from([*workshops, "x"]), ODD_SESSION_VALUES)
        session = clients["tampered"].session
        session[SESSION_KEY] = data.draw(joined | ODD_SESSION_VALUES, label="session")
        session.save()
    async_to_sync(attempt)(path, query, headers)
