"""Breakouts through the services: assignment modes, the largest group size, moves."""

from __future__ import annotations

import threading

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import translation

from boards.permissions import Refused
from boards.services.breakouts import breakouts_configure, group_change, participant_move
from tests.factories import BreakoutGroupFactory, ParticipantFactory
from workshop import live
from workshop.models import Assignment, Participant, Phase
from workshop.permissions import Actor
from workshop.services import participant_join


def join(workshop, group=None, name="") -> Participant:
    session = SessionStore()
    return participant_join(session=session, workshop=workshop, group=group, display_name=name)


def configure(workshop, facilitator, assignment, max_group_size=None):
    return breakouts_configure(
        actor=Actor.facilitator(facilitator),
        workshop=workshop,
        assignment=assignment,
        max_group_size=max_group_size,
    )


def sizes(workshop) -> list[int]:
    counts = workshop.participant_counts()
    return [counts.get(g.pk, 0) for g in workshop.groups.all()]


def navigations(sent) -> dict[str, list[str]]:
    """{channel group: [html]} of every navigation push."""
    out: dict[str, list[str]] = {}
    for group, message in sent:
        if message["type"] == "socket.navigate":
            out.setdefault(group, []).append(message["html"])
    return out


@pytest.fixture
def group_c(workshop):
    return BreakoutGroupFactory(workshop=workshop, name="Verwaltung")


# random, balanced ----------------------------------------------------------------------------


def test_random_joins_stay_balanced_across_thirty_people(
    workshop, facilitator, group_a, group_b, group_c
):
    configure(workshop, facilitator, Assignment.RANDOM)
    for n in range(30):
        join(workshop, name=f"P{n}")
        assert max(sizes(workshop)) - min(sizes(workshop)) <= 1
    assert sizes(workshop) == [10, 10, 10]


def test_random_fills_the_emptiest_group_first_ties_by_position(
    workshop, facilitator, group_a, group_b, group_c
):
    configure(workshop, facilitator, Assignment.RANDOM)
    ParticipantFactory(group=group_a)
    ParticipantFactory(group=group_a)
    ParticipantFactory(group=group_c)
    assert join(workshop).group == group_b  # empty
    assert join(workshop).group == group_b  # tied with Verwaltung at 1, comes first
    assert join(workshop).group == group_c


def test_random_ignores_a_chosen_group(workshop, facilitator, group_a, group_b):
    configure(workshop, facilitator, Assignment.RANDOM)
    ParticipantFactory(group=group_a)
    assert join(workshop, group=group_a).group == group_b


def test_random_joining_again_keeps_the_group(workshop, facilitator, group_a, group_b):
    configure(workshop, facilitator, Assignment.RANDOM)
    session = SessionStore()
    first = participant_join(session=session, workshop=workshop)
    ParticipantFactory(group=group_b)
    ParticipantFactory(group=group_b)
    again = participant_join(session=session, workshop=workshop, display_name="Kim")
    assert again.pk == first.pk
    assert again.group == first.group == group_a


# the largest group size -----------------------------------------------------------------------


def test_random_picks_a_group_with_room_and_says_when_all_are_full(
    workshop, facilitator, group_a, group_b
):
    configure(workshop, facilitator, Assignment.RANDOM, max_group_size=1)
    assert {join(workshop).group, join(workshop).group} == {group_a, group_b}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        join(workshop)
    assert refused.value.messages == [
        "Every group is full. Please ask the facilitators to make room for you."
    ]
    assert workshop.participants.count() == 2


def test_a_full_group_refuses_a_self_chosen_join(workshop, facilitator, group_a, group_b):
    configure(workshop, facilitator, Assignment.SELF, max_group_size=2)
    join(workshop, group_a)
    join(workshop, group_a)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        join(workshop, group_a)
    assert refused.value.messages == ["The group “Mobilität” is full. Please choose another."]
    assert join(workshop, group_b).group == group_b
    assert sizes(workshop) == [2, 1]


def test_a_member_of_a_full_group_may_join_it_again(workshop, facilitator, group_a):
    configure(workshop, facilitator, Assignment.SELF, max_group_size=1)
    session = SessionStore()
    participant_join(session=session, workshop=workshop, group=group_a)
    again = participant_join(session=session, workshop=workshop, group=group_a, display_name="K")
    assert again.group == group_a


def test_no_limit_when_the_size_is_emptied(workshop, facilitator, group_a):
    configure(workshop, facilitator, Assignment.SELF, max_group_size=1)
    join(workshop, group_a)
    configure(workshop, facilitator, Assignment.SELF, max_group_size=None)
    join(workshop, group_a)
    assert workshop.max_group_size is None
    assert sizes(workshop) == [2]


# assigned by the facilitators -----------------------------------------------------------------


def test_facilitator_mode_joins_without_a_group_until_assigned(
    workshop, facilitator, group_a, group_b, sent, django_capture_on_commit_callbacks
):
    configure(workshop, facilitator, Assignment.FACILITATOR)
    waiting = join(workshop, group_a, name="Kim")  # a chosen group counts for nothing
    assert waiting.group is None
    with django_capture_on_commit_callbacks(execute=True):
        moved = participant_move(
            actor=Actor.facilitator(facilitator), participant=waiting, group=group_b
        )
    assert Participant.objects.get(pk=waiting.pk).group == group_b
    assert moved.group == group_b
    # The waiting phone (and only it) is sent to its group's wall.
    assert navigations(sent) == {
        live.participant_group(waiting.pk): [
            f'<template data-navigate="/b/{group_b.board.pk}/"></template>'
        ]
    }


def test_switching_to_random_places_everyone_still_waiting(
    workshop, facilitator, group_a, group_b, sent, django_capture_on_commit_callbacks
):
    configure(workshop, facilitator, Assignment.FACILITATOR)
    kim, lou = join(workshop), join(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        configure(workshop, facilitator, Assignment.RANDOM)
    kim.refresh_from_db()
    lou.refresh_from_db()
    assert {kim.group, lou.group} == {group_a, group_b}
    assert set(navigations(sent)) == {live.participant_group(p.pk) for p in (kim, lou)}


def test_switching_to_self_chosen_sends_the_waiting_to_the_join_form(
    workshop, facilitator, group_a, sent, django_capture_on_commit_callbacks
):
    configure(workshop, facilitator, Assignment.FACILITATOR)
    kim = join(workshop)
    with django_capture_on_commit_callbacks(execute=True):
        configure(workshop, facilitator, Assignment.SELF)
    kim.refresh_from_db()
    assert kim.group is None
    assert navigations(sent) == {
        live.participant_group(kim.pk): [
            f'<template data-navigate="/j/{workshop.join_code}/"></template>'
        ]
    }


def test_only_facilitators_configure_the_assignment(workshop, group_a):
    kim = join(workshop, group_a)
    with pytest.raises(Refused):
        breakouts_configure(
            actor=Actor.of(kim), workshop=workshop, assignment="random", max_group_size=None
        )
    workshop.refresh_from_db()
    assert workshop.assignment == Assignment.SELF


# the facilitator moves someone -----------------------------------------------------------------


def test_a_move_changes_the_group_and_sends_only_that_phone_on(
    workshop, facilitator, group_a, group_b, sent, django_capture_on_commit_callbacks
):
    kim, lou = join(workshop, group_a, "Kim"), join(workshop, group_a, "Lou")
    with django_capture_on_commit_callbacks(execute=True):
        participant_move(actor=Actor.facilitator(facilitator), participant=kim, group=group_b)
    kim.refresh_from_db()
    lou.refresh_from_db()
    assert (kim.group, lou.group) == (group_b, group_a)
    assert list(navigations(sent)) == [live.participant_group(kim.pk)]
    # The consoles get the new counts and the participants panel with it.
    console = live.workshop_group(workshop.pk, live.Audience.FACILITATORS, "de")
    pushed = [m["html"] for g, m in sent if g == console]
    assert len(pushed) == 1
    assert 'id="people-panel"' in pushed[0]
    assert f'id="group-{group_b.pk}-count"' in pushed[0]


def test_a_move_into_a_full_group_is_refused(workshop, facilitator, group_a, group_b):
    configure(workshop, facilitator, Assignment.SELF, max_group_size=1)
    kim, _lou = join(workshop, group_a), join(workshop, group_b)
    with pytest.raises(ValidationError):
        participant_move(actor=Actor.facilitator(facilitator), participant=kim, group=group_b)
    kim.refresh_from_db()
    assert kim.group == group_a


def test_a_move_to_another_workshops_group_is_refused(workshop, facilitator, group_a, other_group):
    kim = join(workshop, group_a)
    with pytest.raises(ValidationError):
        participant_move(actor=Actor.facilitator(facilitator), participant=kim, group=other_group)
    kim.refresh_from_db()
    assert kim.group == group_a


def test_a_participant_cannot_move_someone(workshop, group_a, group_b):
    kim, lou = join(workshop, group_a), join(workshop, group_a)
    with pytest.raises(Refused):
        participant_move(actor=Actor.of(kim), participant=lou, group=group_b)
    lou.refresh_from_db()
    assert lou.group == group_a


def test_a_removed_participant_is_not_moved(workshop, facilitator, group_a, group_b):
    from workshop.services import participant_remove

    kim = join(workshop, group_a)
    participant_remove(participant=kim)
    with pytest.raises(ValidationError):
        participant_move(actor=Actor.facilitator(facilitator), participant=kim, group=group_b)


# changing group from the phone ---------------------------------------------------------------


def test_a_participant_changes_group_where_they_choose(
    workshop, group_a, group_b, sent, django_capture_on_commit_callbacks
):
    kim = join(workshop, group_a)
    with django_capture_on_commit_callbacks(execute=True):
        group_change(actor=Actor.of(kim), group=group_b)
    kim.refresh_from_db()
    assert kim.group == group_b
    # Their other pages (another tab) follow too.
    assert list(navigations(sent)) == [live.participant_group(kim.pk)]


@pytest.mark.parametrize("assignment", [Assignment.RANDOM, Assignment.FACILITATOR])
def test_changing_group_is_refused_unless_self_chosen(
    workshop, facilitator, group_a, group_b, assignment
):
    kim = join(workshop, group_a)
    configure(workshop, facilitator, assignment)
    with translation.override("en"), pytest.raises(Refused) as refused:
        group_change(actor=Actor.of(kim), group=group_b)
    assert refused.value.message == "The facilitators assign the groups in this workshop."
    kim.refresh_from_db()
    assert kim.group == group_a


def test_changing_group_is_refused_while_dots_are_placed(workshop, group_a, group_b):
    kim = join(workshop, group_a)
    workshop.current_phase = workshop.phases.filter(allows=Phase.Allows.VOTE).first()
    workshop.save()
    with translation.override("en"), pytest.raises(Refused) as refused:
        group_change(actor=Actor.of(Participant.objects.get(pk=kim.pk)), group=group_b)
    assert refused.value.message == "Groups cannot be changed while the dots are being placed."
    kim.refresh_from_db()
    assert kim.group == group_a


def test_changing_into_a_full_group_is_refused(workshop, facilitator, group_a, group_b):
    configure(workshop, facilitator, Assignment.SELF, max_group_size=1)
    kim, _lou = join(workshop, group_a), join(workshop, group_b)
    with pytest.raises(ValidationError):
        group_change(actor=Actor.of(kim), group=group_b)
    kim.refresh_from_db()
    assert kim.group == group_a


# at once ------------------------------------------------------------------------------------


def join_at_once(workshop, n) -> list[object]:
    """`n` phones press "Join" at the same moment; what each got (a participant or an error)."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = join(workshop)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_random_joins_at_once_stay_balanced(workshop, facilitator, group_a, group_b, group_c):
    configure(workshop, facilitator, Assignment.RANDOM)
    results = join_at_once(workshop, 12)
    assert all(isinstance(r, Participant) for r in results), results
    assert sizes(workshop) == [4, 4, 4]


@pytest.mark.django_db(transaction=True)
def test_joins_at_once_never_overfill_a_group(workshop, facilitator, group_a, group_b):
    configure(workshop, facilitator, Assignment.RANDOM, max_group_size=2)
    results = join_at_once(workshop, 6)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 2
    assert all(isinstance(r, ValidationError) for r in refused), refused
    assert sizes(workshop) == [2, 2]
