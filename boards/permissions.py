"""What participants may do on a wall: role (from `workshop.permissions`) x board state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workshop.permissions import can_view_group

if TYPE_CHECKING:
    from boards.models import Board, Card
    from workshop.models import Participant


def can_add_card(participant: Participant | None, board: Board) -> bool:
    """A member of the board's group writes while the workshop is open and the board unlocked."""
    return (
        board.group is not None
        and can_view_group(participant, board.group)
        and not board.workshop.is_closed
        and not board.locked
    )


def can_change_own_card(participant: Participant | None, card: Card) -> bool:
    """Authors edit or delete their own cards until the board is locked."""
    return (
        participant is not None
        and card.author_id == participant.pk
        and can_add_card(participant, card.board)
    )


def can_vote(participant: Participant | None, board: Board) -> bool:
    """Members vote while a round is open on their board (a lock does not stop voting)."""
    return (
        board.group is not None
        and can_view_group(participant, board.group)
        and not board.workshop.is_closed
        and board.voting_rounds.filter(closed_at=None).exists()
    )
