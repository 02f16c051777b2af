"""The plenary: what the facilitators put in the spotlight on every screen."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from boards import plenary_events
from boards.models import Card, Cluster
from boards.permissions import require
from boards.selectors.plenary import Kind
from boards.services._common import lock_workshop
from workshop.models import BreakoutGroup, Workshop
from workshop.permissions import Action, Actor


def _lock(workshop: Workshop) -> Workshop:
    return lock_workshop(workshop.pk)


def _visible(workshop: Workshop, kind: str, pk: int) -> bool:
    """Whether the thing is this workshop's, and everyone may see it (no hidden card)."""
    if kind == Kind.GROUP:
        return BreakoutGroup.objects.filter(pk=pk, workshop=workshop).exists()
    if kind == Kind.CLUSTER:
        return Cluster.objects.filter(pk=pk, board__workshop=workshop).exists()
    if kind == Kind.CARD:
        return Card.objects.on_wall().filter(pk=pk, board__workshop=workshop).exists()
    return False


def spotlight_set(actor: Actor, workshop: Workshop, kind: str, pk: int) -> Workshop:
    """Put one group, cluster or card of the workshop in the spotlight on every screen."""
    require(actor, Action.SPOTLIGHT, workshop=workshop)
    with transaction.atomic():
        locked = _lock(workshop)
        if kind not in Kind.ALL or not _visible(locked, kind, pk):
            raise ValidationError(_("This cannot be put in the spotlight: it is not on the walls."))
        locked.spotlight_kind, locked.spotlight_id = kind, pk
        locked.save(update_fields=["spotlight_kind", "spotlight_id", "updated_at"])
        plenary_events.spotlight_changed(locked.pk)
    workshop.spotlight_kind, workshop.spotlight_id = kind, pk
    return locked


def spotlight_clear(actor: Actor, workshop: Workshop) -> Workshop:
    """Take the spotlight back: every screen shows the whole plenary again."""
    require(actor, Action.SPOTLIGHT, workshop=workshop)
    with transaction.atomic():
        locked = _lock(workshop)
        if locked.spotlight_kind or locked.spotlight_id is not None:
            locked.spotlight_kind, locked.spotlight_id = "", None
            locked.save(update_fields=["spotlight_kind", "spotlight_id", "updated_at"])
            plenary_events.spotlight_changed(locked.pk)
    workshop.spotlight_kind, workshop.spotlight_id = "", None
    return locked
