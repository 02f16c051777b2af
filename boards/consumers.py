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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from boards.events import board_for_render, personal_html, wall_html
from boards.models import Board
from boards.permissions import can
from boards.plenary_events import plenary_html, spotlight_html
from boards.synergy_events import synergies_snapshot
from boards.timer_events import snapshot_html as timer_snapshot_html
from workshop import live, permissions, presence
from workshop.events import (
    join_panel_html,
    pager_html,
    people_changed,
    people_panel_html,
    phase_html,
)
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
    # The countdowns (and a phone's "I'm done") of this workshop, as this audience sees them.
    timers_of: Workshop | None = None
    timers_audience: Audience | None = None
    # Every screen gets the running phase with its snapshot (an offline phone catches up).
    phase_of: tuple[Workshop, Audience] | None = None
    # A console also gets its participants panel (who is online in which group).
    console_of: Workshop | None = None
    # A phone waiting for a group gets its waiting note (or, assigned meanwhile, its board).
    waiting_in: Workshop | None = None
    # Every screen that shows the spotlight gets it on connect; a plenary screen the plenary.
    spotlight_of: tuple[Workshop, Audience] | None = None
    plenary: bool = False
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
        return with_plenary(
            Access(
                language=lang,
                groups=[
                    live.board_group(board.pk, Audience.FACILITATORS, lang),
                    live.facilitator_group(workshop.pk, scope["user"].pk),
                ],
                boards=[(board.pk, Audience.FACILITATORS)],
                phase_of=(workshop, Audience.FACILITATORS),
            ),
            board,
            Audience.FACILITATORS,
        )
    session: SessionBase | None = scope.get("session")
    if session is None or workshop.is_closed:
        return None
    actor = permissions.actor_for(workshop, None, session)
    if not can(actor, permissions.Action.VIEW_BOARD, board=board):
        return None
    participant = actor.participant
    assert participant is not None
    access = Access(
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
        timers_of=workshop,
        timers_audience=Audience.PARTICIPANTS,
        phase_of=(workshop, Audience.PARTICIPANTS),
        spotlight_of=(workshop, Audience.PARTICIPANTS),
        synergies_of=(workshop.pk, Audience.PARTICIPANTS),
    )
    return with_plenary(access, board, Audience.PARTICIPANTS)


def with_plenary(access: Access, board: Board, audience: Audience) -> Access:
    """The plenary's board page shows the whole plenary too: it follows every group's board."""
    if board.is_plenary:
        access.groups.append(live.plenary_group(board.workshop_id, audience, access.language))
        access.plenary = True
        access.spotlight_of = (board.workshop, audience)
    return access


def console_access(scope: dict, workshop_id: int, lang: str) -> Access | None:
    """A facilitator's console: every board of the workshop, plus the group counts."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or not permissions.is_facilitator(scope.get("user"), workshop):
        return None
    groups = [
        live.workshop_group(workshop.pk, Audience.FACILITATORS, lang),
        live.facilitator_group(workshop.pk, scope["user"].pk),
    ]
    spotlight_of = (workshop, Audience.FACILITATORS)
    if _query_value(scope, "view") == "plenary":
        # The console's plenary page: the plenary and the plenary's own board.
        board_ids = list(workshop.boards.plenary().values_list("pk", flat=True))
        groups.append(live.plenary_group(workshop.pk, Audience.FACILITATORS, lang))
    else:
        board_ids = list(workshop.boards.of_groups().values_list("pk", flat=True))
    return Access(
        language=lang,
        groups=groups + [live.board_group(pk, Audience.FACILITATORS, lang) for pk in board_ids],
        boards=[(pk, Audience.FACILITATORS) for pk in board_ids],
        timers_of=workshop,
        timers_audience=Audience.FACILITATORS,
        phase_of=(workshop, Audience.FACILITATORS),
        console_of=workshop,
        synergies_of=(workshop.pk, Audience.FACILITATORS),
        spotlight_of=spotlight_of,
        plenary=_query_value(scope, "view") == "plenary",
    )


def waiting_access(scope: dict, workshop_id: int, lang: str) -> Access | None:
    """A participant waiting for the facilitators to assign them a group."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    session: SessionBase | None = scope.get("session")
    if workshop is None or workshop.is_closed or session is None:
        return None
    actor = permissions.actor_for(workshop, None, session)
    if actor.participant is None:
        return None
    pid = actor.participant.pk
    return Access(
        language=lang,
        groups=[
            live.participant_group(pid),
            live.workshop_group(workshop.pk, Audience.PARTICIPANTS, lang),
        ],
        participant=actor.participant,
        waiting_in=workshop,
    )


def preview_access(scope: dict, board_id: int, lang: str) -> Access | None:
    """A facilitator looking at what the phones of a group show: the participants' wall."""
    board = Board.objects.select_related("workshop").filter(pk=board_id).first()
    if board is None or board.group_id is None:
        return None
    if not permissions.is_facilitator(scope.get("user"), board.workshop):
        return None
    return Access(
        language=lang,
        groups=[
            live.board_group(board.pk, Audience.PARTICIPANTS, lang),
            live.facilitator_group(board.workshop_id, scope["user"].pk),
        ],
        boards=[(board.pk, Audience.PARTICIPANTS)],
    )


def projector_access(scope: dict, token: str, lang: str) -> Access | None:
    """A projector screen opened through the workshop's secret read-only link."""
    workshop = Workshop.objects.filter(projector_token=token).first()
    if workshop is None:
        return None
    board_ids = list(workshop.boards.of_groups().values_list("pk", flat=True))
    only = _query_value(scope, "board")
    plenary = _query_value(scope, "view") == "plenary" and only is None
    if plenary:
        board_ids = []  # the plenary's columns come as one piece, and follow every board
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
        + [live.board_group(pk, Audience.PROJECTOR, lang) for pk in board_ids]
        + ([live.plenary_group(workshop.pk, Audience.PROJECTOR, lang)] if plenary else []),
        boards=[(pk, Audience.PROJECTOR) for pk in board_ids],
        projector_of=workshop,
        timers_of=workshop,
        timers_audience=Audience.PROJECTOR,
        phase_of=(workshop, Audience.PROJECTOR),
        spotlight_of=(workshop, Audience.PROJECTOR),
        plenary=plenary,
        synergies_of=(workshop.pk, Audience.PROJECTOR),
    )


def resolve_access(scope: dict) -> Access | None:
    kwargs = scope["url_route"]["kwargs"]
    lang = scope_language(scope)
    if "board_id" in kwargs:
        return board_access(scope, kwargs["board_id"], lang)
    if "preview_board_id" in kwargs:
        return preview_access(scope, kwargs["preview_board_id"], lang)
    if "waiting_workshop_id" in kwargs:
        return waiting_access(scope, kwargs["waiting_workshop_id"], lang)
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
        if access.waiting_in is not None:
            out.append(waiting_html(access.waiting_in, access.participant))
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
        if access.spotlight_of is not None:
            workshop, audience = access.spotlight_of
            workshop.refresh_from_db(fields=["spotlight_kind", "spotlight_id"])
            extra = plenary_html(workshop, audience) if access.plenary else ""
            extra += spotlight_html(workshop, audience)
            # In the last message (swapped by id like the rest): as many messages as before.
            out = [*out[:-1], out[-1] + extra] if out else [extra]
        if access.timers_of is not None and access.timers_audience is not None:
            # One message: the room's countdown (a phone's also its group's and "I'm done").
            parts = timer_snapshot_html(
                access.timers_of, access.timers_audience, access.participant
            )
            out.append("".join(parts))
        if access.console_of is not None:
            # With the countdown, in one frame: who is online in which group.
            people = people_panel_html(access.console_of)
            if access.timers_of is not None:
                out[-1] += people
            else:
                out.append(people)
        if access.synergies_of is not None:
            out += synergies_snapshot(*access.synergies_of)
        return out


def waiting_html(workshop: Workshop, participant: Participant | None) -> str:
    """A waiting phone's first message: still waiting, or its group's board if assigned."""
    fresh = Participant.objects.select_related("group__board").filter(
        pk=participant.pk if participant else None, removed_at=None
    )
    found = fresh.first()
    if found is not None and found.group is not None:
        return live.navigate_html(reverse("board", args=[found.group.board.pk]))
    return render_to_string("boards/waiting.html#note", {"workshop": workshop, "oob": True})


def _presence_open(channel_name: str, participant: Participant) -> None:
    presence.presence_open(channel_name=channel_name, participant=participant)
    people_changed(participant.workshop_id)


def _presence_close(channel_name: str, workshop_id: int) -> None:
    presence.presence_close(channel_name=channel_name)
    people_changed(workshop_id)


class BoardConsumer(AsyncWebsocketConsumer):
    """Forwards board fragments to one page; sends the current state on every connect."""

    async def connect(self) -> None:
        self.joined: list[str] = []
        self.heartbeat: asyncio.Task | None = None
        self.present_in: int | None = None  # the workshop this phone counts as online in
        access = await database_sync_to_async(resolve_access)(self.scope)
        if access is None:
            await self.close()
            return
        # Every board shown also gets its revision signal (one send per board, not per socket).
        signals = [live.revision_group(pk) for pk in dict.fromkeys(pk for pk, _a in access.boards)]
        try:
            for group in access.groups + signals:
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
        if access.participant is not None:
            await database_sync_to_async(_presence_open)(self.channel_name, access.participant)
            self.present_in = access.participant.workshop_id
            self.participant = access.participant
        for html in await database_sync_to_async(snapshots)(access):
            await self.send(text_data=html)
        self.heartbeat = asyncio.create_task(self.beat(settings.STELLWAND_HEARTBEAT_SECONDS))

    async def beat(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            await self.send(text_data=HEARTBEAT)
            if self.present_in is not None:
                seen = await database_sync_to_async(presence.presence_seen)(
                    channel_name=self.channel_name
                )
                if not seen:  # swept as stale (a long stall): online again
                    await database_sync_to_async(_presence_open)(
                        self.channel_name, self.participant
                    )

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
        if getattr(self, "present_in", None) is not None:
            workshop_id, self.present_in = self.present_in, None
            await database_sync_to_async(_presence_close)(self.channel_name, workshop_id)

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

    async def socket_navigate(self, event: dict) -> None:
        # The page goes elsewhere (a moved participant): it gets nothing more of this one.
        await self.send(text_data=event["html"])
        await self.close(code=1000)
