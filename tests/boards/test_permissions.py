"""The wall's permission matrix: role x board state, for adding cards, changing them, voting."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from boards import permissions, services
from boards.models import Board, Card
from tests.factories import BreakoutGroupFactory, ParticipantFactory, UserFactory, WorkshopFactory
from workshop import permissions as workshop_permissions
from workshop.services import workshop_close

ROLES = [
    "facilitator",
    "participant_same_group",
    "participant_other_group",
    "participant_other_workshop",
    "anonymous",
]
STATES = ["open", "locked", "workshop_closed", "voting_open", "voting_locked", "voting_closed"]

# state -> (a member may add a card, change their own card, vote)
MEMBER = {
    "open": (True, True, False),
    "locked": (False, False, False),
    "workshop_closed": (False, False, False),
    "voting_open": (True, True, True),
    "voting_locked": (False, False, True),  # a lock stops writing, not voting
    "voting_closed": (True, True, False),
}


@pytest.fixture
def world(db):
    facilitator = UserFactory()
    workshop = WorkshopFactory(facilitator=facilitator)
    group = BreakoutGroupFactory(workshop=workshop, name="A")
    other_group = BreakoutGroupFactory(workshop=workshop, name="B")
    elsewhere = BreakoutGroupFactory(name="A")  # same name, other workshop
    participants = {
        "participant_same_group": ParticipantFactory(group=group),
        "participant_other_group": ParticipantFactory(group=other_group),
        "participant_other_workshop": ParticipantFactory(group=elsewhere),
    }
    # Each participant has a card on board A (say, written before they changed group).
    cards = {
        role: services.card_create(
            board=group.board, text=f"Karte von {role}", client_uuid=_uuid(i), participant=p
        )[0]
        for i, (role, p) in enumerate(participants.items())
    }
    return {
        "facilitator": facilitator,
        "workshop": workshop,
        "board": group.board,
        "participants": participants,
        "cards": cards,
    }


def _uuid(i):
    return uuid.UUID(int=i + 1)


def put_in_state(world, state) -> Board:
    board, user = world["board"], world["facilitator"]
    if state in {"locked", "voting_locked"}:
        services.board_configure(board=board, locked=True)
    if state == "workshop_closed":
        workshop_close(workshop=world["workshop"])
    if state.startswith("voting"):
        voting = services.voting_start(board=board, user=user)
        if state == "voting_closed":
            services.voting_close(voting=voting, user=user)
    return Board.objects.select_related("group", "workshop").get(pk=board.pk)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_wall_permission_matrix(world, role, state):
    board = put_in_state(world, state)
    participant = world["participants"].get(role)
    card = world["cards"].get(role) or Card.objects.filter(board=board).first()
    card = Card.objects.select_related("board__group", "board__workshop").get(pk=card.pk)
    add, change, vote = MEMBER[state] if role == "participant_same_group" else (False,) * 3
    assert permissions.can_add_card(participant, board) is add
    assert permissions.can_change_own_card(participant, card) is change
    assert permissions.can_vote(participant, board) is vote
    # Facilitators act through their own role, in every state; nobody else has it.
    user = world["facilitator"] if role == "facilitator" else AnonymousUser()
    assert workshop_permissions.is_facilitator(user, board.workshop) is (role == "facilitator")


def test_nobody_without_a_participant(world):
    board, card = world["board"], next(iter(world["cards"].values()))
    services.voting_start(board=board, user=world["facilitator"])
    assert permissions.can_add_card(None, board) is False
    assert permissions.can_change_own_card(None, card) is False
    assert permissions.can_vote(None, board) is False


def test_a_member_changes_only_their_own_cards(world):
    board = world["board"]
    kim = world["participants"]["participant_same_group"]
    lou = ParticipantFactory(group=board.group)
    kims = world["cards"]["participant_same_group"]
    facilitators = services.card_create(
        board=board, text="Von der Moderation", client_uuid=_uuid(99), user=world["facilitator"]
    )[0]
    assert permissions.can_change_own_card(kim, kims) is True
    assert permissions.can_change_own_card(lou, kims) is False
    assert permissions.can_change_own_card(kim, facilitators) is False


def test_a_member_who_moved_group_loses_the_old_board(world):
    kim = world["participants"]["participant_same_group"]
    kim.group = world["participants"]["participant_other_group"].group
    kim.save()
    board = world["board"]
    services.voting_start(board=board, user=world["facilitator"])
    assert permissions.can_add_card(kim, board) is False
    assert permissions.can_change_own_card(kim, world["cards"]["participant_same_group"]) is False
    assert permissions.can_vote(kim, board) is False


def test_voting_on_another_board_does_not_open_this_one(world):
    kim = world["participants"]["participant_same_group"]
    other_board = world["participants"]["participant_other_group"].group.board
    services.voting_start(board=other_board, user=world["facilitator"])
    assert permissions.can_vote(kim, world["board"]) is False
