"""The views "Use as template" and "Import a workshop": who may, where they lead, what a
refused file shows and stores."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from boards.exports import export
from boards.models import Card
from tests.factories import UserFactory
from workshop.models import BreakoutGroup, Participant, Phase, Workshop

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "werkstatt.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def stored() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Workshop, BreakoutGroup, Participant, Phase, Card))


@pytest.fixture
def stranger_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="fremd"))
    return client


def test_use_as_template_creates_the_copy_and_opens_its_console(
    facilitator_client, facilitator, workshop, group_a
):
    response = facilitator_client.post(reverse("workshop:template", args=[workshop.pk]))
    new = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/{new.pk}/"
    assert list(new.facilitators.all()) == [facilitator]
    assert list(new.groups.values_list("name", "question")) == [(group_a.name, group_a.question)]
    page = facilitator_client.get(response["Location"])
    assert page.status_code == 200


def test_use_as_template_is_a_post_only(facilitator_client, workshop):
    response = facilitator_client.get(reverse("workshop:template", args=[workshop.pk]))
    assert response.status_code == 405
    assert Workshop.objects.count() == 1


def test_use_as_template_is_404_for_someone_elses_workshop_and_odd_ids(stranger_client, workshop):
    before = stored()
    assert stranger_client.post(f"/w/{workshop.pk}/template/").status_code == 404
    assert stranger_client.post("/w/0/template/").status_code == 404
    assert stranger_client.post(f"/w/{2**63}/template/").status_code == 404
    assert stored() == before


def test_use_as_template_sends_a_stranger_to_the_login(workshop):
    response = Client().post(reverse("workshop:template", args=[workshop.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Workshop.objects.count() == 1


def test_the_import_page_shows_a_file_form(stranger_client):
    response = stranger_client.get(reverse("workshop:import"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file"' in body


def test_importing_a_file_creates_the_workshop_and_opens_its_console(stranger_client, workshop):
    data = export(workshop, "json")
    response = stranger_client.post(reverse("workshop:import"), {"file": upload(data)})
    new = Workshop.objects.exclude(pk=workshop.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/{new.pk}/"
    assert new.title == workshop.title
    assert new.facilitators.get().username == "fremd"


def test_a_refused_file_shows_the_reason_on_the_form_and_stores_nothing(stranger_client, workshop):
    newer = json.loads(export(workshop, "json")) | {"version": 7}
    before = stored()
    cookie = {"django_language": "en"}
    stranger_client.cookies.load(cookie)
    broken = stranger_client.post(reverse("workshop:import"), {"file": upload(b"{nope")})
    assert broken.status_code == 400
    assert "This file is not a readable JSON file." in broken.content.decode()
    later = stranger_client.post(
        reverse("workshop:import"), {"file": upload(json.dumps(newer).encode())}
    )
    assert later.status_code == 400
    assert "newer version of Stellwand (format version 7)" in later.content.decode()
    empty = stranger_client.post(reverse("workshop:import"), {})
    assert empty.status_code == 400
    assert "Please choose a file." in empty.content.decode()
    assert stored() == before


def test_the_import_sends_a_stranger_to_the_login(workshop):
    before = stored()
    response = Client().post(reverse("workshop:import"), {"file": upload(export(workshop, "json"))})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert stored() == before
