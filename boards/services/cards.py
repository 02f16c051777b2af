"""Cards: pin, edit, delete, move, hide, merge, reveal, and the board's own settings."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import events
from boards.models import Board, Card, Cluster, Color
from boards.permissions import require
from boards.services._common import (
    Conflict,
    acting,
    bump,
    by_hand,
    card_text,
    check_version,
    lock_board,
)
from boards.services.moderation import record
from boards.services.voting import tell_voters, votes_fit_budget
from workshop.models import Participant
from workshop.permissions import Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _next_position(board: Board, cluster: Cluster | None) -> int:
    top = board.cards.filter(cluster=cluster).aggregate(m=Max("position"))["m"]
    return 0 if top is None else top + 1


def _state_for_new_card(board: Board, participant: Participant | None) -> str:
    if participant is None:
        return Card.State.PINNED  # the facilitators' own cards go straight to the wall
    return {
        Board.Mode.OPEN: Card.State.PINNED,
        Board.Mode.HIDDEN: Card.State.SECRET,
        Board.Mode.COLLECT: Card.State.INBOX,
    }[board.mode]


class CardGone(Conflict):
    """A retried card of one's own that the facilitators took off the wall meanwhile."""


class ClientIdTaken(Conflict):
    """Another author's card carries this client id: nothing of it is handed out."""


def _replayed(card: Card, participant: Participant | None, user: AbstractBaseUser | None) -> Card:
    """A retry of the same card: only its author gets it back, and only while it is there."""
    if participant is not None:
        own = card.author_id == participant.pk
    else:
        own = card.author_id is None and card.author_user_id == (user.pk if user else None)
    if not own:
        raise ClientIdTaken(_("This card could not be pinned. Please write it again."))
    if card.deleted_at is not None:
        raise CardGone(_("The facilitators have taken this card off the wall."))
    if card.merged_into_id is not None:
        raise CardGone(_("The facilitators have merged this card with a similar one."))
    if card.hidden:
        raise CardGone(_("The facilitators have hidden this card."))
    return card


def card_create(
    *,
    board: Board,
    text: str,
    client_uuid: uuid.UUID,
    participant: Participant | None = None,
    user: AbstractBaseUser | None = None,
    color: str = "",
    kind: str = Card.Kind.NORMAL,
    cluster: Cluster | None = None,
) -> tuple[Card, bool]:
    """Add a card as the board's mode says. Its author's retry with the same `client_uuid`
    returns it; anyone else's is a conflict that reveals nothing. Facilitators write any
    kind (a heading card, an oval) straight into a cluster, or loose."""
    text = card_text(text)
    if cluster is not None and (user is None or participant is not None):
        raise ValidationError(_("Only the facilitators pin cards straight into a cluster."))
    with transaction.atomic():
        locked = lock_board(board.pk)
        existing = Card.objects.filter(board=locked, client_uuid=client_uuid).first()
        if existing is not None:
            return _replayed(existing, participant, user), False
        require(acting(participant, user), Action.ADD_CARD, board=locked)
        may_choose = participant is None or locked.participants_choose_color
        if color not in Color.values or not may_choose:
            color = locked.card_color
        if cluster is not None and not locked.clusters.filter(pk=cluster.pk).exists():
            raise Conflict(_("This cluster was dissolved just now."))
        try:
            with transaction.atomic():
                card = Card.objects.create(
                    board=locked,
                    text=text,
                    client_uuid=client_uuid,
                    author=participant,
                    author_user=user,
                    color=color,
                    kind=kind if user is not None and kind in Card.Kind.values else "card",
                    state=_state_for_new_card(locked, participant),
                    cluster=cluster,
                    position=_next_position(locked, cluster),
                )
        except IntegrityError:
            # The unique constraint, not the check above, is what forbids a second card.
            existing = Card.objects.get(board=locked, client_uuid=client_uuid)
            return _replayed(existing, participant, user), False
        if user is not None and participant is None:
            record(locked, user, "create", {"card": card.pk})
        rev = bump(locked)
        if cluster is not None:
            events.board_changed(locked.pk)  # into a cluster: the whole wall, in one push
        elif card.state == Card.State.PINNED:
            events.card_created(card, rev)
        else:
            # Only its author sees it; everybody else sees the count change.
            events.board_changed(locked.pk)
        if participant is not None:
            # Their own element lists their cards: that is how their phone knows them.
            events.personal_changed(locked.pk, participant.pk)
    board.rev = locked.rev
    return card, True


def _fresh_card(card_id: int, board: Board) -> Card:
    card = Card.objects.alive().filter(pk=card_id, board=board).first()
    if card is None:
        # Deleted or merged meanwhile: a stale write must never bring it back.
        raise Conflict(_("This card was removed or merged just now."))
    return card


def _fresh_version(card_id: int, board: Board, version: int | None) -> Card:
    """The card as it is now, if the writer saw this very version of it."""
    card = _fresh_card(card_id, board)
    check_version(version, card.version)
    return card


def _save(card: Card, *fields: str) -> None:
    card.version += 1
    card.save(update_fields=[*fields, "version", "updated_at"])


def _announce(board: Board, card: Card) -> None:
    events.board_changed(board.pk)
    if card.author_id and card.state != Card.State.PINNED:
        events.personal_changed(board.pk, card.author_id)


def card_edit(
    *,
    card: Card,
    text: str,
    version: int,
    user: AbstractBaseUser | None = None,
    participant: Participant | None = None,
    color: str | None = None,
    kind: str | None = None,
) -> Card:
    """Change a card's text: its author while the phase and board allow it, or a
    facilitator (who also sets its colour and kind)."""
    text = card_text(text)
    with transaction.atomic():
        board = lock_board(card.board_id)
        fresh = _fresh_version(card.pk, board, version)
        _require_change(participant, user, fresh)
        before = {"text": fresh.text, "color": fresh.color, "kind": fresh.kind}
        fresh.text = text
        if user is not None and color in Color.values:
            fresh.color = color
        if user is not None and kind in Card.Kind.values:
            fresh.kind = kind
        _save(fresh, "text", "color", "kind")
        if user is not None:
            record(board, user, "edit", {"card": fresh.pk, "before": before})
        bump(board)
        _announce(board, fresh)
    return fresh


def _require_change(
    participant: Participant | None, user: AbstractBaseUser | None, card: Card
) -> None:
    if participant is not None:
        require(acting(participant, None), Action.EDIT_OWN_CARD, card=card)
    else:
        require(acting(None, user), Action.MODERATE, board=card.board)


def card_delete(
    *,
    card: Card,
    version: int,
    user: AbstractBaseUser | None = None,
    participant: Participant | None = None,
) -> None:
    """Take a card off the wall. It never comes back, except by a facilitator's undo."""
    with transaction.atomic():
        board = lock_board(card.board_id)
        fresh = _fresh_version(card.pk, board, version)
        _require_change(participant, user, fresh)
        fresh.deleted_at = timezone.now()
        _save(fresh, "deleted_at")
        if user is not None:
            record(board, user, "delete", {"card": fresh.pk})
        bump(board)
        _announce(board, fresh)
        tell_voters(board, [fresh.pk])


def card_hide(*, card: Card, hidden: bool, user: AbstractBaseUser) -> Card:
    """Hide a card from participants and the projector (or show it again)."""
    with transaction.atomic():
        board = lock_board(card.board_id)
        fresh = _fresh_card(card.pk, board)
        if fresh.hidden != hidden:
            fresh.hidden = hidden
            _save(fresh, "hidden")
            record(board, user, "hide", {"card": fresh.pk, "hidden": hidden})
            if not hidden:
                votes_fit_budget(board, [fresh.pk])
            bump(board)
            events.board_changed(board.pk)
            tell_voters(board, [fresh.pk])  # their dots are back, or count again
    return fresh


def _renumber(board: Board, cluster: Cluster | None, moving: Card, index: int) -> None:
    # Only the cards on the wall: `index` is a place among what the facilitators see, and
    # hidden or handed-in cards wait outside it.
    siblings = list(
        board.cards.alive()
        .filter(cluster=cluster, state=Card.State.PINNED)
        .exclude(pk=moving.pk)
        .order_by("position", "pk")
    )
    index = max(0, min(index, len(siblings)))
    siblings.insert(index, moving)
    for position, sibling in enumerate(siblings):
        if sibling.pk == moving.pk:
            moving.position = position
        elif sibling.position != position:
            Card.objects.filter(pk=sibling.pk).update(position=position)


def card_move(
    *,
    card: Card,
    cluster: Cluster | None,
    index: int,
    version: int,
    user: AbstractBaseUser,
) -> Card:
    """Put a card into a cluster (or none) at `index`; the others make room."""
    with transaction.atomic():
        board = lock_board(card.board_id)
        fresh = _fresh_version(card.pk, board, version)
        if cluster is not None and cluster.board_id != board.pk:
            raise ValidationError(_("That cluster is on another board."))
        if cluster is not None and not Cluster.objects.filter(pk=cluster.pk).exists():
            raise Conflict(_("This cluster was dissolved just now."))
        before = {"cluster": fresh.cluster_id, "position": fresh.position, "state": fresh.state}
        fresh.cluster = cluster
        _renumber(board, cluster, fresh, index)
        pinned = fresh.state == Card.State.INBOX
        if pinned:
            fresh.state = Card.State.PINNED  # dragging from the inbox pins it
        _save(fresh, "cluster", "position", "state")
        record(board, user, "move", {"card": fresh.pk, "before": before})
        if pinned:
            _back_on_the_wall(board, [fresh.pk])
        bump(board)
        _announce(board, fresh)
    return fresh


def _back_on_the_wall(board: Board, card_ids: list[int]) -> None:
    """Cards on the wall again (pinned from the inbox, an undo put back there before) bring
    back only the dots that still fit their voters' budgets, and their phones follow."""
    votes_fit_budget(board, card_ids)
    tell_voters(board, card_ids)


def _require_mergeable(card: Card) -> None:
    if card.state != Card.State.PINNED:
        raise ValidationError(_("Only cards on the wall can be merged."))
    if card.hidden:
        # Its text would show on every phone among the merged card's sources.
        raise ValidationError(
            _("A card hidden from participants cannot be merged. Show it again first.")
        )


def card_merge(*, target: Card, sources: list[Card], user: AbstractBaseUser) -> Card:
    """Merge duplicates into `target`; it keeps their texts, and their votes follow it."""
    with transaction.atomic():
        board = lock_board(target.board_id)
        target = _fresh_card(target.pk, board)
        merged = []
        vote_origins: dict[str, int] = {}
        adopted: dict[str, int] = {}
        _require_mergeable(target)
        voters: set[int] = set()
        for source in sources:
            if source.pk == target.pk:
                continue
            fresh = _fresh_card(source.pk, board)
            _require_mergeable(fresh)
            fresh.merged_into = target
            _save(fresh, "merged_into")
            merged.append(fresh.pk)
            for vote in fresh.votes.all():
                voters.add(vote.participant_id)
                vote_origins[str(vote.pk)] = fresh.pk
                vote.card = target
                vote.save(update_fields=["card"])
            # Cards merged into the source come along to the target (an undo hands them back).
            for pk in fresh.merged_cards.values_list("pk", flat=True):
                adopted[str(pk)] = fresh.pk
            fresh.merged_cards.update(merged_into=target)
        if not merged:
            raise ValidationError(_("Choose at least one other card to merge."))
        _save(target, "text")
        payload = {
            "target": target.pk,
            "sources": merged,
            "votes": [int(pk) for pk in vote_origins],
            "vote_origins": vote_origins,
            "adopted": adopted,
        }
        record(board, user, "merge", payload)
        bump(board)
        events.board_changed(board.pk)
        # Their dots moved: their own count per card follows.
        for voter in voters:
            events.personal_changed(board.pk, voter)
    return target


def cards_reveal(*, board: Board, user: AbstractBaseUser) -> int:
    """Hidden brainstorming: show every hidden card to everyone at once. Returns how many."""
    with transaction.atomic():
        locked = lock_board(board.pk)
        secret = locked.cards.alive().filter(state=Card.State.SECRET)
        authors = set(secret.exclude(author=None).values_list("author_id", flat=True))
        count = secret.update(state=Card.State.PINNED)
        locked.mode = Board.Mode.OPEN
        locked.save(update_fields=["mode"])
        bump(locked)
        # One push for the whole reveal: every wall gets the new state in a single message.
        events.board_changed(locked.pk)
        for author in authors:
            events.personal_changed(locked.pk, author)
    return count


def cards_pin(*, board: Board, user: AbstractBaseUser, card: Card | None = None) -> int:
    """Collect mode: pin one card from the inbox to the wall, or all of them."""
    with transaction.atomic():
        locked = lock_board(board.pk)
        inbox = locked.cards.alive().filter(state=Card.State.INBOX)
        if card is not None:
            inbox = inbox.filter(pk=card.pk)
        authors = set(inbox.exclude(author=None).values_list("author_id", flat=True))
        top = _next_position(locked, None)
        count = 0
        ids = []
        for offset, pinned in enumerate(inbox.order_by("created_at", "pk")):
            pinned.state = Card.State.PINNED
            pinned.position = top + offset
            _save(pinned, "state", "position")
            ids.append(pinned.pk)
            count += 1
        if count:
            _back_on_the_wall(locked, ids)
            bump(locked)
            events.board_changed(locked.pk)
            for author in authors:
                events.personal_changed(locked.pk, author)
    return count


def board_configure(
    *,
    board: Board,
    mode: str | None = None,
    locked: bool | None = None,
    card_color: str | None = None,
    participants_choose_color: bool | None = None,
) -> Board:
    """Change how the board works: brainstorming mode, lock, colours. Every screen follows."""
    with transaction.atomic():
        fresh = lock_board(board.pk)
        if mode is not None:
            if mode not in Board.Mode.values:
                raise ValidationError(_("Unknown brainstorming mode."))
            fresh.mode = mode
        if locked is not None:
            fresh.locked = locked
        if card_color is not None:
            if card_color not in Color.values:
                raise ValidationError(_("Unknown colour."))
            fresh.card_color = card_color
        if participants_choose_color is not None:
            fresh.participants_choose_color = participants_choose_color
        fresh.save(update_fields=["mode", "locked", "card_color", "participants_choose_color"])
        if mode is not None or locked is not None:
            by_hand(fresh)
        bump(fresh)
        events.board_changed(fresh.pk)
    return fresh
