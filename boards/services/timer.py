"""The facilitators' countdown for the room or one group, and the participants' "I'm done"."""

from __future__ import annotations

import math
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import timer_events
from boards.permissions import require
from boards.services._common import lock_workshop
from workshop.models import BreakoutGroup, Participant, Timer, Workshop
from workshop.permissions import Action, Actor

MAX_MINUTES = 180


def minutes_message() -> str:
    return _("Give the timer between 1 and %(max)d minutes.") % {"max": MAX_MINUTES}


def _check_minutes(minutes: int) -> None:
    if not 1 <= minutes <= MAX_MINUTES:
        raise ValidationError(minutes_message())


def _locked_timer(actor: Actor, workshop: Workshop, group: BreakoutGroup | None) -> Timer:
    """The timer of the room or the group, created on first use, with the workshop locked."""
    require(actor, Action.RUN_TIMER, workshop=workshop)
    if group is not None and group.workshop_id != workshop.pk:
        raise ValidationError(_("This group is not part of this workshop."))
    locked = lock_workshop(workshop.pk)
    timer, _created = Timer.objects.get_or_create(workshop=locked, group=group)
    return timer


def _saved(timer: Timer, group: BreakoutGroup | None) -> Timer:
    timer.save()
    timer_events.timer_changed(timer.workshop_id, group.pk if group else None)
    return timer


def timer_start(
    *, actor: Actor, workshop: Workshop, minutes: int, group: BreakoutGroup | None = None
) -> Timer:
    """Start (or start again) a countdown of `minutes` for the room or one group."""
    _check_minutes(minutes)
    with transaction.atomic():
        timer = _locked_timer(actor, workshop, group)
        timer.duration_seconds = minutes * 60
        timer.ends_at = timezone.now() + timedelta(minutes=minutes)
        timer.remaining_seconds = None
        return _saved(timer, group)


def timer_pause(*, actor: Actor, workshop: Workshop, group: BreakoutGroup | None = None) -> Timer:
    """Hold a running countdown where it is."""
    with transaction.atomic():
        timer = _locked_timer(actor, workshop, group)
        if timer.ends_at is None:
            return timer  # paused or stopped already: nothing to hold
        left = (timer.ends_at - timezone.now()).total_seconds()
        if left <= 0:
            return timer  # the time is up: pausing would not bring it back
        timer.remaining_seconds = math.ceil(left)
        timer.ends_at = None
        return _saved(timer, group)


def timer_resume(*, actor: Actor, workshop: Workshop, group: BreakoutGroup | None = None) -> Timer:
    """Let a paused countdown run on."""
    with transaction.atomic():
        timer = _locked_timer(actor, workshop, group)
        if timer.remaining_seconds is None:
            return timer
        timer.ends_at = timezone.now() + timedelta(seconds=timer.remaining_seconds)
        timer.remaining_seconds = None
        return _saved(timer, group)


def timer_extend(
    *, actor: Actor, workshop: Workshop, minutes: int, group: BreakoutGroup | None = None
) -> Timer:
    """Give a countdown `minutes` more; one whose time is up (or that is stopped) starts
    again with them."""
    _check_minutes(minutes)
    with transaction.atomic():
        timer = _locked_timer(actor, workshop, group)
        now = timezone.now()
        if timer.remaining_seconds is not None:
            timer.remaining_seconds += minutes * 60
            timer.duration_seconds += minutes * 60
        elif timer.ends_at is not None and timer.ends_at > now:
            timer.ends_at += timedelta(minutes=minutes)
            timer.duration_seconds += minutes * 60
        else:
            timer.ends_at = now + timedelta(minutes=minutes)
            timer.duration_seconds = minutes * 60
        return _saved(timer, group)


def timer_stop(*, actor: Actor, workshop: Workshop, group: BreakoutGroup | None = None) -> Timer:
    """Take the countdown off every screen."""
    with transaction.atomic():
        timer = _locked_timer(actor, workshop, group)
        timer.ends_at = None
        timer.remaining_seconds = None
        return _saved(timer, group)


def timer_sound_set(*, actor: Actor, workshop: Workshop, on: bool) -> Workshop:
    """Whether the end of a countdown rings on the console and the projector."""
    with transaction.atomic():
        require(actor, Action.RUN_TIMER, workshop=workshop)
        locked = lock_workshop(workshop.pk)
        if locked.timer_sound != on:
            locked.timer_sound = on
            locked.save(update_fields=["timer_sound", "updated_at"])
            timer_events.timers_changed(locked.pk)
    return locked


def done_toggle(*, actor: Actor, done: bool | None = None) -> bool:
    """The participant says they are done with the current phase, or takes it back (`done`
    None: the other way round). Returns whether they are done now."""
    if actor.participant is None:
        raise ValidationError(_("Only participants say that they are done."))
    with transaction.atomic():
        fresh = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("workshop__current_phase")
            .get(pk=actor.participant.pk)
        )
        require(Actor.of(fresh), Action.MARK_DONE, workshop=fresh.workshop)
        phase_id = fresh.workshop.current_phase_id
        now_done = fresh.done_phase_id != phase_id if done is None else done
        fresh.done_phase_id = phase_id if now_done else None
        fresh.save(update_fields=["done_phase"])
        timer_events.done_changed(fresh)
    actor.participant.done_phase_id = fresh.done_phase_id
    return now_done
