"""The agenda: phases added, changed, reordered and removed; "next phase" for every screen.

One rule joins phases and the per-board controls: entering a phase applies its settings to
every board it works on (mode, unlocked, a voting round, a reveal) and clears "changed by
hand"; a facilitator's change to one board lasts until the next phase. A reveal is never
undone: going back into a hidden phase hides only the cards written from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import events, timer_events
from boards.models import Board, Card, VotingRound
from boards.permissions import phase_works_on, require
from boards.services._common import bump, lock_board, lock_workshop
from boards.services.voting import MAX_DOTS, announce_to_members
from workshop import events as workshop_events
from workshop.models import Participant, Phase, Workshop
from workshop.permissions import Action, Actor
from workshop.text import clean_text

CONTINUE = "continue"
NEW = "new"
VOTING_CHOICES = (CONTINUE, NEW)
PHASE_FIELDS = (
    "title",
    "instruction",
    "view",
    "allows",
    "board_mode",
    "reveal",
    "planned_minutes",
    "dots_per_participant",
    "max_per_target",
)


class VotingChoiceNeeded(Exception):
    """Going back into a voting phase: continue the last round or start a new one?"""


@dataclass(frozen=True)
class Entered:
    phase: Phase | None
    boards: int
    revealed: int


def _lock_workshop(workshop: Workshop) -> Workshop:
    return lock_workshop(workshop.pk)


def _clean(fields: dict[str, object]) -> dict[str, object]:
    out = {k: v for k, v in fields.items() if k in PHASE_FIELDS}
    for name in ("title", "instruction"):
        if name in out:
            out[name] = clean_text(str(out[name] or ""))
    if "title" in out and not out["title"]:
        raise ValidationError(_("Please give the phase a title."))
    dots = out.get("dots_per_participant")
    if dots is not None and not 1 <= int(dots) <= MAX_DOTS:  # type: ignore[call-overload]
        raise ValidationError(
            _("Give each participant between 1 and %(max)d dots.") % {"max": MAX_DOTS}
        )
    return out


def _agenda_changed(workshop: Workshop) -> None:
    workshop_events.phase_changed(workshop.pk)


def phase_create(*, actor: Actor, workshop: Workshop, **fields: object) -> Phase:
    """Add a phase at the end of the agenda."""
    require(actor, Action.RUN_AGENDA, workshop=workshop)
    values = _clean(fields)
    with transaction.atomic():
        _lock_workshop(workshop)
        top = workshop.phases.aggregate(m=Max("position"))["m"] or 0
        phase = Phase(workshop=workshop, position=top + 1, **values)
        phase.full_clean()
        phase.save()
        _agenda_changed(workshop)
    return phase


def phase_update(*, actor: Actor, phase: Phase, **fields: object) -> Phase:
    """Rename a phase or change what it allows; the running phase's screens follow."""
    require(actor, Action.RUN_AGENDA, workshop=phase.workshop)
    values = _clean(fields)
    with transaction.atomic():
        _lock_workshop(phase.workshop)
        for name, value in values.items():
            setattr(phase, name, value)
        phase.full_clean()
        phase.save()
        _agenda_changed(phase.workshop)
    return phase


def phase_move(*, actor: Actor, phase: Phase, step: int) -> Phase:
    """Move a phase up (-1) or down (+1) in the agenda."""
    require(actor, Action.RUN_AGENDA, workshop=phase.workshop)
    with transaction.atomic():
        _lock_workshop(phase.workshop)
        order = list(phase.workshop.phases.order_by("position", "pk"))
        index = next(i for i, p in enumerate(order) if p.pk == phase.pk)
        target = max(0, min(len(order) - 1, index + (1 if step > 0 else -1)))
        order.insert(target, order.pop(index))
        for position, each in enumerate(order, start=1):
            if each.position != position:
                Phase.objects.filter(pk=each.pk).update(position=position)
        _agenda_changed(phase.workshop)
    phase.refresh_from_db()
    return phase


def phase_delete(*, actor: Actor, phase: Phase) -> None:
    """Remove a phase. Removing the running one stops the agenda (the walls stay as they are)."""
    workshop = phase.workshop
    require(actor, Action.RUN_AGENDA, workshop=workshop)
    with transaction.atomic():
        _lock_workshop(workshop)
        phase.delete()
        _agenda_changed(workshop)


def _open_round(board: Board, phase: Phase, choice: str | None) -> None:
    last = board.voting_rounds.order_by("-opened_at", "-pk").first()
    if last is not None and last.closed_at is None:
        return  # a round is open already (opened by hand): it goes on
    if last is not None and choice == CONTINUE:
        last.closed_at = None
        last.save(update_fields=["closed_at"])
        return
    VotingRound.objects.create(
        board=board,
        dots_per_participant=phase.dots_per_participant,
        max_per_target=max(1, min(phase.max_per_target, phase.dots_per_participant)),
    )


def _close_rounds(board: Board) -> bool:
    return bool(board.voting_rounds.filter(closed_at=None).update(closed_at=timezone.now()))


def _apply(board: Board, old: Phase | None, new: Phase | None, choice: str | None) -> int:
    """Apply `new` to one board (locked by the caller); returns how many cards it revealed."""
    revealed = 0
    if old is not None and old.is_voting and (new is None or not new.is_voting):
        _close_rounds(board)
    board.locked = False
    board.changed_by_hand = False
    if new is not None and phase_works_on(new, board):
        if new.board_mode:
            board.mode = new.board_mode
        if new.reveal:
            revealed = (
                board.cards.alive().filter(state=Card.State.SECRET).update(state=Card.State.PINNED)
            )
            if board.mode == Board.Mode.HIDDEN:
                board.mode = Board.Mode.OPEN
        if new.is_voting:
            _open_round(board, new, choice)
    elif new is not None and new.is_voting:
        _close_rounds(board)  # a voting phase elsewhere: nothing is voted on here
    board.save(update_fields=["locked", "changed_by_hand", "mode"])
    bump(board)
    events.board_changed(board.pk)
    announce_to_members(board)
    return revealed


def needs_voting_choice(workshop: Workshop, phase: Phase) -> bool:
    """Entering `phase` would reopen voting where a round was held before."""
    if not phase.is_voting:
        return False
    boards = [b for b in workshop.boards.all() if phase_works_on(phase, b)]
    return any(
        b.voting_rounds.exists() and not b.voting_rounds.filter(closed_at=None).exists()
        for b in boards
    )


def phase_enter(
    *, actor: Actor, workshop: Workshop, phase: Phase | None, voting: str | None = None
) -> Entered:
    """Make `phase` the current one on every screen (None: stop the agenda)."""
    require(actor, Action.RUN_AGENDA, workshop=workshop)
    if phase is not None and phase.workshop_id != workshop.pk:
        raise ValidationError(_("This phase belongs to another workshop."))
    if voting is not None and voting not in VOTING_CHOICES:
        raise ValidationError(_("Please choose whether to continue the last round."))
    with transaction.atomic():
        locked = _lock_workshop(workshop)
        old = locked.current_phase
        if phase is not None and voting is None and needs_voting_choice(locked, phase):
            raise VotingChoiceNeeded
        revealed = 0
        board_ids = list(locked.boards.values_list("pk", flat=True))
        for board_id in board_ids:
            revealed += _apply(lock_board(board_id), old, phase, voting)
        now = timezone.now()
        # The agenda as it ran (the summary): first entered, last left.
        if old is not None and old != phase:
            Phase.objects.filter(pk=old.pk).update(ended_at=now)
        if phase is not None and phase != old:
            Phase.objects.filter(pk=phase.pk, started_at=None).update(started_at=now)
        locked.current_phase = phase
        locked.phase_started_at = now if phase is not None else None
        locked.save(update_fields=["current_phase", "phase_started_at", "updated_at"])
        if phase is not None:
            # "I'm done" starts afresh each time a phase begins.
            Participant.objects.filter(workshop=locked, done_phase=phase).update(done_phase=None)
        workshop_events.phase_changed(locked.pk)
        timer_events.done_buttons_changed(locked.pk)  # shown or not, and nobody done yet
    workshop.current_phase, workshop.phase_started_at = phase, locked.phase_started_at
    return Entered(phase=phase, boards=len(board_ids), revealed=revealed)


def neighbour(workshop: Workshop, step: int) -> Phase | None:
    """The phase before (-1) or after (+1) the current one; the first when none runs."""
    phases = list(workshop.phases.order_by("position", "pk"))
    if not phases:
        return None
    current = workshop.current_phase_id
    if current is None:
        return phases[0] if step > 0 else None
    index = next((i for i, p in enumerate(phases) if p.pk == current), None)
    if index is None:
        return phases[0]
    target = index + (1 if step > 0 else -1)
    return phases[target] if 0 <= target < len(phases) else None


def phase_step(
    *, actor: Actor, workshop: Workshop, step: int, voting: str | None = None
) -> Entered:
    """ "Next phase" (+1) or back (-1)."""
    target = neighbour(workshop, step)
    if target is None:
        raise ValidationError(
            _("This is the last phase.") if step > 0 else _("This is the first phase.")
        )
    return phase_enter(actor=actor, workshop=workshop, phase=target, voting=voting)
