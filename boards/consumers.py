"""Push-only WebSocket: a socket joins the channel groups of what its page shows.

Nothing is written over the socket; every write is an HTTP POST. A client frame closes it.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from boards.events import board_for_render, personal_html, wall_html
from boards.models import Board
from boards.permissions import can
from boards.synergy_events import synergies_snapshot
from workshop import live, permissions
from workshop.events import join_panel_html, pager_html, phase_html
from workshop.ids import parse_id
from workshop.live import Audience
from workshop.models import Participant, Workshop

# Sent every STELLWAND_HEARTBEAT_SECONDS: a client that hears nothing for longer knows its
# socket is dead (phones changing networks keep half-open sockets that look alive).
HEARTBEAT = "<template data-heartbeat></template>"


@dataclass
class Access:
    """What a socket may see: channel groups to join and boards to snapshot."""

    language: str
    groups: list[str] = field(default_factory=list)
    boards: list[tuple[int, Audience]] = field(default_factory=list)
    participant: Participant | None = None
    # A projector screen also gets the workshop's join panel and page with every snapshot.
    projector_of: Workshop | None = None
    # Every screen gets the running phase with its snapshot (an offline phone catches up).
    phase_of: tuple[Workshop, Audience] | None = None
    # The plenary's links and conclusions (issue 7): the workshop and as whom.
    synergies_of: tuple[int, Audience] | None = None


def scope_language(scope: dict) -> str:
    """The page's language, chosen as LocaleMiddleware chooses it (cookie, then browser)."""
    supported = live.languages()
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")
    candidates = [cookie]
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            header = value.decode("latin-1")
            candidates += [lang for lang, _q in parse_accept_lang_header(header)]
    for candidate in candidates:
        code = candidate.lower().split("-")[0]
        if code in supported:
            return code
    return settings.LANGUAGE_CODE


def _query_value(scope: dict, name: str) -> str | None:
    for part in scope.get("query_string", b"").decode("latin-1").split("&"):
        key, _, value = part.partition("=")
        if key == name:
            return value
    return None


def board_access(scope: dict, board_id: int, lang: str) -> Access | None:
    """A participant of the board's group, or a facilitator of its workshop."""
    board = Board.objects.select_related("group", "workshop").filter(pk=board_id).first()
    if board is None:
        return None
    workshop = board.workshop
    if permissions.is_facilitator(scope.get("user"), workshop):
        return Access(
            language=lang,
            groups=[
                live.board_group(board.pk, Audience.FACILITATORS, lang),
                live.facilitator_group(workshop.pk, scope["user"].pk),
            ],
            boards=[(board.pk, Audience.FACILITATORS)],
            phase_of=(workshop, Audience.FACILITATORS),
        )
    session: SessionBase | None = scope.get("session")
    if session is None or workshop.is_closed or board.group is None:
        return None
    actor = permissions.actor_for(workshop, None, session)
    if not can(actor, permissions.Action.VIEW_BOARD, board=board):
        return None
    participant = actor.participant
    assert participant is not None
    return Access(
        language=lang,
        groups=[
            live.board_group(board.pk, Audience.PARTICIPANTS, lang),
            live.participant_group(participant.pk),
            live.personal_group(participant.pk, lang),
            # Workshop-wide pushes to every phone: the phase, the timer, the spotlight.
            live.workshop_group(workshop.pk, Audience.PARTICIPANTS, lang),
        ],
        boards=[(board.pk, Audience.PARTICIPANTS)],
        participant=participant,
        phase_of=(workshop, Audience.PARTICIPANTS),
        synergies_of=(workshop.pk, Audience.PARTICIPANTS),
    )


def console_access(scope: dict, workshop_id: int, lang: str) -> Access | None:
    """A facilitator's console: every board of the workshop, plus the group counts."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or not permissions.is_facilitator(scope.get("user"), workshop):
        return None
    board_ids = list(workshop.boards.of_groups().values_list("pk", flat=True))
    return Access(
        language=lang,
        groups=[
            live.workshop_group(workshop.pk, Audience.FACILITATORS, lang),
            live.facilitator_group(workshop.pk, scope["user"].pk),
        ]
        + [live.board_group(pk, Audience.FACILITATORS, lang) for pk in board_ids],
        boards=[(pk, Audience.FACILITATORS) for pk in board_ids],
        phase_of=(workshop, Audience.FACILITATORS),
        synergies_of=(workshop.pk, Audience.FACILITATORS),
    )


def projector_access(scope: dict, token: str, lang: str) -> Access | None:
    """A projector screen opened through the workshop's secret read-only link."""
    workshop = Workshop.objects.filter(projector_token=token).first()
    if workshop is None:
        return None
    board_ids = list(workshop.boards.of_groups().values_list("pk", flat=True))
    only = _query_value(scope, "board")
    if only is not None:
        board_id = parse_id(only)
        if board_id not in board_ids:
            return None  # an odd or foreign board: refused, not widened to all boards
        board_ids = [board_id]
    return Access(
        language=lang,
        groups=[
            # Without a language: closing the screens when the link is revoked.
            live.workshop_group(workshop.pk, Audience.PROJECTOR),
            live.workshop_group(workshop.pk, Audience.PROJECTOR, lang),
        ]
        + [live.board_group(pk, Audience.PROJECTOR, lang) for pk in board_ids],
        boards=[(pk, Audience.PROJECTOR) for pk in board_ids],
        projector_of=workshop,
        phase_of=(workshop, Audience.PROJECTOR),
        synergies_of=(workshop.pk, Audience.PROJECTOR),
    )


def resolve_access(scope: dict) -> Access | None:
    kwargs = scope["url_route"]["kwargs"]
    lang = scope_language(scope)
    if "board_id" in kwargs:
        return board_access(scope, kwargs["board_id"], lang)
    if "workshop_id" in kwargs:
        return console_access(scope, kwargs["workshop_id"], lang)
    if "token" in kwargs:
        return projector_access(scope, kwargs["token"], lang)
    return None


def snapshots(access: Access) -> list[str]:
    with translation.override(access.language):
        out = []
        for pk, audience in access.boards:
            board = board_for_render(pk)
            out.append(wall_html(board, audience))
            if access.participant is not None:
                out.append(personal_html(board, access.participant))
        if access.projector_of is not None:
            # A screen that was offline while the workshop closed or the page turned catches up.
            out += [join_panel_html(access.projector_of), pager_html(access.projector_of)]
        if access.phase_of is not None:
            workshop, audience = access.phase_of
            workshop.refresh_from_db(fields=["current_phase", "phase_started_at"])
            # In the last frame: one more top-level element that htmx swaps out of band.
            html = phase_html(workshop, audience)
            if out:
                out[-1] += html
            else:
                out.append(html)
        if access.synergies_of is not None:
            out += synergies_snapshot(*access.synergies_of)
        return out


class BoardConsumer(AsyncWebsocketConsumer):
    """Forwards board fragments to one page; sends the current state on every connect."""

    async def connect(self) -> None:
        self.joined: list[str] = []
        self.heartbeat: asyncio.Task | None = None
        access = await database_sync_to_async(resolve_access)(self.scope)
        if access is None:
            await self.close()
            return
        try:
            for group in access.groups:
                await self.channel_layer.group_add(group, self.channel_name)
                self.joined.append(group)
        except Exception as error:
            # Redis is down: say so cleanly; the page retries with backoff ("reconnecting").
            live.health.failed(error)
            await self.accept()
            await self.close(code=live.CLOSE_TRY_AGAIN)
            return
        await self.accept()
        # After joining the groups: a change committed meanwhile is in the snapshot or
        # arrives afterwards with a newer revision; the client drops what it already has.
        for html in await database_sync_to_async(snapshots)(access):
            await self.send(text_data=html)
        self.heartbeat = asyncio.create_task(self.beat(settings.STELLWAND_HEARTBEAT_SECONDS))

    async def beat(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            await self.send(text_data=HEARTBEAT)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "heartbeat", None) is not None:
            self.heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.heartbeat
        for group in getattr(self, "joined", []):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception as error:  # Redis down: its subscriptions are gone anyway
                live.health.failed(error)
                break

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(code=live.CLOSE_PUSH_ONLY)

    async def dispatch(self, message: dict) -> None:
        # Pushes touch no database: skip Channels' per-message hop to the sync thread
        # (aclose_old_connections), about a third of the CPU spent per delivery.
        if message["type"] == "board.fragment":
            await self.board_fragment(message)
        else:
            await super().dispatch(message)

    async def board_fragment(self, event: dict) -> None:
        await self.send(text_data=event["html"])

    async def socket_close(self, event: dict) -> None:
        await self.close(code=event["code"])
