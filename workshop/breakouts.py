"""Breakout groups' sizes and the pick of a random, balanced group (who/when, no boards)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _, gettext_lazy as _lazy

from workshop.models import BreakoutGroup, Workshop


def group_sizes(workshop: Workshop) -> dict[int, int]:
    """Participants in each of the workshop's groups (every group, empty ones too)."""
    counts = workshop.participant_counts()
    return {group.pk: counts.get(group.pk, 0) for group in workshop.groups.all()}


def group_options(workshop: Workshop, current: BreakoutGroup | None) -> list[dict[str, object]]:
    """The groups a participant may change to, with their sizes and whether they are full."""
    sizes = group_sizes(workshop)
    return [
        {
            "group": group,
            "size": sizes[group.pk],
            "current": current is not None and group.pk == current.pk,
            "full": not group_has_room(workshop, group, sizes),
        }
        for group in workshop.groups.all()
    ]


def group_has_room(workshop: Workshop, group: BreakoutGroup, sizes: dict[int, int]) -> bool:
    limit = workshop.max_group_size
    return limit is None or sizes.get(group.pk, 0) < limit


def group_full_message(workshop: Workshop, group: BreakoutGroup) -> str:
    return _("The group “%(name)s” is full. Please choose another.") % {"name": group.name}


ALL_FULL = _lazy("Every group is full. Please ask the facilitators to make room for you.")


def group_pick(workshop: Workshop) -> BreakoutGroup:
    """The least-filled group with room, ties by position (the workshop row is locked)."""
    sizes = group_sizes(workshop)
    groups = [g for g in workshop.groups.all() if group_has_room(workshop, g, sizes)]
    if not groups:
        raise ValidationError(str(ALL_FULL))
    return min(groups, key=lambda g: (sizes[g.pk], g.position, g.pk))


def lock_workshop(workshop: Workshop) -> Workshop:
    """Lock the workshop row and read its breakout settings afresh: joins and moves are
    serialised per workshop, so balanced groups and size limits hold under concurrency."""
    fresh = Workshop.objects.select_for_update().get(pk=workshop.pk)
    workshop.assignment, workshop.max_group_size = fresh.assignment, fresh.max_group_size
    workshop.closed_at, workshop.joining_open = fresh.closed_at, fresh.joining_open
    workshop.current_phase_id = fresh.current_phase_id
    return workshop
