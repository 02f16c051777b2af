"""Breakouts: waiting for a group, changing group on the phone, the facilitators' moves,
the assignment settings, and what a group's phones show now."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards.events import wall_context, wall_html
from boards.models import Board
from boards.permissions import Refused, can, refusal
from boards.services.breakouts import breakouts_configure, group_change, participant_move
from boards.views.participant import _message, _participant_board
from workshop.codes import TooManyWrongCodes, too_many_wrong_codes, workshop_for_code
from workshop.decorators import facilitator_required
from workshop.forms import BreakoutsForm, GroupChoiceForm
from workshop.live import Audience
from workshop.models import Workshop
from workshop.permissions import Action, Actor
from workshop.services import participant_for_session
from workshop.views import back_to_form_page


def join_wait(request: HttpRequest, code: str) -> HttpResponse:
    """A joined phone waits here until the facilitators assign it a group."""
    try:
        workshop = workshop_for_code(request, code)
    except TooManyWrongCodes as limited:
        return too_many_wrong_codes(request, code, limited.seconds)
    if workshop is None:
        raise Http404
    participant = participant_for_session(request.session, workshop)
    if participant is None:
        return redirect("join", code=workshop.join_code)
    if participant.group is not None:
        return redirect("board", board_id=participant.group.board.pk)
    if workshop.is_closed:
        return render(request, "boards/closed.html", {"workshop": workshop}, status=410)
    context = {"workshop": workshop, "participant": participant}
    return render(request, "boards/waiting.html", context)


@require_POST
def group_change_view(request: HttpRequest, board_id: int) -> HttpResponse:
    """The phone's "change group" (where participants choose their group)."""
    board, participant = _participant_board(request, board_id)
    if participant is None:
        raise Http404  # facilitators move people from the console
    workshop = board.workshop
    if not can(request.actor, Action.CHANGE_GROUP, workshop=workshop):
        return _message(
            request, refusal(request.actor, Action.CHANGE_GROUP, workshop=workshop), 403
        )
    form = GroupChoiceForm(request.POST, workshop=workshop)
    if not form.is_valid():
        return _message(request, next(iter(form.errors.values()))[0], 400)
    try:
        participant = group_change(actor=request.actor, group=form.cleaned_data["group"])
    except Refused as exc:
        return _message(request, exc.message, 403)
    except ValidationError as exc:
        return _message(request, exc.messages[0], 409)
    target = participant.group.board.pk
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("board", args=[target])
        return response
    return redirect("board", board_id=target)


@facilitator_required
@require_POST
def breakouts_settings(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = BreakoutsForm(request.POST)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect("workshop:settings", workshop_id=workshop.pk)
    actor = Actor.facilitator(request.user)
    try:
        breakouts_configure(actor=actor, workshop=workshop, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The group assignment was saved."))
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def participant_move_view(
    request: HttpRequest, workshop: Workshop, participant_id: int
) -> HttpResponse:
    """Move (or assign) a participant from the console's participants panel."""
    participant = get_object_or_404(workshop.participants, pk=participant_id, removed_at=None)
    participant.workshop = workshop
    form = GroupChoiceForm(request.POST, workshop=workshop)
    ok = False
    if not form.is_valid():
        text = next(iter(form.errors.values()))[0]
    else:
        group = form.cleaned_data["group"]
        try:
            participant_move(
                actor=Actor.facilitator(request.user), participant=participant, group=group
            )
        except ValidationError as exc:
            text = exc.messages[0]
        else:
            ok = True
            text = _("%(name)s is now in “%(group)s”.") % {"name": participant, "group": group}
    if request.htmx:
        # The panel itself comes over the socket; this says what happened, where one looks.
        context = {"text": text, "ok": ok}
        return render(request, "workshop/_people.html#people-message", context)
    (messages.success if ok else messages.error)(request, text)
    return back_to_form_page(request, workshop)


@facilitator_required
def group_preview(request: HttpRequest, workshop: Workshop, group_id: int) -> HttpResponse:
    """The participants' view of one group's wall, read-only: nobody's hidden cards."""
    group = get_object_or_404(workshop.groups, pk=group_id)
    board = get_object_or_404(Board.objects.select_related("group", "workshop"), group=group)
    if request.htmx:  # the page's resync: the same wall the phones get
        return HttpResponse(wall_html(board, Audience.PARTICIPANTS))
    context = wall_context(board, Audience.PARTICIPANTS)
    context.update(workshop=workshop, group=group)
    return render(request, "boards/preview.html", context)
