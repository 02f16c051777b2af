"""Data protection: deleting a workshop takes everything with it; cleanup deletes what is old;
a removed participant keeps no name; undo reaches back a day, then deleted cards go for good."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from boards import services
from boards.models import Card, ModerationStep, Vote
from boards.services.retention import deleted_on, expired, purge_deleted_cards
from tests.boards.wall import add
from tests.factories import UserFactory, WorkshopFactory
from workshop import live
from workshop.models import Participant, Workshop
from workshop.services import SESSION_KEY, participant_remove


@pytest.fixture
def full(workshop, board_a, board_b, joined_client, facilitator):
    phone, kim = joined_client(board_a.group, "Kim")
    add(board_a, "Mehr Radwege", participant=kim)
    voting = services.voting_start(board=board_a, user=facilitator)
    services.vote_cast(voting=voting, participant=kim, card=Card.objects.get(text="Mehr Radwege"))
    return phone, kim


def test_the_confirmation_names_what_goes_and_deleting_takes_everything(
    facilitator_client, workshop, full, other_workshop, sent, django_capture_on_commit_callbacks
):
    _phone, kim = full
    page = facilitator_client.get(reverse("workshop:delete", args=[workshop.pk]))
    text = page.content.decode()
    assert "1 Karte" in text or "1 card" in text
    assert "1 Punkt" in text or "1 dot" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = facilitator_client.post(
            reverse("workshop:delete", args=[workshop.pk]), {"confirm": "yes"}
        )
    assert response.status_code == 302
    assert not Workshop.objects.filter(pk=workshop.pk).exists()
    assert not Card.objects.filter(text="Mehr Radwege").exists()
    assert not Vote.objects.exists()
    assert not Participant.objects.filter(pk=kim.pk).exists()
    assert not ModerationStep.objects.filter(board__workshop_id=workshop.pk).exists()
    assert Workshop.objects.filter(pk=other_workshop.pk).exists()
    # The phone's session no longer names the workshop.
    for session in Session.objects.all():
        assert str(workshop.pk) not in (session.get_decoded().get(SESSION_KEY) or {})
    # Every socket of it was closed at once, with its own code.
    closes = [(g, m) for g, m in sent if m.get("type") == "socket.close"]
    groups = {g for g, m in closes if m["code"] == live.CLOSE_WORKSHOP_DELETED}
    assert live.participant_group(kim.pk) in groups
    assert live.workshop_group(workshop.pk, live.Audience.PROJECTOR) in groups


def test_without_the_confirmation_nothing_goes(facilitator_client, workshop, full):
    facilitator_client.post(reverse("workshop:delete", args=[workshop.pk]), {})
    assert Workshop.objects.filter(pk=workshop.pk).exists()


def test_an_organiser_may_delete_a_participant_or_stranger_may_not(workshop, full):
    phone, _kim = full
    stranger = Client()
    stranger.force_login(UserFactory(username="fremd"))
    for client in (phone, stranger):
        response = client.post(reverse("workshop:delete", args=[workshop.pk]), {"confirm": "yes"})
        assert response.status_code in (302, 404)
        assert Workshop.objects.filter(pk=workshop.pk).exists()
    organiser = UserFactory(username="olivia")
    workshop.organisers.add(organiser)
    client = Client()
    client.force_login(organiser)
    client.post(reverse("workshop:delete", args=[workshop.pk]), {"confirm": "yes"})
    assert not Workshop.objects.filter(pk=workshop.pk).exists()


def test_cleanup_deletes_workshops_past_the_retention_period_only(db, settings):
    settings.STELLWAND_RETENTION_DAYS = 90
    now = timezone.now()
    old_closed = WorkshopFactory(title="Alt, beendet")
    Workshop.objects.filter(pk=old_closed.pk).update(closed_at=now - datetime.timedelta(days=91))
    WorkshopFactory(title="Alt, datiert", date=(now - datetime.timedelta(days=120)).date())
    recent = WorkshopFactory(title="Neu", date=(now - datetime.timedelta(days=10)).date())
    idle = WorkshopFactory(title="Ohne Datum")
    Workshop.objects.filter(pk=idle.pk).update(updated_at=now - datetime.timedelta(days=100))
    reopened = WorkshopFactory(
        title="Wieder offen", date=(now - datetime.timedelta(days=200)).date()
    )
    Workshop.objects.filter(pk=reopened.pk).update(closed_at=now - datetime.timedelta(days=5))
    assert {w.title for w in expired()} == {"Alt, beendet", "Alt, datiert", "Ohne Datum"}
    out = io.StringIO()
    call_command("cleanup", "--dry-run", stdout=out)
    assert Workshop.objects.count() == 5
    call_command("cleanup", stdout=out)
    assert set(Workshop.objects.values_list("title", flat=True)) == {"Neu", "Wieder offen"}
    call_command("cleanup", stdout=out)  # safe to run again
    assert Workshop.objects.count() == 2
    assert deleted_on(recent) == (now - datetime.timedelta(days=10)).date() + datetime.timedelta(
        days=91
    )


def test_a_removed_participant_keeps_no_name(workshop, group_a, joined_client):
    _phone, kim = joined_client(group_a, "Kim")
    Participant.objects.filter(pk=kim.pk).update(named_in_summary=True)
    participant_remove(participant=Participant.objects.get(pk=kim.pk))
    kim = Participant.objects.get(pk=kim.pk)
    assert kim.display_name == ""
    assert not kim.named_in_summary


def test_undo_reaches_back_a_day_then_deleted_cards_go_for_good(board_a, facilitator):
    card = add(board_a, "Wird gelöscht")
    services.card_delete(card=card, user=facilitator, version=card.version)
    # A day and an hour later:
    ModerationStep.objects.filter(board=board_a).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    Card.objects.filter(pk=card.pk).update(deleted_at=timezone.now() - datetime.timedelta(hours=25))
    with pytest.raises(ValidationError, match=r"nothing to undo|nichts rückgängig"):
        services.moderation_undo(board=board_a, user=facilitator)
    assert purge_deleted_cards() == 1
    assert not Card.objects.filter(pk=card.pk).exists()


def test_the_export_page_says_when_the_workshop_will_be_deleted(facilitator_client, workshop):
    page = facilitator_client.get(reverse("workshop:results", args=[workshop.pk]))
    assert reverse("workshop:delete", args=[workshop.pk]) in page.content.decode()
    day = date_format(deleted_on(workshop), "DATE_FORMAT")
    assert f"Stellwand löscht diesen Workshop mit allem, was dazugehört, am {day}" in (
        page.content.decode()
    )


def test_cleanup_deletes_login_records_past_their_days_only(db, settings):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    settings.STELLWAND_LOGIN_RECORD_DAYS = 7
    now = timezone.now()
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        for days in (8, 6):
            extra = {"failures_since_start": 1} if model is AccessAttempt else {}
            record = model.objects.create(
                username=f"{model.__name__}-{days}",
                ip_address="192.0.2.7",
                user_agent="Test",
                **extra,
            )
            model.objects.filter(pk=record.pk).update(
                attempt_time=now - datetime.timedelta(days=days)
            )
    out = io.StringIO()
    call_command("cleanup", "--dry-run", stdout=out)
    assert AccessLog.objects.count() == 2
    call_command("cleanup", stdout=out)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        assert list(model.objects.values_list("username", flat=True)) == [f"{model.__name__}-6"]
    assert "3 login record(s)" in out.getvalue()
