"""Breakout groups and their boards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from boards import events
from boards.models import Board
from boards.services._common import bump, lock_board
from workshop import events as workshop_events, live
from workshop.models import BreakoutGroup, Workshop
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


def _group_name(name: str) -> str:
    name = clean_text(name)
    if not name:
        raise ValidationError(_("Please give the group a name."))
    return name


def group_create(*, workshop: Workshop, name: str, question: str = "") -> BreakoutGroup:
    """Add a breakout group with its own board."""
    name = _group_name(name)
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
        workshop_events.people_changed(workshop.pk)
    return group


def group_update(*, group: BreakoutGroup, name: str, question: str) -> BreakoutGroup:
    """Rename a group or change its guiding question; every screen of its board follows."""
    name = _group_name(name)
    if _group_name_taken(group.workshop, name, exclude_pk=group.pk):
        raise ValidationError(_("There is already a group called “%(name)s”.") % {"name": name})
    with transaction.atomic():
        group.name = name
        group.question = clean_text(question)
        group.full_clean()
        group.save()
        board = lock_board(group.board.pk)
        bump(board)
        events.board_changed(board.pk)
    return group


def group_delete(*, group: BreakoutGroup) -> None:
    """Remove a group, its board and its cards. Its participants choose a group again."""
    with transaction.atomic():
        members = list(group.participants.values_list("pk", flat=True))
        group.delete()
        live.close_on_commit(
            [live.participant_group(pk) for pk in members], live.CLOSE_GROUP_REMOVED
        )
        workshop_events.people_changed(group.workshop_id)


def workshop_create_with_groups(
    *, user: AbstractBaseUser, groups: list[GroupSpec], **fields: object
) -> Workshop:
    """Create a workshop together with its breakout groups and their boards."""
    with transaction.atomic():
        workshop = workshop_create(user=user, **fields)  # type: ignore[arg-type]
        for spec in groups:
            group_create(workshop=workshop, name=spec.name, question=spec.question)
    return workshop
