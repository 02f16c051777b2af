"""Who acts, and what the current phase lets them do.

One predicate per action: `boards.permissions.can(actor, action, ...)` decides from the
actor's role, the phase's allowed actions (here) and the board's state. Views ask it through
a decorator, the consumer in `connect`, and the services again with the same explicit actor.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.contrib.sessions.backends.base import SessionBase

    from workshop.models import Participant, Phase, Workshop


class Role(StrEnum):
    FACILITATOR = "facilitator"
    ORGANISER = "organiser"
    PARTICIPANT = "participant"
    PROJECTOR = "projector"
    STRANGER = "stranger"


class Action(StrEnum):
    """Everything somebody can ask the server to do or show."""

    VIEW_BOARD = "view_board"
    ADD_CARD = "add_card"
    EDIT_OWN_CARD = "edit_own_card"
    VOTE = "vote"
    MARK_DONE = "mark_done"
    CHANGE_GROUP = "change_group"
    # The facilitators' own work: the walls, the agenda, the timer, breakouts and the plenary.
    MODERATE = "moderate"
    RUN_AGENDA = "run_agenda"
    RUN_TIMER = "run_timer"
    ASSIGN = "assign"
    SPOTLIGHT = "spotlight"
    LINK = "link"
    CONCLUDE = "conclude"
    # The results: seen by facilitators and organisers (participants after the workshop, where
    # it is allowed); the summary edited and everything exported by facilitators and organisers.
    VIEW_RESULTS = "view_results"
    EDIT_SUMMARY = "edit_summary"
    EXPORT = "export"
    DELETE_WORKSHOP = "delete_workshop"


FACILITATOR_ACTIONS = frozenset(
    {
        Action.VIEW_BOARD,
        Action.ADD_CARD,
        Action.MODERATE,
        Action.RUN_AGENDA,
        Action.RUN_TIMER,
        Action.ASSIGN,
        Action.SPOTLIGHT,
        Action.LINK,
        Action.CONCLUDE,
        Action.VIEW_RESULTS,
        Action.EDIT_SUMMARY,
        Action.EXPORT,
        Action.DELETE_WORKSHOP,
    }
)
ORGANISER_ACTIONS = frozenset(
    {Action.VIEW_RESULTS, Action.EDIT_SUMMARY, Action.EXPORT, Action.DELETE_WORKSHOP}
)
# What a participant may do while a phase runs, by what the phase allows. Viewing the boards
# one may see is always allowed; changing group is decided by the workshop's assignment.
PHASE_ALLOWS: dict[str, frozenset[Action]] = {
    # While writing, a round the facilitators open by hand on one board can be voted on.
    "write": frozenset({Action.ADD_CARD, Action.EDIT_OWN_CARD, Action.VOTE, Action.MARK_DONE}),
    "vote": frozenset({Action.VOTE, Action.MARK_DONE}),
    "read": frozenset(),
}
# Before the agenda starts (no current phase), the walls work as they always did.
NO_PHASE_ALLOWS = frozenset({Action.ADD_CARD, Action.EDIT_OWN_CARD, Action.VOTE})


@dataclass(frozen=True)
class Actor:
    """Who asks: a role, and the user or participant behind it."""

    role: Role
    user: AbstractBaseUser | None = None
    participant: Participant | None = None

    @classmethod
    def facilitator(cls, user: AbstractBaseUser) -> Actor:
        return cls(Role.FACILITATOR, user=user)

    @classmethod
    def organiser(cls, user: AbstractBaseUser) -> Actor:
        return cls(Role.ORGANISER, user=user)

    @classmethod
    def of(cls, participant: Participant | None) -> Actor:
        if participant is None or participant.removed_at is not None:
            return STRANGER
        return cls(Role.PARTICIPANT, participant=participant)

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR


STRANGER = Actor(Role.STRANGER)
PROJECTOR = Actor(Role.PROJECTOR)


def is_facilitator(user: AbstractBaseUser | AnonymousUser | None, workshop: Workshop) -> bool:
    """A signed-in user who runs this workshop."""
    if user is None or not user.is_authenticated:
        return False
    return workshop.facilitators.filter(pk=user.pk).exists()


def is_organiser(user: AbstractBaseUser | AnonymousUser | None, workshop: Workshop) -> bool:
    """A signed-in user who organises this workshop (sees its results, exports them)."""
    if user is None or not user.is_authenticated:
        return False
    return workshop.organisers.filter(pk=user.pk).exists()


def staff_actor(user: AbstractBaseUser | AnonymousUser | None, workshop: Workshop) -> Actor:
    """A signed-in user's actor for this workshop: facilitator, else organiser, else stranger."""
    if is_facilitator(user, workshop):
        return Actor.facilitator(user)  # type: ignore[arg-type]
    if is_organiser(user, workshop):
        return Actor.organiser(user)  # type: ignore[arg-type]
    return STRANGER


def actor_for(
    workshop: Workshop,
    user: AbstractBaseUser | AnonymousUser | None,
    session: SessionBase | None,
) -> Actor:
    """The actor of a request or a socket on the walls: a facilitator of the workshop, else
    its participant from the session, else a stranger (an organiser who joined by code takes
    part as a participant; the results pages ask `staff_actor`)."""
    if is_facilitator(user, workshop):
        return Actor.facilitator(user)  # type: ignore[arg-type]
    if session is None:
        return STRANGER
    from workshop.services import participant_for_session

    return Actor.of(participant_for_session(session, workshop))


def phase_allows(phase: Phase | None, action: Action) -> bool:
    """Whether the phase lets participants do `action` (boards aside)."""
    if phase is None:
        return action in NO_PHASE_ALLOWS
    return action in PHASE_ALLOWS[phase.allows]


def can_join(workshop: Workshop) -> bool:
    """Joining is possible while the workshop is open."""
    return not workshop.is_closed


def can_rename_self(participant: Participant | None) -> bool:
    """A participant changes their own name while the workshop is open."""
    return (
        participant is not None
        and participant.removed_at is None
        and not participant.workshop.is_closed
    )
