"""Plain predicates: who may see or change what. Views and consumers both use them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from workshop.models import BreakoutGroup, Participant, Workshop


def is_facilitator(user: AbstractBaseUser | AnonymousUser | None, workshop: Workshop) -> bool:
    """A signed-in user who runs this workshop."""
    if user is None or not user.is_authenticated:
        return False
    return workshop.facilitators.filter(pk=user.pk).exists()


def can_view_group(participant: Participant | None, group: BreakoutGroup) -> bool:
    """A participant sees the board of the group they are in."""
    return participant is not None and participant.group_id == group.pk


def can_join(workshop: Workshop) -> bool:
    """Joining is possible while the workshop is open."""
    return not workshop.is_closed


def can_rename_self(participant: Participant | None) -> bool:
    """A participant changes their own name while the workshop is open."""
    return (
        participant is not None
        and participant.removed_at is None
        and not participant.workshop.is_closed
    )
