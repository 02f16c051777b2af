"""What the timer and "I'm done" look like now: read only, for pages, snapshots and pushes.

A countdown is sent as the milliseconds left at the moment of rendering; every screen
counts down from when it receives them, so a phone whose own clock is wrong still agrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from workshop.models import BreakoutGroup, Participant, Phase, Timer, Workshop
from workshop.permissions import Action, phase_allows


class TimerStatus:
    RUNNING = "running"
    PAUSED = "paused"
    OVER = "over"
    STOPPED = "stopped"


@dataclass(frozen=True)
class TimerState:
    """One countdown as a screen shows it."""

    workshop_id: int
    group: BreakoutGroup | None
    status: str
    remaining_ms: int
    duration_seconds: int = 0

    @property
    def dom_id(self) -> str:
        return f"timer-group-{self.group.pk}" if self.group else "timer-room"

    @property
    def shown(self) -> bool:
        return self.status != TimerStatus.STOPPED

    @property
    def clock(self) -> str:
        """The time left as m:ss, rounded up (it says 0:00 only when the time is up)."""
        seconds = math.ceil(self.remaining_ms / 1000)
        return f"{seconds // 60}:{seconds % 60:02d}"


def state_of(
    timer: Timer | None,
    *,
    workshop_id: int,
    group: BreakoutGroup | None = None,
    now: datetime | None = None,
) -> TimerState:
    if timer is None:
        return TimerState(workshop_id, group, TimerStatus.STOPPED, 0)
    now = now or timezone.now()
    if timer.ends_at is not None:
        left = max(0, int((timer.ends_at - now).total_seconds() * 1000))
        status = TimerStatus.RUNNING if left > 0 else TimerStatus.OVER
        return TimerState(workshop_id, group, status, left, timer.duration_seconds)
    if timer.remaining_seconds is not None:
        return TimerState(
            workshop_id,
            group,
            TimerStatus.PAUSED,
            timer.remaining_seconds * 1000,
            timer.duration_seconds,
        )
    return TimerState(workshop_id, group, TimerStatus.STOPPED, 0, timer.duration_seconds)


def room_timer(workshop_id: int) -> TimerState:
    timer = Timer.objects.filter(workshop_id=workshop_id, group=None).first()
    return state_of(timer, workshop_id=workshop_id)


def group_timer(group: BreakoutGroup) -> TimerState:
    timer = Timer.objects.filter(group=group).first()
    return state_of(timer, workshop_id=group.workshop_id, group=group)


def done_open(phase: Phase | None) -> bool:
    """Whether the phase lets participants say they are done (one that writes or votes)."""
    return phase is not None and phase_allows(phase, Action.MARK_DONE)


@dataclass(frozen=True)
class DoneCount:
    """How many of a group say they are done with the current phase."""

    group_id: int
    done: int
    total: int
    open: bool


def done_count(group: BreakoutGroup, workshop: Workshop | None = None) -> DoneCount:
    workshop = workshop or group.workshop
    phase_id = workshop.current_phase_id
    members = group.participants.filter(removed_at=None)
    done = members.filter(done_phase_id=phase_id).count() if phase_id else 0
    return DoneCount(group.pk, done, members.count(), done_open(workshop.current_phase))


def is_done(participant: Participant, workshop: Workshop) -> bool:
    return (
        workshop.current_phase_id is not None
        and participant.done_phase_id == workshop.current_phase_id
    )
