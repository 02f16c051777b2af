"""Breakouts: how people come into a group, and moving them between groups.

Every move locks the workshop row (like joining does), so group sizes and the largest
group size hold when several people act at once. A moved participant's pages follow at
once: their sockets are sent to the new board and closed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from boards.permissions import require
from workshop import events, live
from workshop.breakouts import (
    group_full_message,
    group_has_room,
    group_pick,
    group_sizes,
    lock_workshop,
)
from workshop.models import Assignment, BreakoutGroup, Participant, Workshop
from workshop.permissions import Action, Actor


def _place(participant: Participant, group: BreakoutGroup | None, url: str) -> None:
    """Put `participant` into `group` (inside the transaction); their pages go to `url`."""
    participant.group = group
    participant.save(update_fields=["group"])
    live.navigate_on_commit([live.participant_group(participant.pk)], url)
    events.group_counts_changed(participant.workshop)


def _board_url(group: BreakoutGroup) -> str:
    return reverse("board", args=[group.board.pk])


def _fresh(participant: Participant, workshop: Workshop) -> Participant:
    """The participant as stored now (under the workshop's lock), still in the workshop."""
    found = (
        Participant.objects.select_related("workshop")
        .filter(pk=participant.pk, workshop=workshop, removed_at=None)
        .first()
    )
    if found is None:
        raise ValidationError(_("This person is no longer in the workshop."))
    found.workshop = workshop
    return found


def _check_group(workshop: Workshop, group: BreakoutGroup, participant: Participant) -> None:
    if group.workshop_id != workshop.pk:
        raise ValidationError(_("This group does not belong to the workshop."))
    if group.pk != participant.group_id and not group_has_room(
        workshop, group, group_sizes(workshop)
    ):
        raise ValidationError(group_full_message(workshop, group))


def participant_move(
    *, actor: Actor, participant: Participant, group: BreakoutGroup
) -> Participant:
    """A facilitator moves (or first assigns) a participant to `group`."""
    workshop = participant.workshop
    require(actor, Action.ASSIGN, workshop=workshop)
    with transaction.atomic():
        lock_workshop(workshop)
        participant = _fresh(participant, workshop)
        _check_group(workshop, group, participant)
        if participant.group_id != group.pk:
            _place(participant, group, _board_url(group))
    return participant


def group_change(*, actor: Actor, group: BreakoutGroup) -> Participant:
    """A participant changes to another group themselves (where they choose their group)."""
    participant = actor.participant
    assert participant is not None, "a participant changes their own group"
    workshop = participant.workshop
    with transaction.atomic():
        lock_workshop(workshop)
        participant = _fresh(participant, workshop)
        require(Actor.of(participant), Action.CHANGE_GROUP, workshop=workshop)
        _check_group(workshop, group, participant)
        if participant.group_id != group.pk:
            _place(participant, group, _board_url(group))
    return participant


def breakouts_configure(
    *, actor: Actor, workshop: Workshop, assignment: str, max_group_size: int | None
) -> Workshop:
    """Set how people come into a group and how many fit into one (also mid-workshop).

    People still waiting for a facilitator are placed at once when the mode changes:
    at random, or sent back to the join form to choose themselves.
    """
    require(actor, Action.ASSIGN, workshop=workshop)
    with transaction.atomic():
        lock_workshop(workshop)
        workshop.assignment = assignment
        workshop.max_group_size = max_group_size or None
        workshop.full_clean()
        workshop.save(update_fields=["assignment", "max_group_size", "updated_at"])
        waiting = list(workshop.participants.filter(removed_at=None, group=None))
        for participant in waiting:
            participant.workshop = workshop
            if assignment == Assignment.RANDOM:
                try:
                    group = group_pick(workshop)
                except ValidationError:
                    break  # every group is full: they keep waiting
                _place(participant, group, _board_url(group))
            elif assignment == Assignment.SELF:
                url = reverse("join", args=[workshop.join_code])
                live.navigate_on_commit([live.participant_group(participant.pk)], url)
        events.people_changed(workshop.pk)
    return workshop
