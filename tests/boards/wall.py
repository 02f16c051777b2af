"""Helpers shared by the wall tests: create cards the way the views do, read what was pushed."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable

import tinyhtml5
from django.db import connections

from boards import services
from boards.models import Board, Card
from workshop import live
from workshop.live import Audience

AUDIENCES = list(Audience)
LANGUAGES = live.languages()
# One fragment per audience and interface language.
PUSHES_PER_CHANGE = len(AUDIENCES) * len(LANGUAGES)
PERSONAL = re.compile(r"participant\.(\d+)\.(\w+)")


def add(board, text="Mehr Radwege", participant=None, user=None, **kwargs) -> Card:
    if participant is None and user is None:
        user = board.workshop.facilitators.first()  # somebody acts: here a facilitator
    card, created = services.card_create(
        board=board,
        text=text,
        client_uuid=kwargs.pop("client_uuid", None) or uuid.uuid4(),
        participant=participant,
        user=user,
        **kwargs,
    )
    assert created
    return card


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def rev(board) -> int:
    return Board.objects.get(pk=board.pk).rev


def board_pushes(sent, board) -> list[tuple[str, str]]:
    """(group, html) pushed to any audience of `board`."""
    prefix = f"board.{board.pk}."
    return [(g, m["html"]) for g, m in sent if g.startswith(prefix)]


def personal_pushes(sent) -> dict[int, list[str]]:
    """{participant id: [html, ...]} pushed to personal groups."""
    out: dict[int, list[str]] = {}
    for group, message in sent:
        match = PERSONAL.fullmatch(group)
        if match:
            out.setdefault(int(match.group(1)), []).append(message["html"])
    return out


def is_snapshot(html: str) -> bool:
    return "data-snapshot" in html


def loose(board) -> list[str]:
    """Texts of the pinned cards outside clusters, in wall order."""
    return list(
        board.cards.alive()
        .filter(cluster=None, state=Card.State.PINNED)
        .order_by("position", "created_at", "pk")
        .values_list("text", flat=True)
    )


def in_cluster(cluster) -> list[str]:
    return list(
        cluster.cards.alive()
        .order_by("position", "created_at", "pk")
        .values_list("text", flat=True)
    )


def positions(board, cluster=None) -> list[int]:
    return list(
        board.cards.alive()
        .filter(cluster=cluster, state=Card.State.PINNED)
        .order_by("position", "created_at", "pk")
        .values_list("position", flat=True)
    )


def card_shown(html: str, card_id: int) -> dict[str, object] | None:
    """A card as a wall fragment shows it: its text, place (cluster id or None, and index in
    that list), version, and the wall's revision; None when the card is not on it."""
    root = tinyhtml5.parse(html, namespace_html_elements=False)
    rev_el = next((e for e in root.iter() if e.get("data-rev") is not None), None)
    for cards in root.iter("ol"):
        if cards.get("data-cards") is None:
            continue
        items = [li for li in cards if li.get("data-card-id") is not None]
        for index, li in enumerate(items):
            if li.get("data-card-id") == str(card_id):
                text = next(p for p in li.iter("p") if p.get("class") == "card__text")
                return {
                    "text": "".join(text.itertext()),
                    "cluster": int(cards.get("data-cluster-id"))
                    if cards.get("data-cluster-id")
                    else None,
                    "index": index,
                    "version": int(li.get("data-version")),
                    "rev": int(rev_el.get("data-rev")) if rev_el is not None else None,
                }
    return None


def at_once(calls: list[Callable[[], object]]) -> list[object]:
    """Run the calls in threads released together; each one's result or the exception it
    raised, in the calls' order. For the transactional tests that race writes."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
