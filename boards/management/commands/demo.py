"""Create the demo: a facilitator and the workshop of the seed document (idempotent)."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from boards.models import Board
from boards.services import GroupSpec, card_create, workshop_create_with_groups
from workshop.models import Workshop

DEMO_USER = "moderation"
DEMO_PASSWORD = "stellwand-demo"  # noqa: S105 - printed by `make run`, for a local demo only
DEMO_TITLE = "In Silos oder innovativ? Kommunale Digitalprojekte im Co-Creation-Format"
DEMO_CODE = "WERK8K"
DESCRIPTION = (
    "Impulsvortrag zur digitalen Transformation der Hansestadt Lübeck, "
    "danach Gruppenarbeit an Metaplanwänden."
)
# A second demo: the same workshop as it ran, closed, to try the results and the exports on.
DEMO_RESULTS_TITLE = "Werkstatt 8 im Rückblick: In Silos oder innovativ?"

GROUPS = [
    GroupSpec("Mobilität", "Wie wird der ÖPNV attraktiver für Bürger:innen?"),
    GroupSpec("Einzelhandel", "Wie werden lokale Geschäfte attraktiver als der Onlinehandel?"),
]
CARDS = {
    "Mobilität": [
        "ÖPNV modernisieren: Echtzeit-Auskunft an jeder Haltestelle",
        "Ein Ticket für Bus, Bahn, Leihrad und Carsharing",
        "Takt in den Außenbezirken verdichten",
        "Mobilitätsdaten der Stadt offen bereitstellen",
    ],
    "Einzelhandel": [
        "Professionelle und direkte Beratung als Stärke zeigen",
        "Lokale Aktionen: verkaufsoffene Abende mit Programm",
        "Gemeinsamer Online-Marktplatz der Innenstadt",
        "Lieferung am selben Tag durch lokale Kuriere",
    ],
}
# Stable ids: running the command twice creates every card once.
NAMESPACE = uuid.UUID("6f1d8f7e-9a53-4c1e-8d2b-0c7d1e5a9b31")


def _seed_workshop(user, title: str) -> Workshop:
    """The seed document's workshop (its date, place, groups and introduction)."""
    return workshop_create_with_groups(
        user=user,
        groups=GROUPS,
        title=title,
        subtitle="Werkstatt 8 · Innovatives Management",
        date=datetime.date(2019, 10, 30),
        place="Werkstattraum 8",
        description=DESCRIPTION,
    )


class Command(BaseCommand):
    help = "Create the demo facilitator and the workshop of the seed document (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password", help=f"the demo facilitator's password (default {DEMO_PASSWORD!r})"
        )
        parser.add_argument(
            "--results",
            action="store_true",
            help="also run it: people, clusters, dots, links and conclusions (boards/seed.py)",
        )

    @transaction.atomic
    def handle(self, *args: object, **options: object) -> None:
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=DEMO_USER, defaults={"first_name": "Andrea", "last_name": "Schermann"}
        )
        password = options.get("password")
        if created or password:
            user.set_password(password or DEMO_PASSWORD)
            user.save()
        workshop = Workshop.objects.filter(title=DEMO_TITLE, facilitators=user).first()
        if workshop is None:
            workshop = _seed_workshop(user, DEMO_TITLE)
            if not Workshop.objects.filter(join_code=DEMO_CODE).exists():
                workshop.join_code = DEMO_CODE
                workshop.save(update_fields=["join_code"])
        for board in Board.objects.filter(workshop=workshop).select_related("group"):
            for text in CARDS.get(board.group.name if board.group else "", []):
                card_create(
                    board=board,
                    text=text,
                    client_uuid=uuid.uuid5(NAMESPACE, f"{board.group.name}:{text}"),
                    user=user,
                )
        if options.get("results"):
            from boards.seed import seed_results

            seed_results(workshop, user)
        finished = self._finished(user)
        self.stdout.write(f"results_workshop_id={finished.pk}")
        self.stdout.write(f"workshop_id={workshop.pk} join_code={workshop.join_code}")

    def _finished(self, user) -> Workshop:
        """The seed workshop as it ran (boards/seed.py), closed, its results open to the
        participants (idempotent)."""
        from boards.seed import seed_results
        from workshop.services import results_public_set, workshop_close

        finished = Workshop.objects.filter(title=DEMO_RESULTS_TITLE, facilitators=user).first()
        if finished is not None:
            return finished
        finished = _seed_workshop(user, DEMO_RESULTS_TITLE)
        seed_results(finished, user)
        workshop_close(workshop=finished)
        results_public_set(workshop=finished, public=True)
        return finished
