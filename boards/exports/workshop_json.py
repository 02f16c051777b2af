"""The whole workshop as one JSON document (docs/export-schema-v1.json, docs/export.md):
its settings, agenda, groups, walls, clusters, cards with their dots, links, actors and
conclusions, as participants may see them. People only as counts, and by name where they
agreed. `boards/services/transfer.py` imports it again.

Things refer to each other by ids of the document ("cluster-3", "card-12"), numbered in the
document's order, never by database ids: export, import and export again give the same ids.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from boards.exports import Format, Options, register
from boards.exports.cards_csv import document_groups, named_authors
from boards.models import Board, Card, VotingRound
from boards.selectors.plenary import PlenaryGroup
from boards.selectors.summary import named_people, summary_settings
from boards.selectors.synergies import synergies_for
from workshop.live import Audience
from workshop.models import Participant, Workshop

SCHEMA = "stellwand-workshop"
VERSION = 1
Document = dict[str, Any]


def _time(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _workshop(workshop: Workshop) -> Document:
    return {
        "title": workshop.title,
        "subtitle": workshop.subtitle,
        "date": _date(workshop.date),
        "place": workshop.place,
        "description": workshop.description,
        "language": summary_settings(workshop).language,
        "assignment": workshop.assignment,
        "max_group_size": workshop.max_group_size,
        "joining_open": workshop.joining_open,
        "results_public": workshop.results_public,
        "timer_sound": workshop.timer_sound,
        "closed_at": _time(workshop.closed_at),
    }


def _agenda(workshop: Workshop) -> Document:
    phases = list(workshop.phases.all())
    current = next(
        (n for n, p in enumerate(phases, start=1) if p.pk == workshop.current_phase_id), None
    )
    return {
        "current_phase": current,
        "phases": [
            {
                "title": p.title,
                "instruction": p.instruction,
                "view": p.view,
                "allows": p.allows,
                "board_mode": p.board_mode,
                "reveal": p.reveal,
                "planned_minutes": p.planned_minutes,
                "dots_per_participant": p.dots_per_participant,
                "max_per_target": p.max_per_target,
                "started_at": _time(p.started_at),
                "ended_at": _time(p.ended_at),
            }
            for p in phases
        ],
    }


class _Refs:
    """The document's own ids, handed out in the document's order."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, int], str] = {}
        self.counts: dict[str, int] = {}

    def __call__(self, kind: str, pk: int) -> str:
        key = (kind, pk)
        if key not in self.ids:
            self.counts[kind] = self.counts.get(kind, 0) + 1
            self.ids[key] = f"{kind}-{self.counts[kind]}"
        return self.ids[key]

    def get(self, kind: str, pk: int) -> str | None:
        return self.ids.get((kind, pk))


def _wall_order(pairs: list[tuple[Card, int | None]]) -> list[tuple[Card, int | None]]:
    # The wall's order, not the ranking: an import puts the cards back where they were.
    return sorted(pairs, key=lambda p: (p[0].position, p[0].created_at, p[0].pk))


def _card(card: Card, dots: int | None, refs: _Refs, names: dict[int, str]) -> Document:
    return {
        "id": refs("card", card.pk),
        "kind": card.kind,
        "color": card.color,
        "text": card.text,
        "dots": dots,
        "author": names.get(card.author_id) if card.author_id else None,  # type: ignore[arg-type]
        "created_at": _time(card.created_at),
    }


def _voting(voting: VotingRound | None) -> Document | None:
    if voting is None:
        return None
    return {
        "dots_per_participant": voting.dots_per_participant,
        "max_per_target": voting.max_per_target,
        "show_totals": voting.show_totals,
        "open": voting.is_open,
    }


def _board(
    section: PlenaryGroup, voting: VotingRound | None, refs: _Refs, names: dict[int, str]
) -> Document:
    board: Board = section.board
    clusters = sorted(section.clusters, key=lambda r: (r.cluster.position, r.cluster.pk))
    return {
        "id": refs("board", board.pk),
        "group": section.group.name if section.group else None,
        "mode": board.mode,
        "locked": board.locked,
        "card_color": board.card_color,
        "participants_choose_color": board.participants_choose_color,
        "voting": _voting(voting),
        "clusters": [
            {
                "id": refs("cluster", r.cluster.pk),
                "title": r.cluster.title,
                "dots": r.dots,
                "cards": [_card(c, n, refs, names) for c, n in _wall_order(r.cards)],
            }
            for r in clusters
        ],
        "cards": [_card(c, n, refs, names) for c, n in _wall_order(section.cards)],
    }


def _participants(workshop: Workshop) -> tuple[dict[int | None, int], list[Document]]:
    # Everyone who ever joined, as the summary counts them.
    present = Participant.objects.filter(workshop=workshop).select_related("group")
    counts: dict[int | None, int] = {}
    named = []
    may_name = set(named_people(workshop).values_list("pk", flat=True))
    for person in present.order_by("joined_at", "pk"):
        counts[person.group_id] = counts.get(person.group_id, 0) + 1
        if person.pk in may_name:
            group = person.group.name if person.group else None
            named.append({"name": person.display_name, "group": group})
    return counts, named


def workshop_document(workshop: Workshop) -> Document:
    """The workshop as the JSON export holds it (a dict, before it is serialised)."""
    sections = document_groups(workshop)
    latest: dict[int, VotingRound] = {}
    for voting in VotingRound.objects.filter(board__workshop=workshop):  # newest first
        latest.setdefault(voting.board_id, voting)
    names = named_authors(workshop)
    refs = _Refs()
    boards = [_board(s, latest.get(s.board.pk), refs, names) for s in sections]
    synergies = synergies_for(workshop, Audience.PARTICIPANTS)
    links = []
    for view in synergies.links:
        ends = (
            refs.get(view.source.kind, view.source.id),
            refs.get(view.target.kind, view.target.id),
        )
        if None in ends:
            continue
        links.append(
            {"id": refs("link", view.link.pk), "kind": view.kind, "note": view.note}
            | {"from": ends[0], "to": ends[1]}
        )
    conclusions = []
    for view in synergies.conclusions:
        cluster = view.from_cluster
        link = view.from_link
        conclusions.append(
            {
                "kind": view.kind,
                "text": view.text,
                "actors": view.actors,
                "who": view.who,
                "due": _date(view.due),
                "from_cluster": refs.get("cluster", cluster.id) if cluster else None,
                "from_link": refs.get("link", link.link.pk) if link else None,
            }
        )
    counts, named = _participants(workshop)
    groups = list(workshop.groups.all())
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "exported_at": _time(timezone.now()),
        "workshop": _workshop(workshop),
        "agenda": _agenda(workshop),
        "groups": [
            {"name": g.name, "question": g.question, "participants": counts.get(g.pk, 0)}
            for g in groups
        ],
        "boards": boards,
        "links": links,
        "actors": [a.name for a in synergies.actors],
        "conclusions": conclusions,
        "participants": {"count": sum(counts.values()), "named": named},
    }


def render(workshop: Workshop, options: Options) -> bytes:
    document = workshop_document(workshop)
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


register(
    Format(
        "json",
        "JSON",
        "json",
        "application/json",
        render,
        description=gettext_noop("The whole workshop, to archive it or to import it again."),
    )
)
