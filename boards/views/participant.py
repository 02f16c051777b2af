"""The phone: join a workshop, see the group's board, pin cards."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import permissions as board_permissions, services
from boards.events import personal_context, personal_html, wall_context, wall_html
from boards.forms import CardForm
from boards.models import Board
from workshop import permissions
from workshop.forms import JoinForm
from workshop.live import Audience
from workshop.models import Participant
from workshop.services import participant_for_session, participant_join, workshop_by_code


def join(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_by_code(code)
    if workshop is None:
        raise Http404
    participant = participant_for_session(request.session, workshop)
    if not permissions.can_join(workshop):
        return render(request, "boards/closed.html", {"workshop": workshop}, status=410)
    initial = {}
    if participant is not None:
        initial = {
            "display_name": participant.display_name,
            "named_in_summary": participant.named_in_summary,
            "group": participant.group,
        }
    form = JoinForm(request.POST or None, workshop=workshop, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            participant = participant_join(
                session=request.session, workshop=workshop, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("board", board_id=participant.group.board.pk)
    context = {"workshop": workshop, "form": form, "participant": participant}
    return render(request, "boards/join.html", context)


def _participant_board(request: HttpRequest, board_id: int) -> tuple[Board, Participant | None]:
    board = get_object_or_404(Board.objects.select_related("group", "workshop"), pk=board_id)
    if permissions.is_facilitator(request.user, board.workshop):
        return board, None
    participant = participant_for_session(request.session, board.workshop)
    if board.group is None or not permissions.can_view_group(participant, board.group):
        raise Http404
    return board, participant


def _page_context(
    board: Board, participant: Participant | None, form: CardForm | None = None
) -> dict[str, object]:
    audience = Audience.PARTICIPANTS if participant else Audience.FACILITATORS
    context = wall_context(board, audience)
    context.update(
        workshop=board.workshop,
        participant=participant,
        form=form or CardForm(initial={"client_uuid": uuid.uuid4()}),
    )
    if participant is not None:
        context["personal"] = personal_context(board, participant)
    return context


def board_page(request: HttpRequest, board_id: int) -> HttpResponse:
    board = get_object_or_404(Board.objects.select_related("group", "workshop"), pk=board_id)
    workshop = board.workshop
    if permissions.is_facilitator(request.user, workshop):
        participant = None
    else:
        participant = participant_for_session(request.session, workshop)
        if participant is None:
            raise Http404  # a stranger learns nothing, not even the join code
        if board.group is None or not permissions.can_view_group(participant, board.group):
            # A participant whose group changed or was removed chooses again.
            return redirect("join", code=workshop.join_code)
        if workshop.is_closed:
            return render(request, "boards/closed.html", {"workshop": workshop}, status=410)
    return render(request, "boards/board.html", _page_context(board, participant))


def _refusal(board: Board) -> str:
    if board.workshop.is_closed:
        return _("This workshop is closed. Cards can no longer be added.")
    return _("The board is locked. Cards can no longer be added.")


@require_POST
def card_post(request: HttpRequest, board_id: int) -> HttpResponse:
    board, participant = _participant_board(request, board_id)
    if participant is not None and not board_permissions.can_add_card(participant, board):
        context = {"error": _refusal(board)}
        return render(request, "boards/board.html#card-error", context, status=403)
    form = CardForm(request.POST)
    error = None
    if form.is_valid():
        try:
            card, _created = services.card_create(
                board=board,
                participant=participant,
                user=request.user if participant is None else None,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = next(iter(form.errors.values()))[0]
    if error is not None:
        if request.htmx:
            return render(request, "boards/board.html#card-error", {"error": error}, status=400)
        context = _page_context(board, participant, form) | {"error": error}
        return render(request, "boards/board.html", context, status=400)
    if not request.htmx:
        return redirect("board", board_id=board.pk)
    if card.state != card.State.PINNED and participant is not None:
        # Hidden or handed in: the answer is what only the author sees.
        return HttpResponse(personal_html(board, participant))
    context = {"card": card, "board": board, "audience": "participants"}
    return render(request, "boards/_wall.html#card", context)


def board_snapshot(request: HttpRequest, board_id: int) -> HttpResponse:
    board, participant = _participant_board(request, board_id)
    if participant is None:
        return HttpResponse(wall_html(board, Audience.FACILITATORS))
    return HttpResponse(wall_html(board, Audience.PARTICIPANTS) + personal_html(board, participant))


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse(status=501)


card_edit = card_delete = vote_cast = vote_retract = _todo
