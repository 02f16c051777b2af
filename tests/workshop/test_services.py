"""Who/when services: creating and finding workshops, joining, co-facilitation, access links."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import BreakoutGroupFactory, ParticipantFactory, UserFactory, WorkshopFactory
from workshop import live, services
from workshop.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Participant, Workshop
from workshop.permissions import is_facilitator
from workshop.text import clean_text

LOOK_ALIKES = set("0O1IL2Z5S8B")


def fresh_session() -> SessionStore:
    session = SessionStore()
    session.create()
    return session


# workshop_create ------------------------------------------------------------------------------


def test_workshop_create_makes_creator_facilitator(db):
    user = UserFactory()
    workshop = services.workshop_create(user=user, title="  Zukunft\x00 der Innenstadt ")
    workshop.refresh_from_db()
    assert workshop.title == "Zukunft der Innenstadt"
    assert list(workshop.facilitators.all()) == [user]
    assert workshop.created_by == user
    assert is_facilitator(user, workshop)


def test_workshop_create_join_codes_use_the_alphabet_without_look_alikes(db):
    user = UserFactory()
    assert not LOOK_ALIKES & set(JOIN_CODE_ALPHABET)
    codes = {services.workshop_create(user=user, title=f"W{i}").join_code for i in range(40)}
    assert len(codes) == 40  # all different
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)
        assert not set(code) & LOOK_ALIKES


def test_workshop_create_draws_again_on_a_join_code_collision(db, monkeypatch):
    user = UserFactory()
    WorkshopFactory(join_code="AAAAAA")
    # The first two draws hit the taken code, the third is free.
    chars = iter("AAAAAAAAAAAACCCCCC")
    monkeypatch.setattr("workshop.models.secrets.choice", lambda alphabet: next(chars))
    workshop = services.workshop_create(user=user, title="Kollision")
    assert workshop.join_code == "CCCCCC"
    assert Workshop.objects.filter(title="Kollision").count() == 1


def test_workshop_create_refuses_an_empty_title(db):
    with pytest.raises(ValidationError):
        services.workshop_create(user=UserFactory(), title=" \x00 ")
    assert not Workshop.objects.exists()


# workshop_by_code ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["K7HMQA", "k7hmqa", " k7h mqa ", "K7H-MQA", "k7h\u2013mqa", "k 7 h-m q a"]
)
def test_workshop_by_code_forgives_case_spaces_and_dashes(db, typed):
    workshop = WorkshopFactory(join_code="K7HMQA")
    assert services.workshop_by_code(typed) == workshop


@pytest.mark.parametrize("typed", ["K7HMQX", "", "   ", "K7HMQ", "K7HMQAA"])
def test_workshop_by_code_unknown_code_finds_nothing(db, typed):
    WorkshopFactory(join_code="K7HMQA")
    assert services.workshop_by_code(typed) is None


# participant_join ---------------------------------------------------------------------------


def test_participant_join_stores_participant_in_session(group_a):
    session = fresh_session()
    participant = services.participant_join(
        session=session,
        workshop=group_a.workshop,
        group=group_a,
        display_name=" Kim ",
        named_in_summary=True,
    )
    assert participant.group == group_a
    assert participant.display_name == "Kim"
    assert participant.named_in_summary is True
    assert services.participant_for_session(session, group_a.workshop) == participant


def test_participant_join_again_from_same_session_is_same_participant(group_a, group_b):
    workshop = group_a.workshop
    session = fresh_session()
    first = services.participant_join(
        session=session, workshop=workshop, group=group_a, display_name="Kim"
    )
    again = services.participant_join(
        session=session, workshop=workshop, group=group_b, display_name="Kim B."
    )
    assert again.pk == first.pk
    assert Participant.objects.filter(workshop=workshop).count() == 1
    again.refresh_from_db()
    assert again.group == group_b
    assert again.display_name == "Kim B."


def test_participant_join_from_another_session_is_another_participant(group_a):
    workshop = group_a.workshop
    one = services.participant_join(session=fresh_session(), workshop=workshop, group=group_a)
    two = services.participant_join(session=fresh_session(), workshop=workshop, group=group_a)
    assert one.pk != two.pk
    assert Participant.objects.filter(workshop=workshop).count() == 2


def test_participant_join_rotates_the_session_key(group_a):
    session = fresh_session()
    before = session.session_key
    services.participant_join(session=session, workshop=group_a.workshop, group=group_a)
    session.save()
    assert session.session_key != before
    # The key seen before joining carries no participant.
    assert (
        services.participant_for_session(SessionStore(session_key=before), group_a.workshop) is None
    )
    assert (
        services.participant_for_session(
            SessionStore(session_key=session.session_key), group_a.workshop
        )
        is not None
    )


def test_participant_join_keeps_memberships_of_other_workshops(group_a, other_group):
    session = fresh_session()
    mine = services.participant_join(session=session, workshop=group_a.workshop, group=group_a)
    other = services.participant_join(
        session=session, workshop=other_group.workshop, group=other_group
    )
    assert services.participant_for_session(session, group_a.workshop) == mine
    assert services.participant_for_session(session, other_group.workshop) == other


@pytest.mark.parametrize("name", ["", "   ", "\x00\x07"])
def test_participant_join_anonymous_is_never_named_in_summary(group_a, name):
    participant = services.participant_join(
        session=fresh_session(),
        workshop=group_a.workshop,
        group=group_a,
        display_name=name,
        named_in_summary=True,
    )
    participant.refresh_from_db()
    assert participant.display_name == ""
    assert participant.named_in_summary is False


def test_participant_join_closed_workshop_refused(group_a):
    services.workshop_close(workshop=group_a.workshop)
    session = fresh_session()
    with pytest.raises(ValidationError) as excinfo, translation.override("de"):
        services.participant_join(session=session, workshop=group_a.workshop, group=group_a)
    assert excinfo.value.messages == ["Dieser Workshop ist beendet."]
    assert not Participant.objects.exists()
    assert services.SESSION_KEY not in session


def test_participant_join_group_of_another_workshop_refused(group_a, other_group):
    session = fresh_session()
    with pytest.raises(ValidationError):
        services.participant_join(session=session, workshop=group_a.workshop, group=other_group)
    assert not Participant.objects.exists()
    assert services.participant_for_session(session, group_a.workshop) is None


def test_participant_for_session_ignores_ids_of_another_workshop(group_a, other_group):
    stranger = ParticipantFactory(group=other_group)
    session = fresh_session()
    # A session that claims a participant id that belongs to another workshop gets nothing.
    session[services.SESSION_KEY] = {str(group_a.workshop.pk): stranger.pk}
    assert services.participant_for_session(session, group_a.workshop) is None


def test_participant_join_announces_group_counts_to_facilitators(
    group_a, group_b, sent, django_capture_on_commit_callbacks
):
    ParticipantFactory(group=group_b)
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_join(session=fresh_session(), workshop=group_a.workshop, group=group_a)
    pushed = dict(sent)
    workshop_id = group_a.workshop.pk
    assert set(pushed) == {
        live.workshop_group(workshop_id, live.Audience.FACILITATORS, "de"),
        live.workshop_group(workshop_id, live.Audience.FACILITATORS, "en"),
    }
    german = pushed[live.workshop_group(workshop_id, live.Audience.FACILITATORS, "de")]["html"]
    english = pushed[live.workshop_group(workshop_id, live.Audience.FACILITATORS, "en")]["html"]
    assert f'id="group-{group_a.pk}-count"' in german
    assert "2 Personen sind beigetreten." in german
    assert "2 participants have joined." in english


# facilitators ---------------------------------------------------------------------------------


def test_facilitator_add_existing_user(workshop):
    colleague = UserFactory(username="jonas")
    added = services.facilitator_add(workshop=workshop, username="  jonas ")
    assert added == colleague
    assert is_facilitator(colleague, workshop)


def test_facilitator_add_unknown_user_explains_why(workshop):
    with pytest.raises(ValidationError) as excinfo, translation.override("de"):
        services.facilitator_add(workshop=workshop, username=" niemand ")
    assert excinfo.value.messages == ["Es gibt keine:n Benutzer:in „niemand“."]
    assert workshop.facilitators.count() == 1


def test_facilitator_remove_co_facilitator(workshop, facilitator):
    colleague = UserFactory()
    workshop.facilitators.add(colleague)
    services.facilitator_remove(workshop=workshop, user=colleague)
    assert not is_facilitator(colleague, workshop)
    assert is_facilitator(facilitator, workshop)


def test_last_facilitator_cannot_leave(workshop, facilitator):
    with pytest.raises(ValidationError) as excinfo, translation.override("de"):
        services.facilitator_remove(workshop=workshop, user=facilitator)
    assert excinfo.value.messages == ["Ein Workshop braucht mindestens eine Moderation."]
    assert is_facilitator(facilitator, workshop)


# close, reopen, links ---------------------------------------------------------------------------


def test_workshop_close_and_reopen(workshop):
    services.workshop_close(workshop=workshop)
    workshop.refresh_from_db()
    assert workshop.is_closed
    services.workshop_reopen(workshop=workshop)
    workshop.refresh_from_db()
    assert not workshop.is_closed


def test_workshop_close_closes_every_participant_socket(
    group_a, group_b, sent, django_capture_on_commit_callbacks
):
    one = ParticipantFactory(group=group_a)
    two = ParticipantFactory(group=group_b)
    outsider = ParticipantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_close(workshop=group_a.workshop)
    close = {"type": "socket.close", "code": live.CLOSE_WORKSHOP_CLOSED}
    closed = [(group, message) for group, message in sent if message["type"] == "socket.close"]
    assert sorted(closed) == sorted(
        [(live.participant_group(one.pk), close), (live.participant_group(two.pk), close)]
    )
    assert (live.participant_group(outsider.pk), close) not in sent


def test_projector_link_revoke_issues_new_token_and_closes_screens(
    workshop, sent, django_capture_on_commit_callbacks
):
    old = workshop.projector_token
    with django_capture_on_commit_callbacks(execute=True):
        services.projector_link_revoke(workshop=workshop)
    workshop.refresh_from_db()
    assert workshop.projector_token != old
    assert len(workshop.projector_token) >= 32
    assert not Workshop.objects.filter(projector_token=old).exists()
    assert sent == [
        (
            live.workshop_group(workshop.pk, live.Audience.PROJECTOR),
            {"type": "socket.close", "code": live.CLOSE_PROJECTOR_REVOKED},
        )
    ]


def test_join_code_renew(workshop):
    old = workshop.join_code
    services.join_code_renew(workshop=workshop)
    workshop.refresh_from_db()
    assert workshop.join_code != old
    assert set(workshop.join_code) <= set(JOIN_CODE_ALPHABET)
    assert services.workshop_by_code(old) is None
    assert services.workshop_by_code(workshop.join_code) == workshop


# clean_text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Idee\x00mit NUL", "Ideemit NUL"),
        ("\x07Glocke\x1b[31m rot", "Glocke[31m rot"),
        ("  Leer  zeichen \t und\nZeilen  ", "Leer zeichen und Zeilen"),
        ("Straße, Öffnungszeiten, Ärger, Übermut", "Straße, Öffnungszeiten, Ärger, Übermut"),
        ("Radwege 🚲 und Bäume 🌳", "Radwege 🚲 und Bäume 🌳"),
        ("مرحبا بالعالم", "مرحبا بالعالم"),
        ("\u05e9\u05dc\u05d5\u05dd \u200f\u05e2\u05d5\u05dc\u05dd",) * 2,  # Hebrew, RLM
        ("a\u0308", "ä"),  # NFC
        ("\x85\x9f", ""),
        ("lone \ud800 surrogate", "lone surrogate"),
        # Nothing visible is empty: zero-width, combining marks alone, fillers.
        ("\u200b\u200c\u200d\u2060\ufeff", ""),
        ("\u0301\u0308\u20dd", ""),
        ("\u3164\u2800 \u115f", ""),
        ("\u202e\u2066", ""),
        ("\u200bIdee\u200d", "Idee"),
        # Bidi overrides and isolates are removed, marks inside the text stay.
        ("\u202eexe.png", "exe.png"),
        ("\u2066Kim\u2069 schreibt", "Kim schreibt"),
        ("Familie 👨\u200d👩\u200d👧", "Familie 👨\u200d👩\u200d👧"),
        ("Liebe ❤\ufe0f", "Liebe ❤\ufe0f"),
        ("Cafe\u0301", "Café"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_multiline_keeps_newlines_only():
    assert (
        clean_text("Zeile 1\r\nZeile 2\rZeile 3\x00", multiline=True) == "Zeile 1\nZeile 2\nZeile 3"
    )


@pytest.mark.django_db
def test_workshop_create_cleans_every_field():
    workshop = services.workshop_create(
        user=UserFactory(),
        title="Titel\x00",
        subtitle="Unter\x1ftitel",
        place="Lübeck\x08",
        description="Erste Zeile\x00\nZweite Zeile",
    )
    assert (workshop.title, workshop.subtitle, workshop.place) == ("Titel", "Untertitel", "Lübeck")
    assert workshop.description == "Erste Zeile\nZweite Zeile"


def test_group_factory_gives_every_group_a_board(db):
    group = BreakoutGroupFactory()
    assert group.board.workshop == group.workshop
