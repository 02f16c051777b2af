"""Clusters: the patterns a facilitator finds, each named by a heading."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from boards import events
from boards.models import Board, Card, Cluster
from boards.services._common import Conflict, bump, check_version, lock_board
from boards.services.moderation import record
from workshop.text import clean_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _title(title: str) -> str:
    title = clean_text(title)
    if not title:
        raise ValidationError(_("Give the cluster a heading."))
    if len(title) > Cluster._meta.get_field("title").max_length:
        raise ValidationError(_("The heading is too long."))
    return title


def cluster_create(
    *, board: Board, title: str, user: AbstractBaseUser, cards: list[Card] | None = None
) -> Cluster:
    """Start a cluster with a heading, optionally with cards in it."""
    title = _title(title)
    with transaction.atomic():
        locked = lock_board(board.pk)
        top = locked.clusters.aggregate(m=Max("position"))["m"]
        cluster = Cluster.objects.create(
            board=locked, title=title, position=0 if top is None else top + 1
        )
        # Only cards already on the wall: a hidden or handed-in card is not revealed by this.
        pinned = Card.objects.alive().filter(board=locked, state=Card.State.PINNED)
        moved = []
        for position, card in enumerate(cards or []):
            before = pinned.filter(pk=card.pk).values("cluster", "position").first()
            if before is None:
                continue
            moved.append({"card": card.pk, **before})
            pinned.filter(pk=card.pk).update(
                cluster=cluster, position=position, version=F("version") + 1
            )
        # Undo puts each card back where it was, not merely outside the cluster.
        record(locked, user, "cluster-create", {"cluster": cluster.pk, "moved": moved})
        bump(locked)
        events.board_changed(locked.pk)
    return cluster


def cluster_rename(
    *, cluster: Cluster, title: str, version: int, user: AbstractBaseUser
) -> Cluster:
    """Change a cluster's heading."""
    title = _title(title)
    with transaction.atomic():
        locked = lock_board(cluster.board_id)
        fresh = Cluster.objects.filter(pk=cluster.pk).first()
        if fresh is None:
            raise Conflict(_("This cluster was dissolved just now."))
        check_version(version, fresh.version)
        record(locked, user, "cluster-rename", {"cluster": fresh.pk, "before": fresh.title})
        fresh.title = title
        fresh.version += 1
        fresh.save(update_fields=["title", "version"])
        bump(locked)
        events.board_changed(locked.pk)
    return fresh


def cluster_dissolve(*, cluster: Cluster, user: AbstractBaseUser) -> None:
    """Dissolve a cluster: its cards stay on the wall, outside any cluster."""
    with transaction.atomic():
        locked = lock_board(cluster.board_id)
        fresh = Cluster.objects.filter(pk=cluster.pk).first()
        if fresh is None:
            return
        if fresh.votes.filter(round__closed_at=None).exists():
            raise ValidationError(
                _("This cluster has dots in the running vote. Close the vote first.")
            )
        cards = list(fresh.cards.order_by("position", "pk").values_list("pk", flat=True))
        top = locked.cards.filter(cluster=None).aggregate(m=Max("position"))["m"]
        start = 0 if top is None else top + 1
        for offset, pk in enumerate(cards):
            Card.objects.filter(pk=pk).update(cluster=None, position=start + offset)
        record(
            locked,
            user,
            "cluster-dissolve",
            {
                "cluster": fresh.pk,
                "title": fresh.title,
                "position": fresh.position,
                "cards": cards,
            },
        )
        fresh.delete()
        bump(locked)
        events.board_changed(locked.pk)
