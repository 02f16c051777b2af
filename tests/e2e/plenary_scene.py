"""A plenary worth looking at: the seed's two groups with clusters, cards and closed rounds."""

from __future__ import annotations

import uuid

from boards.models import Board
from boards.services import card_create, cluster_create, vote_cast, voting_close, voting_start
from tests.factories import ParticipantFactory
from workshop.models import Workshop

WALLS = {
    "Mobilität": {
        "ÖPNV modernisieren": [
            "Busse im 10-Minuten-Takt",
            "Haltestellen barrierefrei umbauen, mit Rampen und Blindenleitsystem",
            "Echtzeit-Anzeigen an allen Haltestellen",
            "Ein Ticket für Bus, Bahn und Leihrad",
        ],
        "Sichere Radwege": [
            "Radwege durchgehend ausbauen",
            "Abstellanlagen am Bahnhof",
            "Tempo 30 vor Schulen",
        ],
        "Daten teilen": [
            "Mobilitätsdaten der Stadt offen bereitstellen",
            "Baustellen und Umleitungen in einer App",
        ],
        "": ["Carsharing im Quartier"],
    },
    "Einzelhandel": {
        "Professionelle und direkte Beratung": [
            "Beratung vor Ort als Stärke zeigen",
            "Servicequalität sichtbar machen",
            "Schulungen für kleine Läden",
        ],
        "Lokale Aktionen": [
            "Verkaufsoffene Abende mit Programm und Musik",
            "Gemeinsame Gutscheine der Innenstadt",
            "Pop-up-Flächen für Gründer:innen",
        ],
        "Digital sichtbar werden": [
            "Ein gemeinsamer Online-Marktplatz der Innenstadt",
            "Lieferung am selben Tag",
        ],
        "": ["Leerstand zwischennutzen"],
    },
}
# Dots per cluster (on the cluster) and on the first card of each: the result of the rounds.
DOTS = {
    "ÖPNV modernisieren": (6, 3),
    "Sichere Radwege": (3, 2),
    "Daten teilen": (2, 0),
    "Professionelle und direkte Beratung": (5, 2),
    "Lokale Aktionen": (4, 3),
    "Digital sichtbar werden": (2, 1),
}


def fill_plenary(workshop: Workshop, facilitator: object, *, voted: bool = True) -> dict:
    """Every group's wall of the seed, clustered and (by default) voted on; {title: cluster}."""
    clusters = {}
    for board in Board.objects.of_groups().filter(workshop=workshop).select_related("group"):
        people = [
            ParticipantFactory(group=board.group, workshop=workshop, display_name=n)
            for n in ("Alex", "Bo", "Cem")
        ]
        voting = None
        for title, texts in WALLS.get(board.group.name, {}).items():
            made = [
                card_create(
                    board=board, text=text, client_uuid=uuid.uuid4(), participant=people[i % 3]
                )[0]
                for i, text in enumerate(texts)
            ]
            if title:
                clusters[title] = cluster_create(
                    board=board, title=title, user=facilitator, cards=made
                )
                clusters[title].first_card = made[0]
        if not voted:
            continue
        voting = voting_start(
            board=board, user=facilitator, dots_per_participant=10, max_per_target=10
        )
        for title, (on_cluster, on_card) in DOTS.items():
            if title not in clusters or clusters[title].board_id != board.pk:
                continue
            for n in range(on_cluster):
                vote_cast(voting=voting, participant=people[n % 3], cluster=clusters[title])
            for n in range(on_card):
                vote_cast(voting=voting, participant=people[n % 3], card=clusters[title].first_card)
        voting_close(voting=voting, user=facilitator)
    return clusters
