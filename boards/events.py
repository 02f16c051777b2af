"""Renders board fragments once per audience and language, and hands them to `workshop.live`.

Message shapes (the client's `static/js/stellwand.js` relies on them):
- snapshot: the whole wall `<section id="board-N" data-snapshot>` with `#board-N-rev`
  (outerHTML swap), sent on every (re)connect and after every structural change;
- card added: `#board-N-rev` plus the card appended to the loose cards (open mode);
- personal: `#board-N-me`, what only one participant sees (their hidden or handed-in
  cards, their dots). It carries no revision: it is replaced whole, so order is harmless.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import translation

from boards import plenary_events
from boards.models import Board, Card, Cluster, VotingRound
from workshop import live
from workshop.live import Audience
from workshop.models import Participant

WALL_TEMPLATE = "boards/_wall.html"


def board_for_render(board_id: int) -> Board:
    return Board.objects.select_related("group", "workshop").get(pk=board_id)


def with_participant_count(board: Board) -> Board:
    board.participant_count = (
        board.group.participants.filter(removed_at=None).count() if board.group else 0
    )
    return board


@dataclass
class Wall:
    """Everything one audience sees of a board."""

    board: Board
    audience: str
    clusters: list[Cluster] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    hidden_cards: list[Card] = field(default_factory=list)
    inbox: list[Card] = field(default_factory=list)
    secret_count: int = 0
    inbox_count: int = 0
    voting: VotingRound | None = None
    totals_visible: bool = False
    ranking: object = None
    progress: object = None


def wall_context(board: Board, audience: Audience) -> dict[str, object]:
    """The template context of a wall for one audience (no participant's private cards)."""
    from boards.services.voting import card_totals, cluster_totals, progress, rank

    facilitators = audience == Audience.FACILITATORS
    alive = (
        board.cards.alive()
        .select_related("author", "author_user")
        .annotate_merged()
        .prefetch_related("merged_cards")
    )
    pinned = [c for c in alive if c.state == Card.State.PINNED]
    visible = pinned if facilitators else [c for c in pinned if not c.hidden]
    clusters = list(board.clusters.all())
    by_cluster: dict[int | None, list[Card]] = {}
    for card in sorted(visible, key=lambda c: (c.position, c.created_at, c.pk)):
        by_cluster.setdefault(card.cluster_id, []).append(card)
    for cluster in clusters:
        cluster.card_list = by_cluster.get(cluster.pk, [])
    voting = board.voting_rounds.first()
    totals_visible = voting is not None and (voting.closed_at is not None or voting.show_totals)
    card_dots: dict[int, int] = {}
    cluster_dots: dict[int, int] = {}
    if voting is not None and (totals_visible or facilitators):
        card_dots, cluster_dots = card_totals(voting), cluster_totals(voting)
        for card in visible:
            card.dots = card_dots.get(card.pk, 0)
        for cluster in clusters:
            cluster.dots = cluster_dots.get(cluster.pk, 0)
    wall = Wall(
        board=board,
        audience=str(audience),
        clusters=clusters,
        cards=by_cluster.get(None, []),
        inbox=[c for c in alive if c.state == Card.State.INBOX] if facilitators else [],
        secret_count=sum(1 for c in alive if c.state == Card.State.SECRET),
        inbox_count=sum(1 for c in alive if c.state == Card.State.INBOX),
        voting=voting,
        totals_visible=totals_visible or (facilitators and voting is not None),
        ranking=(
            rank(clusters, [c for c in pinned if not c.hidden], card_dots, cluster_dots)
            if voting is not None and voting.closed_at
            else None
        ),
    )
    if facilitators:
        with_participant_count(board)
        if voting is not None and voting.is_open:
            wall.progress = progress(voting, board.participant_count)
    return {"board": board, "wall": wall, "cards": wall.cards, "audience": str(audience)}


def with_wall(board: Board, audience: Audience) -> Board:
    """Attach `board.wall` for pages that show several walls (console, projector)."""
    board.wall = wall_context(board, audience)["wall"]
    return board


def wall_html(board: Board, audience: Audience, *, snapshot: bool = True) -> str:
    """The whole wall as one audience sees it: the snapshot sent on every (re)connect."""
    context = wall_context(board, audience)
    context["oob"] = snapshot
    return render_to_string(f"{WALL_TEMPLATE}#wall", context)


def personal_context(board: Board, participant: Participant) -> dict[str, object]:
    """What only this participant sees: their not-yet-public cards and their dots."""
    # Before the queries: a rendering that starts later sees at least as much (the client
    # drops an element older than the one it has, static/js/stellwand.js staleMe).
    stamp = time.time_ns() // 1000
    mine = list(board.cards.alive().filter(author=participant).order_by("created_at", "pk"))
    own = [c for c in mine if c.state in (Card.State.SECRET, Card.State.INBOX)]
    # Their cards on the wall, by id and client id: the wall is the same for everyone and
    # cannot say whose a card is; this element, pushed to its author alone, can.
    shown = [c for c in mine if c.state == Card.State.PINNED and not c.hidden]
    voting = board.voting_rounds.filter(closed_at=None).first()
    my_votes: dict[str, int] = {}
    left = 0
    if voting is not None:
        on_wall = set(board.cards.on_wall().values_list("pk", flat=True))
        for vote in voting.votes.filter(participant=participant):
            if vote.card_id and vote.card_id not in on_wall:
                continue  # a deleted or hidden card gives its dots back
            key = f"card-{vote.card_id}" if vote.card_id else f"cluster-{vote.cluster_id}"
            my_votes[key] = my_votes.get(key, 0) + 1
        left = voting.dots_per_participant - sum(my_votes.values())
    return {
        "board": board,
        "participant": participant,
        "own_cards": own,
        "own_ids": ",".join(str(c.pk) for c in shown),
        "own_uuids": ",".join(str(c.client_uuid) for c in shown),
        "voting": voting,
        "my_votes": my_votes,
        "dots_left": left,
        "stamp": stamp,
    }


def personal_html(board: Board, participant: Participant) -> str:
    return render_to_string(f"{WALL_TEMPLATE}#personal", personal_context(board, participant))


def _per_language(render: callable) -> dict[str, str]:  # type: ignore[valid-type]
    out = {}
    for language in live.languages():
        with translation.override(language):
            out.update(render(language))
    return out


def card_created(card: Card, rev: int) -> None:
    """Announce a new card on the wall to every audience of its board."""
    board_id, card_id = card.board_id, card.pk

    def render() -> dict[str, str]:
        board = board_for_render(board_id)
        fresh = Card.objects.select_related("author", "author_user").get(pk=card_id)
        fresh.dots = 0
        voting = board.voting_rounds.first()

        def wall(audience: Audience) -> Wall:
            # Enough of the wall for one new card: vote buttons and totals while voting.
            shown = voting is not None and (
                voting.closed_at is not None
                or voting.show_totals
                or audience == Audience.FACILITATORS
            )
            return Wall(board=board, audience=str(audience), voting=voting, totals_visible=shown)

        def one(language: str) -> dict[str, str]:
            return {
                live.board_group(board_id, audience, language): render_to_string(
                    f"{WALL_TEMPLATE}#card-added",
                    {
                        "board": board,
                        "card": fresh,
                        "rev": rev,
                        "audience": str(audience),
                        "wall": wall(audience),
                    },
                )
                for audience in Audience
            }

        return _per_language(one)

    live.send_html_on_commit(render)
    plenary_events.board_changed(board_id)  # the plenary screens show the new card too


def board_changed(
    board_id: int,
    audiences: tuple[Audience, ...] = tuple(Audience),
    *,
    coalesce: bool = False,
) -> None:
    """Send the board's new state in one message (a snapshot with its rev) to `audiences`.

    A snapshot at an unchanged rev is harmless: clients apply it as the same state. That is
    how the facilitators alone get vote totals that participants do not see yet. With
    `coalesce`, a burst of changes (dots placed) costs the board at most two sends a second,
    each with the state of its moment (only for snapshots that bump no revision).
    """

    def render() -> dict[str, str]:
        board = board_for_render(board_id)
        # The queries once per audience; only the rendering once per language.
        contexts = {a: wall_context(board, a) | {"oob": True} for a in audiences}
        return _per_language(
            lambda language: {
                live.board_group(board_id, audience, language): render_to_string(
                    f"{WALL_TEMPLATE}#wall", contexts[audience]
                )
                for audience in audiences
            }
        )

    if coalesce:
        part = "wall:" + ",".join(sorted(audiences))
        live.send_html_coalesced(f"board:{board_id}", render, part=part)
        return
    live.send_html_on_commit(render)
    plenary_events.board_changed(board_id, audiences)
    if Audience.PARTICIPANTS in audiences:
        # A card on the wall may be an end of a plenary link (issue 7, synergies).
        from boards.synergy_events import linked_board_changed

        linked_board_changed(board_id)


def revision_html(board_id: int, rev: int) -> str:
    """The board's revision alone: a screen that is behind it fetches a snapshot."""
    return f'<template data-rev-signal data-board-id="{board_id}" data-rev="{rev}"></template>'


def revision_changed(board_id: int) -> None:
    """About a second after the board changed (once for a burst), tell every screen of it its
    newest revision: a lost last push is repaired in seconds, not at the next resync."""

    def render() -> dict[str, str]:
        rev = Board.objects.filter(pk=board_id).values_list("rev", flat=True).first()
        return {} if rev is None else {live.revision_group(board_id): revision_html(board_id, rev)}

    live.signal_on_commit(f"rev:{board_id}", render)


def personal_changed(board_id: int, participant_id: int) -> None:
    """Send one participant what only they see of the board."""

    def render() -> dict[str, str]:
        board = board_for_render(board_id)
        participant = Participant.objects.get(pk=participant_id)
        return _per_language(
            lambda language: {
                live.personal_group(participant_id, language): personal_html(board, participant)
            }
        )

    live.send_html_on_commit(render)
