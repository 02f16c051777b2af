"""Participants as they appear on the walls."""

from __future__ import annotations

from django.db import transaction

from boards import events
from boards.services._common import bump, lock_board
from workshop import services as workshop_services
from workshop.models import Participant


def participant_rename(
    *, participant: Participant, display_name: str, named_in_summary: bool | None = None
) -> Participant:
    """Change a display name; every wall showing their cards follows at once."""
    with transaction.atomic():
        workshop_services.participant_rename(
            participant=participant, display_name=display_name, named_in_summary=named_in_summary
        )
        board = getattr(participant.group, "board", None) if participant.group else None
        if board is not None:
            locked = lock_board(board.pk)
            bump(locked)
            events.board_changed(locked.pk)
    return participant
