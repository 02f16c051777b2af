"""The facilitators manage people: remove a participant, rename one, close joining."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.db import transaction

from tests.factories import ParticipantFactory
from workshop import live, services
from workshop.models import Participant


def fresh_session() -> SessionStore:
    session = SessionStore()
    session.create()
    return session


def join(group, name="Kim", session=None):
    session = session or fresh_session()
    participant = services.participant_join(
        session=session, workshop=group.workshop, group=group, display_name=name
    )
    return session, participant


# participant_remove -------------------------------------------------------------------------


def test_remove_closes_their_sockets_and_only_theirs(
    group_a, sent, django_capture_on_commit_callbacks
):
    _session, kim = join(group_a, "Kim")
    _other, lou = join(group_a, "Lou")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_remove(participant=kim)
    closes = [(g, m) for g, m in sent if m["type"] == "socket.close"]
    assert closes == [
        (live.participant_group(kim.pk), {"type": "socket.close", "code": live.CLOSE_REMOVED})
    ]
    assert live.participant_group(lou.pk) not in [g for g, _m in sent]
    # The consoles' head counts follow.
    counts = [g for g, m in sent if m["type"] == "board.fragment"]
    assert counts
    assert all(g.startswith(f"workshop.{group_a.workshop.pk}.facilitators.") for g in counts)
    assert group_a.workshop.participant_counts() == {group_a.pk: 1}


def test_removed_participants_session_opens_nothing_and_cannot_rejoin(group_a, group_b):
    session, kim = join(group_a, "Kim")
    services.participant_remove(participant=kim)
    workshop = group_a.workshop
    assert services.participant_for_session(session, workshop) is None
    assert services.session_was_removed(session, workshop) is True
    with pytest.raises(ValidationError):
        services.participant_join(session=session, workshop=workshop, group=group_b)
    assert Participant.objects.filter(workshop=workshop).count() == 1
    assert Participant.objects.get().removed_at is not None


def test_removed_flag_does_not_leak_into_another_session(group_a):
    _session, kim = join(group_a, "Kim")
    services.participant_remove(participant=kim)
    other = fresh_session()
    assert services.session_was_removed(other, group_a.workshop) is False
    _again, newcomer = join(group_a, "Neu", session=other)
    assert newcomer.pk != kim.pk


def test_removed_in_one_workshop_is_still_in_another(group_a, other_group):
    session, kim = join(group_a, "Kim")
    _same, elsewhere = join(other_group, "Kim", session=session)
    services.participant_remove(participant=kim)
    assert services.participant_for_session(session, other_group.workshop) == elsewhere
    assert services.session_was_removed(session, other_group.workshop) is False


def test_remove_rolled_back_closes_nothing(group_a, sent, django_capture_on_commit_callbacks):
    _session, kim = join(group_a, "Kim")
    sent.clear()

    class Boom(Exception):
        pass

    def remove_then_fail():
        with transaction.atomic():
            services.participant_remove(participant=kim)
            raise Boom

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom):
        remove_then_fail()
    assert sent == []
    assert Participant.objects.get(pk=kim.pk).removed_at is None


# participant_rename -------------------------------------------------------------------------


def test_rename_replaces_the_name(group_a):
    kim = ParticipantFactory(group=group_a, display_name="Beleidigung", named_in_summary=True)
    services.participant_rename(participant=kim, display_name="  Kim\x00 ")
    kim.refresh_from_db()
    assert kim.display_name == "Kim"
    assert kim.named_in_summary is True


def test_rename_to_nothing_makes_them_anonymous(group_a):
    kim = ParticipantFactory(group=group_a, display_name="Beleidigung", named_in_summary=True)
    services.participant_rename(participant=kim, display_name="   ")
    kim.refresh_from_db()
    assert kim.display_name == ""
    assert kim.named_in_summary is False  # nobody is named in the summary without a name
    assert str(kim) == "anonym"


def test_rename_refuses_a_name_that_is_too_long(group_a):
    kim = ParticipantFactory(group=group_a, display_name="Kim")
    with pytest.raises(ValidationError):
        services.participant_rename(participant=kim, display_name="x" * 41)
    kim.refresh_from_db()
    assert kim.display_name == "Kim"


# joining_set --------------------------------------------------------------------------------


def test_closed_joining_refuses_newcomers_and_keeps_who_is_in(group_a, group_b):
    session, kim = join(group_a, "Kim")
    workshop = group_a.workshop
    services.joining_set(workshop=workshop, is_open=False)
    workshop.refresh_from_db()
    assert workshop.joining_open is False
    with pytest.raises(ValidationError):
        join(group_a, "Neu")
    assert Participant.objects.filter(workshop=workshop).count() == 1
    # Kim is still in, and may even change group.
    assert services.participant_for_session(session, workshop) == kim
    again = services.participant_join(session=session, workshop=workshop, group=group_b)
    assert again.pk == kim.pk
    assert again.group == group_b
    services.joining_set(workshop=workshop, is_open=True)
    workshop.refresh_from_db()
    _new_session, newcomer = join(group_a, "Neu")
    assert newcomer.pk != kim.pk
