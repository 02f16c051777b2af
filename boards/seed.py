"""The seed workshop as it ran: people, their cards, clusters, dots, links and conclusions.

`manage.py demo --results` adds this to the demo workshop, so that the results pages and
every export show what a real run leaves behind; the export tests build on the same data.
Everything goes through the services, as the live workshop does. Idempotent: a workshop that
already has clusters is left as it is.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from boards.models import Board, Card, Cluster, Conclusion, Link
from boards.services import card_create, cluster_create
from boards.services.synergies import actor_create, conclusion_create, link_create
from boards.services.voting import vote_cast, voting_close, voting_start
from workshop.models import Participant, Workshop
from workshop.permissions import Actor

NAMESPACE = uuid.UUID("0b8e0f77-3c55-4f43-9a53-5b1c3d2e7a10")


@dataclass(frozen=True)
class Person:
    name: str
    group: str
    named: bool  # agreed to be named in the summary


PEOPLE = [
    Person("Cem", "Mobilität", True),
    Person("Dana", "Mobilität", True),
    Person("Emil", "Mobilität", False),
    Person("Alex", "Einzelhandel", True),
    Person("Bo", "Einzelhandel", False),
    Person("Fritzi", "Einzelhandel", True),
]

# Each group's clusters: heading -> its cards (who wrote them), as the seed's walls were sorted.
CLUSTERS = {
    "Mobilität": {
        "Modernisierter ÖPNV": [
            ("Cem", "ÖPNV modernisieren: Echtzeit-Auskunft an jeder Haltestelle"),
            ("Dana", "Takt in den Außenbezirken verdichten"),
            ("Emil", "Busse öfter fahren lassen, auch am Abend"),
        ],
        "Vernetzte Mobilität": [
            ("Dana", "Ein Ticket für Bus, Bahn, Leihrad und Carsharing"),
            ("Cem", "Park-and-Ride am Stadtrand ausbauen"),
        ],
        "Offene Daten": [
            ("Emil", "Mobilitätsdaten der Stadt offen bereitstellen"),
        ],
    },
    "Einzelhandel": {
        "Beratung und Erlebnis": [
            ("Alex", "Professionelle und direkte Beratung als Stärke zeigen"),
            ("Fritzi", "Lokale Aktionen: verkaufsoffene Abende mit Programm"),
        ],
        "Digitale Sichtbarkeit": [
            ("Bo", "Gemeinsamer Online-Marktplatz der Innenstadt"),
            ("Alex", "Lieferung am selben Tag durch lokale Kuriere"),
        ],
        "Erreichbare Innenstadt": [
            ("Fritzi", "Autofreie Innenstadt mit guter Anbindung"),
            ("Bo", "Kostenlos parken am Samstag"),
        ],
    },
}
# Dots per cluster heading, spread over the group's people and the cluster's cards.
DOTS = {
    "Modernisierter ÖPNV": 7,
    "Vernetzte Mobilität": 4,
    "Offene Daten": 2,
    "Beratung und Erlebnis": 5,
    "Digitale Sichtbarkeit": 3,
    "Erreichbare Innenstadt": 6,
}
LINKS = [
    (
        ("Mobilität", "Modernisierter ÖPNV"),
        ("Einzelhandel", "Erreichbare Innenstadt"),
        Link.Kind.SYNERGY,
        "Eine erreichbare, belebte Innenstadt trägt ÖPNV und Handel",
    ),
    (
        ("Mobilität", "Vernetzte Mobilität"),
        ("Einzelhandel", "Digitale Sichtbarkeit"),
        Link.Kind.PARALLEL,
        "Beide brauchen eine gemeinsame digitale Plattform",
    ),
    (
        ("Mobilität", "Park-and-Ride am Stadtrand ausbauen"),
        ("Einzelhandel", "Autofreie Innenstadt mit guter Anbindung"),
        Link.Kind.CONFLICT,
        "Parkplätze am Rand gegen eine autofreie Mitte abwägen",
    ),
]
ACTORS = ["Wirtschaft", "Verwaltung", "Verkehrsbetriebe"]
CONCLUSIONS = [
    (
        Conclusion.Kind.CONCLUSION,
        "Wirtschaft und Verwaltung müssen zusammenarbeiten",
        ["Wirtschaft", "Verwaltung"],
        "",
        None,
    ),
    (
        Conclusion.Kind.NEXT_STEP,
        "Runder Tisch Innenstadt mit Handel und Verkehrsbetrieben einberufen",
        ["Verwaltung", "Verkehrsbetriebe", "Wirtschaft"],
        "Wirtschaftsförderung",
        datetime.date(2019, 12, 15),
    ),
    (
        Conclusion.Kind.NEXT_STEP,
        "Pilot: Echtzeit-Auskunft an fünf Haltestellen der Innenstadt",
        ["Verkehrsbetriebe"],
        "Stadtwerke",
        datetime.date(2020, 3, 31),
    ),
]


def _people(workshop: Workshop) -> dict[str, Participant]:
    groups = {g.name: g for g in workshop.groups.all()}
    out = {}
    for person in PEOPLE:
        out[person.name] = Participant.objects.create(
            workshop=workshop,
            group=groups[person.group],
            display_name=person.name,
            named_in_summary=person.named,
        )
    return out


def _card(board: Board, author: Participant, text: str) -> Card:
    existing = board.cards.filter(text=text).first()
    if existing is not None:
        return existing
    card, _created = card_create(
        board=board,
        text=text,
        client_uuid=uuid.uuid5(NAMESPACE, f"{board.pk}:{text}"),
        participant=author,
    )
    return card


def _ran(workshop: Workshop) -> None:
    """The agenda as it ran on the day: each phase from its planned minutes."""
    start = datetime.datetime.combine(
        workshop.date or timezone.localdate(),
        datetime.time(14, 0),
        tzinfo=timezone.get_current_timezone(),
    )
    for phase in workshop.phases.order_by("position", "pk"):
        took = datetime.timedelta(minutes=phase.planned_minutes or 10)
        phase.started_at, phase.ended_at = start, start + took
        phase.save(update_fields=["started_at", "ended_at"])
        start += took


def seed_results(workshop: Workshop, user: AbstractBaseUser) -> None:
    """Give the seed workshop (two groups, Mobilität and Einzelhandel) its results."""
    if Cluster.objects.filter(board__workshop=workshop).exists():
        return
    facilitator = Actor.facilitator(user)
    with transaction.atomic():
        people = _people(workshop)
        boards = {b.group.name: b for b in workshop.boards.of_groups().select_related("group")}
        things: dict[tuple[str, str], Cluster | Card] = {}
        for group, clusters in CLUSTERS.items():
            board = boards[group]
            for title, cards in clusters.items():
                made = [_card(board, people[who], text) for who, text in cards]
                cluster = cluster_create(board=board, title=title, user=user, cards=made)
                things[(group, title)] = cluster
                things.update({(group, c.text): c for c in made})
        # Cards written before the clustering that were left loose stay on the wall.
    for group, clusters in CLUSTERS.items():
        board = boards[group]
        voting = voting_start(board=board, user=user, dots_per_participant=5, max_per_target=3)
        voters = [p for p in people.values() if p.group.name == group]
        dot = 0  # the group's dots so far: each voter spends at most five, three per card
        for title in clusters:
            cluster = things[(group, title)]
            cards = list(cluster.cards.order_by("position", "pk"))
            for n in range(DOTS[title]):
                voter = voters[dot % len(voters)]
                vote_cast(voting=voting, participant=voter, card=cards[n % len(cards)])
                dot += 1
        voting_close(voting=voting, user=user)
    for (ga, a), (gb, b), kind, note in LINKS:
        source, target = things[(ga, a)], things[(gb, b)]
        link_create(
            facilitator,
            workshop,
            source=("cluster" if isinstance(source, Cluster) else "card", source.pk),
            target=("cluster" if isinstance(target, Cluster) else "card", target.pk),
            kind=kind,
            note=note,
        )
    ids = dict(workshop.actors.values_list("name", "pk"))  # the agenda's template names some
    for name in ACTORS:
        if name not in ids:
            ids[name] = actor_create(facilitator, workshop, name=name).pk
    for kind, text, actors, who, due in CONCLUSIONS:
        conclusion_create(
            facilitator,
            workshop,
            kind=kind,
            text=text,
            actor_ids=[ids[a] for a in actors],
            who=who,
            due=due,
        )
    _ran(workshop)
