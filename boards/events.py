"""Renders board fragments once per audience and hands them to `workshop.live`.

Message shapes (the client's `static/js/live.js` relies on them):
- snapshot: the whole wall `<section id="board-N" data-board-id data-rev>` (outerHTML swap);
- event: `<div id="board-N-rev" data-board-id data-rev>` plus out-of-band swaps.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from boards.models import Board, Card
from workshop import live
from workshop.live import Audience

WALL_TEMPLATE = "boards/_wall.html"


def board_for_render(board_id: int) -> Board:
    return Board.objects.select_related("group", "workshop").get(pk=board_id)


def cards_for_render(board: Board) -> list[Card]:
    return list(board.cards.select_related("author", "author_user").order_by("created_at", "pk"))


def with_participant_count(board: Board) -> Board:
    board.participant_count = board.group.participants.count() if board.group else 0
    return board


def wall_html(board: Board, audience: Audience, *, snapshot: bool = True) -> str:
    """The whole wall as one audience sees it: the snapshot sent on every (re)connect."""
    if audience == Audience.FACILITATORS:
        with_participant_count(board)
    context = {
        "board": board,
        "cards": cards_for_render(board),
        "audience": str(audience),
        "oob": snapshot,
    }
    return render_to_string(f"{WALL_TEMPLATE}#wall", context)


def card_created(card: Card, rev: int) -> None:
    """Announce a new card to every audience of its board."""
    board_id, card_id = card.board_id, card.pk

    def render() -> dict[str, str]:
        board = board_for_render(board_id)
        fresh = Card.objects.select_related("author").get(pk=card_id)
        out = {}
        for language in live.languages():
            with translation.override(language):
                for audience in Audience:
                    html = render_to_string(
                        f"{WALL_TEMPLATE}#card-added",
                        {"board": board, "card": fresh, "rev": rev, "audience": str(audience)},
                    )
                    out[live.board_group(board_id, audience, language)] = html
        return out

    live.send_html_on_commit(render)


def board_header_changed(board: Board) -> None:
    """The group was renamed or its question changed: send every audience a new snapshot."""
    board_id = board.pk

    def render() -> dict[str, str]:
        fresh = board_for_render(board_id)
        out = {}
        for language in live.languages():
            with translation.override(language):
                for audience in Audience:
                    out[live.board_group(board_id, audience, language)] = wall_html(fresh, audience)
        return out

    live.send_html_on_commit(render)
