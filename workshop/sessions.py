"""Django's database sessions, with the session cookie checked before it reaches a query."""

from __future__ import annotations

import re

from django.contrib.sessions.backends import db

# The shape of the keys Django makes (32 of a-z0-9); the column holds at most 40.
SESSION_KEY_SHAPE = re.compile(r"[a-z0-9]{8,40}")


class SessionStore(db.SessionStore):
    def _validate_session_key(self, key: str | None) -> bool:
        # An odd cookie (a NUL is a DataError on PostgreSQL) is no session: a fresh one starts.
        return bool(key) and SESSION_KEY_SHAPE.fullmatch(key) is not None
