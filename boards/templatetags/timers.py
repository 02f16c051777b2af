"""The countdowns and "I'm done" inside pages and walls, rendered as they are pushed."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from boards.models import Board
from boards.timer_events import done_button_html, done_count_html, timer_html
from boards.timing import group_timer, room_timer
from workshop.live import Audience
from workshop.models import Participant, Workshop

register = template.Library()


@register.simple_tag
def room_countdown(workshop: Workshop, audience: str) -> SafeString:
    state = room_timer(workshop.pk)
    return timer_html(state, Audience(audience), sound=workshop.timer_sound, oob=False)


@register.simple_tag
def wall_countdown(board: Board, audience: str) -> SafeString:
    """The group's countdown in its wall's head (console, moderation wall, projector)."""
    if board.group is None or audience == Audience.PARTICIPANTS:
        return SafeString()
    state = group_timer(board.group)
    sound = board.workshop.timer_sound
    return timer_html(state, Audience(audience), sound=sound, oob=False)


@register.simple_tag
def phone_countdown(board: Board) -> SafeString:
    """On a phone: its group's countdown, in the bar under the top bar."""
    if board.group is None:
        return SafeString()
    return timer_html(group_timer(board.group), Audience.PARTICIPANTS, oob=False)


@register.simple_tag
def done_button(board: Board, participant: Participant | None) -> SafeString:
    if participant is None:
        return SafeString()
    return done_button_html(board, participant, oob=False)


@register.simple_tag
def done_count(board: Board) -> SafeString:
    if board.group is None:
        return SafeString()
    return done_count_html(board.group, oob=False)


@register.simple_tag(takes_context=True)
def timer_controls(context: template.Context, workshop: Workshop) -> SafeString:
    """The console's timer panel: the room and every group, with the sound switch."""
    from django.template.loader import render_to_string
    from django.urls import reverse

    from boards.services.timer import MAX_MINUTES
    from boards.timer_events import TEMPLATE

    room = room_timer(workshop.pk)
    rows = [
        {
            "group": None,
            "state": room,
            "clock": timer_html(room, Audience.FACILITATORS, sound=workshop.timer_sound, oob=False),
        }
    ]
    for group in workshop.groups.all():
        rows.append({"group": group, "state": group_timer(group), "clock": ""})
    phase = workshop.current_phase
    values = {
        "rows": rows,
        "url": reverse("workshop:timer", args=[workshop.pk]),
        "sound": workshop.timer_sound,
        "minutes": min(phase.planned_minutes, MAX_MINUTES)
        if phase and phase.planned_minutes
        else 5,
        "minute_choices": (1, 3, 5, 10, 15),
        "max_minutes": MAX_MINUTES,
    }
    return render_to_string(f"{TEMPLATE}#controls", values, request=context.get("request"))
