"""The permission matrix: role x workshop state, for the predicates views and sockets share."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from boards import permissions as board_permissions
from tests.factories import BreakoutGroupFactory, ParticipantFactory, UserFactory, WorkshopFactory
from workshop import permissions
from workshop.services import workshop_close

ROLES = [
    "facilitator",
    "co_facilitator",
    "other_user",
    "participant_same_group",
    "participant_other_group",
    "participant_other_workshop",
    "anonymous",
]

# role -> (may see the board of group A, may add a card there while open, facilitates)
EXPECTED = {
    "facilitator": (True, True, True),
    "co_facilitator": (True, True, True),
    "other_user": (False, False, False),
    "participant_same_group": (True, True, False),
    "participant_other_group": (False, False, False),
    "participant_other_workshop": (False, False, False),
    "anonymous": (False, False, False),
}


@pytest.fixture
def world(db):
    facilitator = UserFactory()
    workshop = WorkshopFactory(facilitator=facilitator)
    group = BreakoutGroupFactory(workshop=workshop, name="A")
    other_group = BreakoutGroupFactory(workshop=workshop, name="B")
    elsewhere = BreakoutGroupFactory(name="A")  # same name, other workshop
    co = UserFactory()
    workshop.facilitators.add(co)
    return {
        "workshop": workshop,
        "group": group,
        "users": {
            "facilitator": facilitator,
            "co_facilitator": co,
            "other_user": elsewhere.workshop.facilitators.get(),
            "participant_same_group": AnonymousUser(),
            "participant_other_group": AnonymousUser(),
            "participant_other_workshop": AnonymousUser(),
            "anonymous": AnonymousUser(),
        },
        "participants": {
            "participant_same_group": ParticipantFactory(group=group),
            "participant_other_group": ParticipantFactory(group=other_group),
            "participant_other_workshop": ParticipantFactory(group=elsewhere),
        },
    }


def may_view(world, role) -> bool:
    user, participant = world["users"][role], world["participants"].get(role)
    return permissions.is_facilitator(user, world["workshop"]) or permissions.can_view_group(
        participant, world["group"]
    )


def may_add(world, role) -> bool:
    user, participant = world["users"][role], world["participants"].get(role)
    return permissions.is_facilitator(user, world["workshop"]) or board_permissions.can_add_card(
        participant, world["group"].board
    )


@pytest.mark.parametrize("state", ["open", "closed"])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(world, role, state):
    if state == "closed":
        workshop_close(workshop=world["workshop"])
        world["group"].workshop.refresh_from_db()
        world["group"].board.workshop.refresh_from_db()
    view, add, facilitates = EXPECTED[role]
    if state == "closed" and role.startswith("participant"):
        add = False  # a closed workshop is read-only for participants
    assert permissions.is_facilitator(world["users"][role], world["workshop"]) is facilitates
    assert may_view(world, role) is view
    assert may_add(world, role) is add
    participant = world["participants"].get(role)
    assert board_permissions.can_add_card(participant, world["group"].board) is (
        role == "participant_same_group" and state == "open"
    )


@pytest.mark.parametrize("state", ["open", "closed"])
def test_can_join_only_while_open(world, state):
    if state == "closed":
        workshop_close(workshop=world["workshop"])
    assert permissions.can_join(world["workshop"]) is (state == "open")


def test_nobody_is_facilitator_without_a_user(world):
    assert permissions.is_facilitator(None, world["workshop"]) is False
    assert permissions.can_view_group(None, world["group"]) is False
    assert board_permissions.can_add_card(None, world["group"].board) is False


def test_participant_moved_to_another_group_loses_the_old_board(world):
    participant = world["participants"]["participant_same_group"]
    participant.group = world["participants"]["participant_other_group"].group
    participant.save()
    assert permissions.can_view_group(participant, world["group"]) is False


def test_participant_without_group_sees_no_board(world):
    participant = world["participants"]["participant_same_group"]
    participant.group.delete()
    participant.refresh_from_db()
    assert participant.group is None
    assert (
        permissions.can_view_group(
            participant, world["participants"]["participant_other_group"].group
        )
        is False
    )
