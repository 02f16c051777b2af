"""The agenda a new workshop starts from: the seed workshop's course, phase by phase."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _, gettext_noop

from workshop.models import Phase, Workshop


@dataclass(frozen=True)
class PhaseSpec:
    title: str
    instruction: str
    view: str
    allows: str
    board_mode: str = Phase.BoardMode.KEEP
    reveal: bool = False
    minutes: int | None = None


# Kept untranslated here and translated when a workshop is created, in its facilitator's language.
TEMPLATE: tuple[PhaseSpec, ...] = (
    PhaseSpec(
        gettext_noop("Welcome and input talk"),
        gettext_noop("Listen to the talk. The group work comes afterwards."),
        Phase.View.ROOM,
        Phase.Allows.READ,
        minutes=20,
    ),
    PhaseSpec(
        gettext_noop("Dialogue with the speaker"),
        gettext_noop("Ask your questions in the room."),
        Phase.View.ROOM,
        Phase.Allows.READ,
        minutes=15,
    ),
    PhaseSpec(
        gettext_noop("Group work: brainstorming"),
        gettext_noop("Write your ideas on cards, one idea per card. Nobody sees them yet."),
        Phase.View.GROUPS,
        Phase.Allows.WRITE,
        Phase.BoardMode.HIDDEN,
        minutes=15,
    ),
    PhaseSpec(
        gettext_noop("Group work: clustering"),
        gettext_noop("All cards are on the wall now. The facilitators sort them into clusters."),
        Phase.View.GROUPS,
        Phase.Allows.WRITE,
        Phase.BoardMode.OPEN,
        reveal=True,
        minutes=15,
    ),
    PhaseSpec(
        gettext_noop("Group work: dot voting"),
        gettext_noop("Put your dots on the cards and clusters that matter most to you."),
        Phase.View.GROUPS,
        Phase.Allows.VOTE,
        minutes=10,
    ),
    PhaseSpec(
        gettext_noop("Plenary: the groups' results"),
        gettext_noop("The groups present their results. Scroll through all the walls."),
        Phase.View.PLENARY,
        Phase.Allows.READ,
        minutes=20,
    ),
    PhaseSpec(
        gettext_noop("Plenary: parallels and synergies"),
        gettext_noop("Where do the groups' ideas meet? Write what you notice on a card."),
        Phase.View.PLENARY,
        Phase.Allows.WRITE,
        Phase.BoardMode.OPEN,
        minutes=20,
    ),
    PhaseSpec(
        gettext_noop("Conclusion and next steps"),
        gettext_noop("What follows from today, and who takes it on."),
        Phase.View.PLENARY,
        Phase.Allows.READ,
        minutes=10,
    ),
)

# Who a conclusion may need; the facilitators edit the list per workshop.
ACTORS = (gettext_noop("Business"), gettext_noop("Administration"), gettext_noop("Civil society"))


def furnish(workshop: Workshop) -> list[Phase]:
    """What every new workshop has: the template's agenda and actors (in the active
    language) and the plenary's own board."""
    from boards.models import Actor, Board

    with transaction.atomic():
        Board.objects.get_or_create(workshop=workshop, group=None)
        phases = Phase.objects.bulk_create(
            Phase(
                workshop=workshop,
                position=position,
                title=_(spec.title),
                instruction=_(spec.instruction),
                view=spec.view,
                allows=spec.allows,
                board_mode=spec.board_mode,
                reveal=spec.reveal,
                planned_minutes=spec.minutes,
            )
            for position, spec in enumerate(TEMPLATE, start=1)
        )
        Actor.objects.bulk_create(
            Actor(workshop=workshop, name=_(name), position=position)
            for position, name in enumerate(ACTORS, start=1)
        )
    return phases
