"""Dot voting: a round per board, a budget of dots per participant, and the ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boards import events
from boards.models import Board, Card, Cluster, Vote, VotingRound
from boards.permissions import require
from boards.services._common import bump, by_hand, lock_board
from workshop.live import Audience
from workshop.models import Participant
from workshop.permissions import Action, Actor

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

MAX_DOTS = 20


def voting_start(
    *,
    board: Board,
    user: AbstractBaseUser,
    dots_per_participant: int = 5,
    max_per_target: int = 3,
    cumulative: bool = True,
    show_totals: bool = False,
) -> VotingRound:
    """Open a voting round on `board`; participants then see their dots."""
    if not 1 <= dots_per_participant <= MAX_DOTS:
        raise ValidationError(
            _("Give each participant between 1 and %(max)d dots.") % {"max": MAX_DOTS}
        )
    per_target = max(1, min(max_per_target, dots_per_participant)) if cumulative else 1
    with transaction.atomic():
        locked = lock_board(board.pk)
        if locked.voting_rounds.filter(closed_at=None).exists():
            raise ValidationError(_("A voting round is already running on this board."))
        try:
            with transaction.atomic():
                voting = VotingRound.objects.create(
                    board=locked,
                    dots_per_participant=dots_per_participant,
                    max_per_target=per_target,
                    show_totals=show_totals,
                )
        except IntegrityError:
            raise ValidationError(_("A voting round is already running on this board.")) from None
        by_hand(locked)
        bump(locked)
        events.board_changed(locked.pk)
        announce_to_members(locked)
    return voting


def announce_to_members(board: Board) -> None:
    """Everyone's dots changed (a round opened or closed): each phone gets its own count."""
    if board.group is None:
        return
    for pk in board.group.participants.filter(removed_at=None).values_list("pk", flat=True):
        events.personal_changed(board.pk, pk)


def spent(voting: VotingRound, participant: Participant | int) -> int:
    """Dots the participant has placed on targets still on the wall (others come back)."""
    mine = voting.votes.filter(participant=participant)
    return mine.filter(Q(card__in=Card.objects.on_wall()) | Q(cluster__isnull=False)).count()


def tell_voters(board: Board, card_ids: list[int]) -> None:
    """Cards off the wall give their dots back, cards back on it take them again: their
    voters' phones show how many dots they have left."""
    voters = set(
        Vote.objects.filter(
            round__board=board, round__closed_at=None, card_id__in=card_ids
        ).values_list("participant_id", flat=True)
    )
    for voter in voters:
        events.personal_changed(board.pk, voter)


def votes_fit_budget(board: Board, card_ids: list[int]) -> set[int]:
    """Cards back on the wall (shown again, an undo): their dots count again, but no more
    than each voter's budget holds, for the dots given back meanwhile may be placed elsewhere.
    The newest of the returning dots go. Returns the voters who lost some (their phones follow)."""
    returning = Vote.objects.filter(round__board=board, card_id__in=card_ids)
    trimmed: set[int] = set()
    for round_id, voter in set(returning.values_list("round_id", "participant_id")):
        voting = VotingRound.objects.get(pk=round_id)
        excess = spent(voting, voter) - voting.dots_per_participant
        if excess <= 0:
            continue
        mine = returning.filter(round_id=round_id, participant_id=voter).order_by("-pk")
        Vote.objects.filter(pk__in=list(mine.values_list("pk", flat=True)[:excess])).delete()
        trimmed.add(voter)
    for voter in trimmed:
        events.personal_changed(board.pk, voter)
    return trimmed


def voting_close(*, voting: VotingRound, user: AbstractBaseUser) -> VotingRound:
    """Close the round: everybody sees the ranking."""
    with transaction.atomic():
        locked = lock_board(voting.board_id)
        fresh = VotingRound.objects.get(pk=voting.pk)
        if fresh.closed_at is None:
            fresh.closed_at = timezone.now()
            fresh.save(update_fields=["closed_at"])
            by_hand(locked)
            bump(locked)
            events.board_changed(locked.pk)
            announce_to_members(locked)
    return fresh


def _target_filter(card: Card | None, cluster: Cluster | None) -> dict[str, object]:
    if (card is None) == (cluster is None):
        raise ValidationError(_("A dot goes on one card or one cluster."))
    return {"card": card} if card is not None else {"cluster": cluster}


def _lock_open_round(voting: VotingRound) -> tuple[Board, VotingRound]:
    """Lock the board (this serialises a participant's taps: the budget holds when ten
    arrive at once) and return it with the round, which must still be open."""
    board = lock_board(voting.board_id)
    fresh = VotingRound.objects.get(pk=voting.pk)
    if fresh.closed_at is not None:
        raise ValidationError(_("Voting is closed."))
    return board, fresh


def vote_cast(
    *,
    voting: VotingRound,
    participant: Participant,
    card: Card | None = None,
    cluster: Cluster | None = None,
) -> int:
    """Put one dot on a card or cluster. Returns the dots the participant has left."""
    target = _target_filter(card, cluster)
    with transaction.atomic():
        board, fresh = _lock_open_round(voting)
        require(Actor.of(participant), Action.VOTE, board=board)
        if card is not None and not board.cards.on_wall().filter(pk=card.pk).exists():
            raise ValidationError(_("This card is no longer on the wall."))
        if cluster is not None and not board.clusters.filter(pk=cluster.pk).exists():
            # On another board, or dissolved a moment ago.
            raise ValidationError(_("This cluster is no longer on the wall."))
        mine = fresh.votes.filter(participant=participant)
        used = spent(fresh, participant)
        if used >= fresh.dots_per_participant:
            raise ValidationError(_("You have used all your dots."))
        if mine.filter(**target).count() >= fresh.max_per_target:
            raise ValidationError(_("You cannot put more dots on this one."))
        Vote.objects.create(round=fresh, participant=participant, **target)
        _announce_vote(board, fresh, participant)
    return fresh.dots_per_participant - used - 1


def vote_retract(
    *,
    voting: VotingRound,
    participant: Participant,
    card: Card | None = None,
    cluster: Cluster | None = None,
) -> int:
    """Take one of the participant's dots back. Returns the dots they have left."""
    target = _target_filter(card, cluster)
    with transaction.atomic():
        board, fresh = _lock_open_round(voting)
        require(Actor.of(participant), Action.VOTE, board=board)
        vote = fresh.votes.filter(participant=participant, **target).last()
        if vote is not None:
            vote.delete()
            _announce_vote(board, fresh, participant)
        used = spent(fresh, participant)
    return fresh.dots_per_participant - used


def _announce_vote(board: Board, voting: VotingRound, participant: Participant) -> None:
    if voting.show_totals:
        bump(board)
        events.board_changed(board.pk)
    else:
        # Only the facilitators see totals during the round: their walls follow the dots,
        # at most twice a second however many people place theirs.
        events.board_changed(board.pk, audiences=(Audience.FACILITATORS,), coalesce=True)
    events.personal_changed(board.pk, participant.pk)


@dataclass(frozen=True)
class VotingProgress:
    """How far a running round is: who has voted, how many of all dots are placed."""

    voters: int
    participants: int
    placed: int
    dots: int


def progress(voting: VotingRound, participants: int) -> VotingProgress:
    """Counted over dots on what is still on the wall (others came back to their owners)."""
    counted = voting.votes.filter(Q(card__in=Card.objects.on_wall()) | Q(cluster__isnull=False))
    placed = counted.count()
    voters = counted.values("participant").distinct().count()
    return VotingProgress(
        voters=voters,
        participants=max(participants, voters),
        placed=placed,
        dots=max(participants, voters) * voting.dots_per_participant,
    )


@dataclass
class Ranking:
    clusters: list[tuple[Cluster, int]] = field(default_factory=list)
    cards: list[tuple[Card, int]] = field(default_factory=list)


def card_totals(voting: VotingRound) -> dict[int, int]:
    rows = voting.votes.exclude(card=None).values("card").annotate(n=Count("pk"))
    return {row["card"]: row["n"] for row in rows}


def cluster_totals(voting: VotingRound) -> dict[int, int]:
    """A cluster's dots: those on the cluster itself plus those on its cards."""
    totals: dict[int, int] = {}
    rows = voting.votes.exclude(cluster=None).values("cluster").annotate(n=Count("pk"))
    for row in rows:
        totals[row["cluster"]] = totals.get(row["cluster"], 0) + row["n"]
    rows = (
        voting.votes.exclude(card=None)
        .exclude(card__cluster=None)
        # Only cards still on the wall: a deleted or hidden card's dots are not shown anywhere.
        .filter(card__in=Card.objects.on_wall())
        .values("card__cluster")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        totals[row["card__cluster"]] = totals.get(row["card__cluster"], 0) + row["n"]
    return totals


def ranking(voting: VotingRound) -> Ranking:
    """Clusters by the sum of their dots, cards by theirs; most first."""
    board = voting.board
    return rank(
        list(board.clusters.all()),
        list(board.cards.on_wall()),
        card_totals(voting),
        cluster_totals(voting),
    )


def rank(
    clusters: list[Cluster],
    on_wall: list[Card],
    card_dots: dict[int, int],
    cluster_dots: dict[int, int],
) -> Ranking:
    """The ranking from totals already counted (the wall has them at hand)."""
    cards = {card.pk: card for card in on_wall}
    return Ranking(
        clusters=sorted(
            ((c, cluster_dots.get(c.pk, 0)) for c in clusters),
            key=lambda pair: (-pair[1], pair[0].position),
        ),
        cards=sorted(
            ((cards[pk], n) for pk, n in card_dots.items() if pk in cards),
            key=lambda pair: (-pair[1], pair[0].position),
        ),
    )
