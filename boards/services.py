"""Operations on the walls. One transaction each; the push is registered after commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _, ngettext

from boards import events
from boards.models import Board, Card
from workshop import live
from workshop.models import BreakoutGroup, Participant, Workshop
from workshop.services import workshop_create
from workshop.text import clean_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class GroupSpec:
    name: str
    question: str = ""


def _group_name_taken(workshop: Workshop, name: str, exclude_pk: int | None = None) -> bool:
    # Compared in Python: SQLite's case-insensitive match folds ASCII only (Ä != ä there).
    names = workshop.groups.exclude(pk=exclude_pk).values_list("name", flat=True)
    return any(taken.casefold() == name.casefold() for taken in names)


def group_create(*, workshop: Workshop, name: str, question: str = "") -> BreakoutGroup:
    """Add a breakout group with its own board."""
    name = clean_text(name)
    if _group_name_taken(workshop, name):
        raise ValidationError(_("There is already a group called “%(name)s”.") % {"name": name})
    with transaction.atomic():
        position = (workshop.groups.aggregate(m=Max("position"))["m"] or 0) + 1
        group = BreakoutGroup(
            workshop=workshop, name=name, question=clean_text(question), position=position
        )
        group.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                group.save()
        except IntegrityError:
            # Two facilitators adding the same name at once: the constraint decides.
            raise ValidationError(
                _("There is already a group called “%(name)s”.") % {"name": name}
            ) from None
        Board.objects.create(workshop=workshop, group=group)
    return group


def group_update(*, group: BreakoutGroup, name: str, question: str) -> BreakoutGroup:
    """Rename a group or change its guiding question; every screen of its board follows."""
    name = clean_text(name)
    if _group_name_taken(group.workshop, name, exclude_pk=group.pk):
        raise ValidationError(_("There is already a group called “%(name)s”.") % {"name": name})
    with transaction.atomic():
        group.name = name
        group.question = clean_text(question)
        group.full_clean()
        group.save()
        board = Board.objects.select_for_update().get(group=group)
        _bump(board)
        events.board_header_changed(board)
    return group


def group_delete(*, group: BreakoutGroup) -> None:
    """Remove a group, its board and its cards. Its participants choose a group again."""
    with transaction.atomic():
        members = list(group.participants.values_list("pk", flat=True))
        group.delete()
        live.close_on_commit(
            [live.participant_group(pk) for pk in members], live.CLOSE_GROUP_REMOVED
        )


def workshop_create_with_groups(
    *, user: AbstractBaseUser, groups: list[GroupSpec], **fields: object
) -> Workshop:
    """Create a workshop together with its breakout groups and their boards."""
    with transaction.atomic():
        workshop = workshop_create(user=user, **fields)  # type: ignore[arg-type]
        for spec in groups:
            group_create(workshop=workshop, name=spec.name, question=spec.question)
    return workshop


def _bump(board: Board) -> int:
    board.rev += 1
    board.save(update_fields=["rev"])
    return board.rev


def card_create(
    *,
    board: Board,
    text: str,
    client_uuid: uuid.UUID,
    participant: Participant | None = None,
    user: AbstractBaseUser | None = None,
) -> tuple[Card, bool]:
    """Pin a card to `board`. A retry with the same `client_uuid` returns the first card."""
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
    with transaction.atomic():
        # The row lock serialises writes to one board, so revisions are gap-free.
        locked = Board.objects.select_for_update().get(pk=board.pk)
        existing = Card.objects.filter(board=locked, client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                card = Card.objects.create(
                    board=locked,
                    text=text,
                    client_uuid=client_uuid,
                    author=participant,
                    author_user=user,
                )
        except IntegrityError:
            # The unique constraint, not the check above, is what forbids a second card.
            return Card.objects.get(board=locked, client_uuid=client_uuid), False
        rev = _bump(locked)
        events.card_created(card, rev)
    board.rev = locked.rev
    return card, True
