"""The only door to the channel layer.

Group names are built here from server-side ids only. Sends are registered with
`transaction.on_commit`, so a rolled-back write never announces anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


class Audience(StrEnum):
    """Who looks at a board: each audience gets its own rendering of a change."""

    FACILITATORS = "facilitators"
    PARTICIPANTS = "participants"
    PROJECTOR = "projector"


# Close codes in the 4000 range: the client shows why and does not reconnect.
CLOSE_REMOVED = 4001
CLOSE_WORKSHOP_CLOSED = 4002
CLOSE_PROJECTOR_REVOKED = 4003
CLOSE_GROUP_REMOVED = 4004
# The socket is push-only: a client that sends a frame is closed (the 4000 range, because
# autobahn refuses 1008 from an application and turns it into 1011 with a traceback).
CLOSE_PUSH_ONLY = 4008


def languages() -> list[str]:
    """Every interface language: a board fragment is rendered once in each."""
    return [code for code, _name in settings.LANGUAGES]


def board_group(board_id: int, audience: Audience, language: str | None = None) -> str:
    """Sockets showing `board_id` to `audience` in `language` (default: the site's)."""
    return f"board.{board_id}.{audience}.{language or settings.LANGUAGE_CODE}"


def workshop_group(workshop_id: int, audience: Audience, language: str | None = None) -> str:
    """Workshop-wide pushes: rendered content per language; without one, for closing sockets."""
    if language is None:
        return f"workshop.{workshop_id}.{audience}"
    return f"workshop.{workshop_id}.{audience}.{language}"


def participant_group(participant_id: int) -> str:
    return f"participant.{participant_id}"


def personal_group(participant_id: int, language: str) -> str:
    """What only this participant sees (their hidden cards, their dots), in their language."""
    return f"participant.{participant_id}.{language}"


def facilitator_group(workshop_id: int, user_id: int) -> str:
    """One facilitator's sockets in one workshop: closed when they are removed from it."""
    return f"workshop.{workshop_id}.user.{user_id}"


def _group_send(group: str, message: dict[str, object]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        # The write is committed; clients resync on reconnect. Never fail the request.
        logger.exception("live push to %s failed", group)


def send_html_on_commit(render: Callable[[], dict[str, str]]) -> None:
    """After commit, call `render` for {group: html} and push each fragment to its group."""

    def push() -> None:
        try:
            fragments = render()
        except Exception:
            # Committed is committed: a failed render (say, the board is gone by now)
            # must not turn the request into an error. Clients resync on their next connect.
            logger.exception("rendering a live push failed")
            return
        for group, html in fragments.items():
            _group_send(group, {"type": "board.fragment", "html": html})

    transaction.on_commit(push)


def close_on_commit(groups: list[str], code: int) -> None:
    """After commit, close every socket in `groups` with `code` (they will not reconnect)."""

    def push() -> None:
        for group in groups:
            _group_send(group, {"type": "socket.close", "code": code})

    transaction.on_commit(push)
