"""The console's timer controls and the phone's "I'm done"."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from boards.models import Board
from boards.permissions import Refused, can, refusal
from boards.services import timer as services
from boards.timer_events import done_button_html, timer_html
from boards.timing import group_timer, room_timer
from workshop.decorators import facilitator_required
from workshop.forms import IdChoiceField
from workshop.live import Audience
from workshop.models import BreakoutGroup, Workshop
from workshop.permissions import Action, Actor, actor_for

TIMER_ACTIONS = ("start", "pause", "resume", "extend-1", "extend-5", "stop")
SOUND_ACTIONS = ("sound-on", "sound-off")


class TimerForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in TIMER_ACTIONS + SOUND_ACTIONS])
    minutes = forms.IntegerField(required=False, min_value=1, max_value=services.MAX_MINUTES)
    group = IdChoiceField(queryset=BreakoutGroup.objects.none(), required=False)

    def __init__(self, *args: object, workshop: Workshop, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].queryset = workshop.groups.all()  # type: ignore[attr-defined]


class DoneForm(forms.Form):
    done = forms.ChoiceField(choices=[("on", "on"), ("off", "off")], required=False)


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "boards/_timer.html#error", {"error": message}, status=status)


def _run(actor: Actor, workshop: Workshop, data: dict) -> None:
    action, group = data["action"], data["group"]
    if action == "start":
        minutes = data["minutes"]
        if minutes is None:
            raise ValidationError(services.minutes_message())
        services.timer_start(actor=actor, workshop=workshop, minutes=minutes, group=group)
    elif action == "pause":
        services.timer_pause(actor=actor, workshop=workshop, group=group)
    elif action == "resume":
        services.timer_resume(actor=actor, workshop=workshop, group=group)
    elif action == "stop":
        services.timer_stop(actor=actor, workshop=workshop, group=group)
    else:
        minutes = int(action.removeprefix("extend-"))
        services.timer_extend(actor=actor, workshop=workshop, minutes=minutes, group=group)


@facilitator_required
@require_POST
def timer(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Start, pause, resume, extend or stop the room's or a group's countdown; the sound."""
    form = TimerForm(request.POST, workshop=workshop)
    if not form.is_valid():
        return _error(request, next(iter(form.errors.values()))[0], 400)
    actor = Actor.facilitator(request.user)
    action = form.cleaned_data["action"]
    try:
        if action in SOUND_ACTIONS:
            workshop = services.timer_sound_set(
                actor=actor, workshop=workshop, on=action == "sound-on"
            )
        else:
            _run(actor, workshop, form.cleaned_data)
    except Refused as exc:
        return _error(request, exc.message, 403)
    except ValidationError as exc:
        return _error(request, exc.messages[0], 400)
    if not request.htmx:
        return redirect("workshop:console", workshop_id=workshop.pk)
    if action in SOUND_ACTIONS:
        context = {"sound": workshop.timer_sound, "url": request.path}
        return render(request, "boards/_timer.html#sound", context)
    # This console sees the change at once; every other screen gets the push.
    group = form.cleaned_data["group"]
    state = group_timer(group) if group is not None else room_timer(workshop.pk)
    workshop.refresh_from_db(fields=["timer_sound"])
    return HttpResponse(timer_html(state, Audience.FACILITATORS, sound=workshop.timer_sound))


@require_POST
def done(request: HttpRequest, board_id: int) -> HttpResponse:
    """The participant is done with the current phase ("done=on"), or not ("done=off")."""
    board = get_object_or_404(Board.objects.select_related("group", "workshop"), pk=board_id)
    actor = actor_for(board.workshop, request.user, request.session)
    if actor.participant is None or not can(actor, Action.VIEW_BOARD, board=board):
        raise Http404
    form = DoneForm(request.POST)
    if not form.is_valid():
        return _error(request, next(iter(form.errors.values()))[0], 400)
    if not can(actor, Action.MARK_DONE, workshop=board.workshop):
        return _error(request, refusal(actor, Action.MARK_DONE, workshop=board.workshop), 403)
    wanted = {"on": True, "off": False}.get(form.cleaned_data["done"])
    try:
        services.done_toggle(actor=actor, done=wanted)
    except Refused as exc:
        return _error(request, exc.message, 403)
    if not request.htmx:
        return redirect("board", board_id=board.pk)
    return HttpResponse(done_button_html(board, actor.participant, oob=False))
