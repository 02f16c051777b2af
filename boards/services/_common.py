"""What every wall operation shares: the board lock, the revision, conflicts, card text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from boards import events
from boards.models import Board
from workshop.models import Workshop
from workshop.permissions import Actor
from workshop.text import clean_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from workshop.models import Participant


class Conflict(Exception):
    """A write based on a version that is no longer current; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def lock_board(board_id: int) -> Board:
    """Lock the board row: writes to one board are serialised, so revisions have no gaps."""
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join.
    return (
        Board.objects.select_for_update(of=("self",))
        .select_related("group", "workshop")
        .get(pk=board_id)
    )


def lock_workshop(workshop_id: int) -> Workshop:
    """Lock the workshop row: its agenda, timers, spotlight, links and conclusions change one
    writer at a time. With its current phase (one query)."""
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join.
    return (
        Workshop.objects.select_for_update(of=("self",))
        .select_related("current_phase")
        .get(pk=workshop_id)
    )


def bump(board: Board) -> int:
    """The next revision of `board` (inside the transaction that changed it)."""
    board.rev += 1
    board.save(update_fields=["rev"])
    events.revision_changed(board.pk)
    return board.rev


def card_text(text: str) -> str:
    """Clean card text, or a ValidationError the author can read."""
    text = clean_text(text)
    limit = settings.STELLWAND_CARD_MAX_LENGTH
    if not text:
        raise ValidationError(_("The card is empty. Write a few words first."))
    if len(text) > limit:
        raise ValidationError(
            ngettext(
                "A card holds at most %(limit)d character (this one has %(count)d).",
                "A card holds at most %(limit)d characters (this one has %(count)d).",
                limit,
            )
            % {"limit": limit, "count": len(text)}
        )
    return text


def check_version(expected: int | None, actual: int) -> None:
    """A write names the version it was made on: missing is refused, an old one conflicts."""
    if expected is None:
        raise ValidationError(str(MISSING_VERSION))
    if expected != actual:
        raise Conflict(conflict_message())


MISSING_VERSION = gettext_lazy(
    "This change does not say which state of the wall it was made on, so it was not saved. "
    "Please reload the page and try again."
)


def conflict_message() -> str:
    return _("Someone else changed this just now. You see the current state; please try again.")


def acting(participant: Participant | None, user: AbstractBaseUser | None) -> Actor:
    """The actor behind a service call: the participant it names, else the facilitator."""
    if participant is not None:
        return Actor.of(participant)
    if user is None:
        raise ValueError("a service call names who acts: a participant or a user")
    return Actor.facilitator(user)


def by_hand(board: Board) -> None:
    """A facilitator changed this board while a phase runs: it lasts until the next phase."""
    if board.workshop.current_phase_id is not None and not board.changed_by_hand:
        board.changed_by_hand = True
        board.save(update_fields=["changed_by_hand"])
