"""Ids, tokens, join codes and session cookies from requests: refused at the edge, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import join_via_http
from workshop.ids import MAX_ID, parse_id
from workshop.services import SESSION_KEY, participant_for_session

ODD_IDS = ["0", "-1", "007", "+1", " 1", "1.0", "1e9", "0x10", "²", "١٢", "\x00", "", "9" * 5000]


@pytest.mark.parametrize("value", [*ODD_IDS, str(MAX_ID + 1), str(10**30), None, True, 0, 2**63])
def test_parse_id_refuses_what_cannot_be_a_database_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize(("value", "number"), [("1", 1), ("42", 42), (str(MAX_ID), MAX_ID), (7, 7)])
def test_parse_id_reads_a_database_id(value, number):
    assert parse_id(value) == number


@pytest.mark.parametrize("odd", ["9223372036854775807", "9223372036854775808", str(10**30), "0"])
def test_a_board_id_past_what_the_database_holds_is_a_404(odd, facilitator_client):
    # 2**63 and 10**30 were an OverflowError on SQLite once they reached a query.
    assert facilitator_client.get(f"/b/{odd}/").status_code == 404
    assert facilitator_client.get(f"/w/{odd}/boards/{odd}/").status_code == 404


def test_reversed_urls_still_carry_ids(board_a):
    assert reverse("board", args=[board_a.pk]) == f"/b/{board_a.pk}/"
    assert Client().get(reverse("board", args=[board_a.pk])).status_code == 404  # a stranger


@pytest.mark.parametrize("path", ["/p/%00/", "/p/{token}%00/", "/p/%00/{board}/snapshot/"])
def test_a_nul_in_the_projector_token_is_a_404(path, workshop, board_a):
    # It was a DataError (500) on PostgreSQL: a NUL cannot be a query parameter there.
    url = path.format(token=workshop.projector_token, board=board_a.pk)
    assert Client().get(url).status_code == 404


def test_the_join_page_forgives_case_spaces_and_dashes_and_nothing_else(workshop):
    code = workshop.join_code
    forgiving = f"/j/ {code[:3].lower()}-{code[3:]} /"
    assert Client().get(forgiving).status_code == 200
    for odd in (f"{code}%00", f"{code}.", "%00", "x" * 41):
        assert Client().get(f"/j/{odd}/").status_code == 404
    home = Client().get(reverse("home"), {"code": f"{code[:3]}\x00"})
    assert home.status_code == 200
    assert "Nullzeichen sind nicht erlaubt." in home.content.decode()


@pytest.mark.parametrize("cookie", ["\x00" * 32, "a" * 7, "ABCDEFGH" * 4, "'; --" * 8])
def test_an_odd_session_cookie_starts_a_fresh_session(cookie, board_a):
    # A NUL in the cookie reached the session query: a DataError on PostgreSQL.
    client = Client()
    client.cookies["sessionid"] = cookie
    assert client.get(reverse("privacy")).status_code == 200
    assert client.get(reverse("board", args=[board_a.pk])).status_code == 404


@pytest.mark.parametrize(
    "joined", [None, "Kim", [1, 2], {"1": None}, {"1": "1"}, {"1": 10**30}, {"1": True}, {"1": [1]}]
)
def test_a_tampered_session_has_joined_nothing(joined, group_a):
    client = Client()
    session = client.session
    session[SESSION_KEY] = joined
    session.save()
    assert participant_for_session(client.session, group_a.workshop) is None
    assert client.get(reverse("board", args=[group_a.board.pk])).status_code == 404
    # Joining again mends it.
    kim = join_via_http(client, group_a)
    assert participant_for_session(client.session, group_a.workshop) == kim
