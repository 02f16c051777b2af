"""How long each export takes for a workshop of 300 cards, against the Markdown summary.

Builds a workshop in a fresh SQLite file (four groups of 75 cards, each wall in five clusters,
a closed dot-voting round with 60 dots per wall, four links and three conclusions), then
renders every registered format a few times through the same registry the export page and
`export_workshop` use. The Markdown summary, measured in the same run, is the baseline: it is
the read model and the draft with the least formatting, so a format's ratio is what its own
rendering costs. The machine is noisy: read the ratios, not the seconds.

    .venv/bin/python bench/exports.py [--cards 300] [--repeat 3]
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GROUPS = ["Mobilität", "Einzelhandel", "Verwaltung", "Kultur"]


def build(cards: int):
    from django.contrib.auth import get_user_model

    from boards.services import (
        GroupSpec,
        card_create,
        cluster_create,
        vote_cast,
        voting_close,
        voting_start,
        workshop_create_with_groups,
    )
    from boards.services.synergies import conclusion_create, link_create
    from workshop.models import Participant
    from workshop.permissions import Actor

    user = get_user_model().objects.create_user(username="bench", password="bench-1234")
    workshop = workshop_create_with_groups(
        user=user,
        title="Bench: Werkstatt mit 300 Karten",
        groups=[GroupSpec(name, f"Was braucht {name}?") for name in GROUPS],
    )
    per_wall = cards // len(GROUPS)
    firsts = []
    for board in workshop.boards.of_groups().select_related("group"):
        people = [
            Participant.objects.create(
                workshop=workshop, group=board.group, display_name=f"P{n}", named_in_summary=True
            )
            for n in range(12)
        ]
        made = [
            card_create(
                board=board,
                text=f"{board.group.name}: Idee {n} für eine lebendige, erreichbare Innenstadt",
                client_uuid=uuid.uuid4(),
                participant=people[n % len(people)],
            )[0]
            for n in range(per_wall)
        ]
        clusters = [
            cluster_create(
                board=board, title=f"Cluster {k}", user=user, cards=made[k * 15 : (k + 1) * 15]
            )
            for k in range(5)
        ]
        firsts.append(clusters[0])
        voting = voting_start(board=board, user=user, dots_per_participant=5, max_per_target=3)
        for n in range(60):
            vote_cast(voting=voting, participant=people[n % 12], card=made[(n * 7) % per_wall])
        voting_close(voting=voting, user=user)
    me = Actor.facilitator(user)
    for a, b in itertools.pairwise(firsts):
        link_create(
            me, workshop, source=("cluster", a.pk), target=("cluster", b.pk), kind="synergy"
        )
    for n in range(3):
        conclusion_create(me, workshop, text=f"Fazit {n}: gemeinsam handeln")
    return workshop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="stellwand-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workshop.settings")
    os.environ.setdefault("STELLWAND_PUBLIC_URL", "https://stellwand.example.de")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from boards.exports import FORMATS, Options, export, export_formats

    call_command("migrate", verbosity=0)
    workshop = build(args.cards)
    export_formats()
    runs = [
        ("md", Options()),
        *((key, Options()) for key in sorted(FORMATS) if key not in ("md", "svg", "png")),
        ("svg", Options(board_id=workshop.boards.of_groups().first().pk)),
        ("png", Options(board_id=workshop.boards.of_groups().first().pk)),
        ("svg", Options()),
        ("png", Options()),
    ]
    export(workshop, "pdf", Options())  # fonts load once per process
    results = []
    for key, options in runs:
        times, size = [], 0
        for _n in range(args.repeat):
            start = time.perf_counter()
            size = len(export(workshop, key, options))
            times.append(time.perf_counter() - start)
        what = key + (
            " (one wall)" if options.board_id else " (all walls)" if key in ("svg", "png") else ""
        )
        results.append((what, statistics.median(times), size))
    base = results[0][1]
    print(f"{args.cards} cards, median of {args.repeat}; baseline: Markdown summary {base:.3f} s")
    print(f"{'format':<20}{'seconds':>10}{'x Markdown':>12}{'bytes':>12}")
    for what, seconds, size in results:
        print(f"{what:<20}{seconds:>10.3f}{seconds / base:>12.1f}{size:>12}")


if __name__ == "__main__":
    main()
