"""Accepting or dismissing a suggested parallel: one tap each, asked with the facilitator's
actor. Accepting makes the link (its reason becomes the editable note), which is pushed to
every screen as any link is; dismissing keeps it from coming back."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from boards import plenary_events
from boards.models import DismissedSuggestion, Link
from boards.permissions import require
from boards.selectors.parallels import find
from boards.services.synergies import link_create
from workshop.models import Workshop
from workshop.permissions import Action, Actor

GONE = gettext_lazy("This suggestion no longer applies: the walls have changed.")


def suggestion_accept(actor: Actor, workshop: Workshop, key: str) -> Link:
    require(actor, Action.LINK, workshop=workshop)
    found = find(workshop, key)
    if found is None:
        raise ValidationError(GONE)
    link = link_create(
        actor,
        workshop,
        source=(found.a.kind, found.a.id),
        target=(found.b.kind, found.b.id),
        kind=found.kind,
        note=found.reason,
    )
    plenary_events.parallels_changed(workshop.pk)
    return link


def suggestion_dismiss(actor: Actor, workshop: Workshop, key: str) -> None:
    require(actor, Action.LINK, workshop=workshop)
    if find(workshop, key) is None:
        return  # gone or dismissed already: nothing to keep from coming back
    try:
        with transaction.atomic():
            DismissedSuggestion.objects.create(workshop=workshop, key=key)
    except IntegrityError:
        return  # dismissed already (a second tap, another facilitator)
    plenary_events.parallels_changed(workshop.pk)
