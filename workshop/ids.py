"""Ids, tokens and join codes from requests, checked at the edge: no query sees an odd one.

SQLite cannot take an integer past 64 bits, PostgreSQL no NUL in a string; a value that
cannot be a real id or token is refused here (a 404 for a URL, a form error for a field).
"""

from __future__ import annotations

import re

from django.urls import register_converter

from workshop.models import normalize_join_code

MAX_ID = 2**63 - 1  # the largest id a BigAutoField holds
ID_PATTERN = "[1-9][0-9]{0,18}"  # ASCII digits, no sign, no leading zero
_ID = re.compile(ID_PATTERN)


def parse_id(value: object) -> int | None:
    """A database id (1 to 2**63 - 1) from a request or a session, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """`<id:board_id>`: a database id; anything else, 2**63 included, is a 404."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the resolver takes this as "no match"
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)


class TokenConverter:
    """`<token:token>`: a secret link's token (`secrets.token_urlsafe`), as stored."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class JoinCodeConverter:
    """`<code:code>`: a join code as typed (any case, spaces, dashes), handed on normalized."""

    regex = "[^/]{1,40}"

    def to_python(self, value: str) -> str:
        code = normalize_join_code(value)
        if code is None:
            raise ValueError(value)
        return code

    def to_url(self, value: str) -> str:
        return value


def register_converters() -> None:
    """`<id:…>`, `<token:…>` and `<code:…>` for both URLconfs (HTTP and WebSocket)."""
    register_converter(IdConverter, "id")
    register_converter(TokenConverter, "token")
    register_converter(JoinCodeConverter, "code")
