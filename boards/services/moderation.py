"""The facilitators' undo: each moderation step records how to take it back."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import events
from boards.models import Board, Card, Cluster, ModerationStep, Vote
from boards.services._common import bump, lock_board
from boards.services.voting import tell_voters, votes_fit_budget

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def record(board: Board, user: AbstractBaseUser, action: str, payload: dict) -> None:
    """Remember a moderation step (inside the transaction that made it)."""
    ModerationStep.objects.create(board=board, created_by=user, action=action, payload=payload)


def _restore_card(pk: int, **fields: object) -> None:
    card = Card.objects.get(pk=pk)
    for name, value in fields.items():
        setattr(card, name, value)
    card.version += 1
    card.save(update_fields=[*fields, "version", "updated_at"])


def _undo(step: ModerationStep) -> None:
    data = step.payload
    match step.action:
        case "edit":
            _restore_card(data["card"], **data["before"])
        case "delete":
            _restore_card(data["card"], deleted_at=None)
        case "create":
            # Written by a facilitator: undoing it takes it off the wall again.
            _restore_card(data["card"], deleted_at=timezone.now())
        case "hide":
            _restore_card(data["card"], hidden=not data["hidden"])
        case "move":
            cluster = Cluster.objects.filter(pk=data["before"]["cluster"]).first()
            _restore_card(
                data["card"],
                cluster=cluster,
                position=data["before"]["position"],
                # Dragged out of the inbox: undo hands it back to the inbox.
                state=data["before"].get("state", Card.State.PINNED),
            )
        case "merge":
            Card.objects.filter(pk__in=data["sources"]).update(merged_into=None)
            for pk, source in data.get("adopted", {}).items():
                Card.objects.filter(pk=int(pk)).update(merged_into=source)
            for vote in Vote.objects.filter(pk__in=data["votes"]):
                # Back to the card it was given to: the first source that had it.
                vote.card_id = _original_card_of_vote(step, vote.pk)
                vote.save(update_fields=["card"])
        case "cluster-create":
            cluster = Cluster.objects.filter(pk=data["cluster"]).first()
            if cluster is not None:
                cluster.cards.update(cluster=None)
                for before in data.get("moved", []):
                    Card.objects.filter(pk=before["card"]).update(
                        cluster=Cluster.objects.filter(pk=before["cluster"]).first(),
                        position=before["position"],
                        version=F("version") + 1,
                    )
                cluster.delete()
        case "cluster-rename":
            # A new version: whoever saw the undone heading holds a stale one now.
            Cluster.objects.filter(pk=data["cluster"]).update(
                title=data["before"], version=F("version") + 1
            )
        case "cluster-dissolve":
            # The same id again: earlier steps (create, rename, move) name the cluster by it.
            cluster = Cluster.objects.create(
                pk=data.get("cluster"),
                board=step.board,
                title=data["title"],
                position=data["position"],
            )
            for position, pk in enumerate(data["cards"]):
                Card.objects.filter(pk=pk).update(cluster=cluster, position=position)
        case _:
            raise ValidationError(_("This step cannot be undone."))


def _original_card_of_vote(step: ModerationStep, vote_id: int) -> int:
    origins = step.payload.get("vote_origins", {})
    return origins.get(str(vote_id), step.payload["target"])


UNDO_HOURS = 24  # how far back undo reaches (the privacy notice says so)


def moderation_undo(*, board: Board, user: AbstractBaseUser) -> ModerationStep:
    """Take back the last moderation step on `board` that is not undone yet."""
    with transaction.atomic():
        locked = lock_board(board.pk)
        # Undo reaches back a day: older deleted cards are deleted for good (cleanup).
        since = timezone.now() - datetime.timedelta(hours=UNDO_HOURS)
        step = locked.moderation_steps.filter(undone_at=None).first()
        if step is None or step.created_at < since:
            raise ValidationError(_("There is nothing to undo."))
        try:
            _undo(step)
        except ObjectDoesNotExist:
            raise ValidationError(_("This step cannot be undone.")) from None
        # A card back on the wall (undeleted, shown, unmerged) brings back only the dots its
        # voters have not placed elsewhere meanwhile.
        data = step.payload
        cards = [data["card"]] if "card" in data else data.get("sources", [])
        votes_fit_budget(locked, cards)
        tell_voters(locked, cards)  # their dots count again, or are theirs again
        step.undone_at = timezone.now()
        step.save(update_fields=["undone_at"])
        bump(locked)
        events.board_changed(locked.pk)
    return step
