"""The one predicate per action: role x the current phase x the board's state.

`can` answers yes or no; `refusal` says why not, in the user's language; `require` raises
`Refused` with that message (for the services, which ask again with the same actor).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from workshop.models import Assignment, Phase
from workshop.permissions import (
    FACILITATOR_ACTIONS,
    ORGANISER_ACTIONS,
    Action,
    Actor,
    Role,
    phase_allows,
)

if TYPE_CHECKING:
    from boards.models import Board, Card
    from workshop.models import Workshop

BOARD_ACTIONS = frozenset({Action.ADD_CARD, Action.EDIT_OWN_CARD, Action.VOTE})


class Refused(PermissionDenied):
    """Not allowed now; the message says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _workshop(board: Board | None, workshop: Workshop | None) -> Workshop:
    if workshop is None:
        assert board is not None
        workshop = board.workshop
    return workshop


def phase_works_on(phase: Phase | None, board: Board) -> bool:
    """Whether participants work on `board` in `phase`: their group's wall in group work
    (and before the agenda starts), the plenary's in the plenary, none in the room."""
    if phase is None or phase.view == Phase.View.GROUPS:
        return board.group_id is not None
    if phase.view == Phase.View.PLENARY:
        return board.group_id is None
    return False


def sees(actor: Actor, board: Board) -> bool:
    """A facilitator sees every board of their workshop; a participant their group's and
    the plenary's."""
    if actor.role == Role.FACILITATOR:
        return True
    if actor.role != Role.PARTICIPANT or actor.participant is None:
        return False
    participant = actor.participant
    if participant.workshop_id != board.workshop_id:
        return False
    return board.group_id is None or participant.group_id == board.group_id


def can(
    actor: Actor,
    action: Action,
    *,
    board: Board | None = None,
    card: Card | None = None,
    workshop: Workshop | None = None,
) -> bool:
    """May `actor` do `action` now (on `board`, to `card`)?"""
    if card is not None and board is None:
        board = card.board
    workshop = _workshop(board, workshop)
    if actor.role == Role.FACILITATOR:
        return action in FACILITATOR_ACTIONS
    if actor.role == Role.ORGANISER:
        return action in ORGANISER_ACTIONS
    if actor.role != Role.PARTICIPANT or actor.participant is None:
        return False
    participant = actor.participant
    if participant.workshop_id != workshop.pk:
        return False
    if action == Action.VIEW_BOARD:
        return board is not None and sees(actor, board)  # a closed workshop: its page says so
    if action == Action.VIEW_RESULTS:
        return workshop.is_closed and workshop.results_public
    if workshop.is_closed:
        return False
    phase = workshop.current_phase
    if action == Action.CHANGE_GROUP:
        return workshop.assignment == Assignment.SELF and not (phase and phase.is_voting)
    if not phase_allows(phase, action):
        return False
    if action == Action.MARK_DONE:
        return phase is not None
    if action in BOARD_ACTIONS:
        if board is None or not sees(actor, board) or not phase_works_on(phase, board):
            return False
        if action == Action.VOTE:
            return board.voting_rounds.filter(closed_at=None).exists()
        if board.locked:
            return False
        if action == Action.EDIT_OWN_CARD:
            return card is not None and card.author_id == participant.pk
        return True
    return False


def refusal(
    actor: Actor, action: Action, *, board: Board | None = None, workshop: Workshop | None = None
) -> str:
    """Why `actor` may not do `action` now, as the phone shows it."""
    workshop = _workshop(board, workshop)
    if workshop.is_closed:
        if action == Action.ADD_CARD:
            return _("This workshop is closed. Cards can no longer be added.")
        if action == Action.EDIT_OWN_CARD:
            return _("This workshop is closed. Cards can no longer be changed.")
        return _("This workshop is closed. Nothing can be changed any more.")
    phase = workshop.current_phase
    if action == Action.CHANGE_GROUP:
        if workshop.assignment != Assignment.SELF:
            return _("The facilitators assign the groups in this workshop.")
        return _("Groups cannot be changed while the dots are being placed.")
    elsewhere = board is not None and not phase_works_on(phase, board)
    if (
        action in BOARD_ACTIONS
        and phase is not None
        and (not phase_allows(phase, action) or elsewhere)
    ):
        return _("Not now: the phase “%(phase)s” is running.") % {"phase": phase.title}
    if action == Action.VOTE:
        return _("No voting round is open on this board.")
    if board is not None and board.locked:
        if action == Action.EDIT_OWN_CARD:
            return _("The board is locked. Your cards can no longer be changed.")
        return _("The board is locked. Cards can no longer be added.")
    if action == Action.MARK_DONE:
        return _("There is nothing to finish in this phase.")
    return _("This is not possible now.")


def require(
    actor: Actor,
    action: Action,
    *,
    board: Board | None = None,
    card: Card | None = None,
    workshop: Workshop | None = None,
) -> None:
    """Raise `Refused` unless `can(...)`: the services' own check with the caller's actor."""
    if not can(actor, action, board=board, card=card, workshop=workshop):
        raise Refused(
            refusal(actor, action, board=board or (card.board if card else None), workshop=workshop)
        )
