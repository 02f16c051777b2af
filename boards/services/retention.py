"""Data protection: deleting a workshop with everything in it, and deleting what is old.

A workshop goes with its boards, cards, votes, clusters, links, conclusions, summary edits,
moderation history and participants; its entries leave every browser session that joined it;
every socket of it is closed at once. Exports are made on request and never stored, so there
is no export file to delete. `manage.py cleanup` (safe to run daily) deletes workshops whose
end lies more than `STELLWAND_RETENTION_DAYS` back, and cards deleted longer ago than undo can
reach.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from boards.models import Card, Cluster, Conclusion, Link, ModerationStep, Vote
from boards.permissions import require
from boards.services.moderation import UNDO_HOURS
from workshop import live
from workshop.models import Workshop
from workshop.permissions import Action, Actor
from workshop.services import SESSION_KEY, participant_sockets


@dataclass(frozen=True)
class WhatGoes:
    """What deleting a workshop removes, for the confirmation to name."""

    groups: int
    cards: int
    clusters: int
    votes: int
    participants: int
    links: int
    conclusions: int
    moderation_steps: int


def what_goes(workshop: Workshop) -> WhatGoes:
    return WhatGoes(
        groups=workshop.groups.count(),
        cards=Card.objects.filter(board__workshop=workshop).count(),
        clusters=Cluster.objects.filter(board__workshop=workshop).count(),
        votes=Vote.objects.filter(round__board__workshop=workshop).count(),
        participants=workshop.participants.count(),
        links=Link.objects.filter(workshop=workshop).count(),
        conclusions=Conclusion.objects.filter(workshop=workshop).count(),
        moderation_steps=ModerationStep.objects.filter(board__workshop=workshop).count(),
    )


def _forget_in_sessions(workshop_id: int) -> int:
    """Take the workshop out of every session that joined it; a session with nothing else
    in it goes. Returns how many sessions changed."""
    changed = 0
    key = str(workshop_id)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        joined = data.get(SESSION_KEY)
        if not isinstance(joined, dict) or key not in joined:
            continue
        joined.pop(key)
        changed += 1
        if not joined and not any(k for k in data if k != SESSION_KEY):
            session.delete()
            continue
        data[SESSION_KEY] = joined
        Session.objects.filter(pk=session.pk).update(
            session_data=Session.objects.encode(data)  # type: ignore[attr-defined]
        )
    return changed


def _close_everything(workshop: Workshop) -> None:
    groups = participant_sockets(workshop)
    groups += [
        live.facilitator_group(workshop.pk, pk)
        for pk in workshop.facilitators.values_list("pk", flat=True)
    ]
    groups.append(live.workshop_group(workshop.pk, live.Audience.PROJECTOR))
    live.close_on_commit(groups, live.CLOSE_WORKSHOP_DELETED)


def workshop_delete(actor: Actor | None, workshop: Workshop) -> WhatGoes:
    """Delete the workshop and everything in it (`actor` None: the cleanup command)."""
    if actor is not None:
        require(actor, Action.DELETE_WORKSHOP, workshop=workshop)
    with transaction.atomic():
        gone = what_goes(workshop)
        _close_everything(workshop)
        _forget_in_sessions(workshop.pk)
        workshop.delete()
    return gone


def ends_at(workshop: Workshop) -> datetime.datetime:
    """When the workshop ended: closed, else its date's end, else its last activity."""
    if workshop.closed_at is not None:
        return workshop.closed_at
    if workshop.date is not None:
        return timezone.make_aware(datetime.datetime.combine(workshop.date, datetime.time(23, 59)))
    return workshop.updated_at


def deleted_on(workshop: Workshop) -> datetime.date:
    """The day the cleanup deletes this workshop (as long as nothing happens in it)."""
    days = settings.STELLWAND_RETENTION_DAYS
    return timezone.localdate(ends_at(workshop) + datetime.timedelta(days=days + 1))


@dataclass(frozen=True)
class Retention:
    """When the cleanup deletes a workshop: what the console, the export page and the
    delete page say."""

    deleted_on: datetime.date
    days: int


def retention(workshop: Workshop) -> Retention:
    return Retention(deleted_on=deleted_on(workshop), days=settings.STELLWAND_RETENTION_DAYS)


def expired(now: datetime.datetime | None = None) -> list[Workshop]:
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.STELLWAND_RETENTION_DAYS)
    candidates = Workshop.objects.filter(
        Q(closed_at__lt=limit)
        | Q(closed_at=None, date__lt=timezone.localdate(limit))
        | Q(closed_at=None, date=None, updated_at__lt=limit)
    )
    return [w for w in candidates if ends_at(w) < limit]


def purge_login_records(now: datetime.datetime | None = None) -> int:
    """Sign-ins and failed tries (with address and browser) older than
    STELLWAND_LOGIN_RECORD_DAYS: a lockout lasts minutes, these records need not last longer."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    limit = (now or timezone.now()) - datetime.timedelta(days=settings.STELLWAND_LOGIN_RECORD_DAYS)
    return sum(
        model.objects.filter(attempt_time__lt=limit).delete()[0]
        for model in (AccessAttempt, AccessFailureLog, AccessLog)
    )


def purge_deleted_cards(now: datetime.datetime | None = None) -> int:
    """Cards deleted longer ago than undo can reach are deleted for good."""
    now = now or timezone.now()
    old = Card.objects.filter(deleted_at__lt=now - datetime.timedelta(hours=UNDO_HOURS))
    count, _by_model = old.delete()
    return count
