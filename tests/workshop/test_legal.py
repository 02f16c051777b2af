"""The legal pages: imprint, privacy notice, accessibility statement and taking part in easy read.

Every page a person uses links all four; the projector, a display nobody clicks, links none.
The operator's details come from settings, and a template directory of their own replaces ours.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import checks
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views import defaults

from boards.models import Board
from boards.services.retention import deleted_on
from tests.factories import BreakoutGroupFactory, CardFactory, WorkshopFactory
from tests.test_locale import DU_FORMS
from workshop.legal import PAGES
from workshop.models import Workshop
from workshop.services import workshop_close
from workshop.views import bad_request

LEGAL = [reverse(name) for name in ("imprint", "privacy", "accessibility", "easy-language")]
OPERATOR = {
    "name": "Stadt Musterstadt, Amt für Bürgerbeteiligung",
    "address": "Rathausplatz 1 | 12345 Musterstadt",
    "email": "beteiligung@musterstadt.example",
    "phone": "+49 123 456-0",
    "representative": "Oberbürgermeisterin Erika Mustermann",
    "responsible": "Max Muster, Rathausplatz 1, 12345 Musterstadt",
}


def links(body: str) -> set[str]:
    return set(re.findall(r'<a\b[^>]*\bhref="([^"]+)"', body))


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def assigned(facilitator) -> Workshop:
    """A workshop whose facilitators assign the groups: its phones wait."""
    other = WorkshopFactory(title="Zuteilung", facilitator=facilitator)
    Workshop.objects.filter(pk=other.pk).update(assignment="facilitator")
    BreakoutGroupFactory(workshop=other, name="Verkehr")
    return other


@pytest.fixture
def person_pages(workshop, group_a, assigned):
    """(who, url) of every page type a person uses, as they get there."""
    CardFactory(board=group_a.board, text="Karte")
    plenary = Board.objects.plenary().get(workshop=workshop)
    w = workshop.pk
    return [
        ("anon", reverse("home")),
        ("anon", reverse("home") + "?code=XXXXXX"),
        ("anon", reverse("login")),
        ("anon", reverse("join", args=[workshop.join_code])),
        ("anon", "/gibt-es-nicht/"),
        *[("anon", url) for url in LEGAL],
        ("participant", reverse("board", args=[group_a.board.pk])),
        ("participant", reverse("board", args=[plenary.pk])),
        ("waiting", reverse("join-wait", args=[assigned.join_code])),
        ("facilitator", reverse("workshop:dashboard")),
        ("facilitator", reverse("workshop:new")),
        ("facilitator", reverse("workshop:import")),
        ("facilitator", reverse("workshop:console", args=[w])),
        ("facilitator", reverse("workshop:board", args=[w, group_a.board.pk])),
        ("facilitator", reverse("workshop:settings", args=[w])),
        ("facilitator", reverse("workshop:edit", args=[w])),
        ("facilitator", reverse("workshop:agenda", args=[w])),
        ("facilitator", reverse("workshop:plenary", args=[w])),
        ("facilitator", reverse("workshop:synergies", args=[w])),
        ("facilitator", reverse("workshop:group-preview", args=[w, group_a.pk])),
        ("facilitator", reverse("workshop:results", args=[w])),
        ("facilitator", reverse("workshop:summary", args=[w])),
        ("facilitator", reverse("workshop:delete", args=[w])),
    ]


@pytest.fixture
def clients(group_a, facilitator, joined_client, assigned):
    participant, _kim = joined_client(group_a)
    staff = Client()
    staff.force_login(facilitator)
    waiting = Client()
    joined = waiting.post(reverse("join", args=[assigned.join_code]), {"display_name": "Bo"})
    assert joined["Location"] == reverse("join-wait", args=[assigned.join_code])
    return {"anon": Client(), "participant": participant, "facilitator": staff, "waiting": waiting}


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_page_a_person_uses_links_the_four_legal_pages(
    person_pages, clients, language, settings
):
    for who, url in person_pages:
        client = clients[who]
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(url)
        assert response.status_code in {200, 404}, (who, url, response.status_code)
        found = links(body(response))
        assert set(LEGAL) <= found, (who, url, set(LEGAL) - found)


def test_the_results_page_after_the_workshop_links_them_too(workshop, group_a, joined_client):
    from workshop.services import results_public_set

    client, _kim = joined_client(group_a)
    workshop_close(workshop=workshop)
    results_public_set(workshop=workshop, public=True)
    response = client.get(reverse("results", args=[workshop.pk]))
    assert response.status_code == 200
    assert set(LEGAL) <= links(body(response))


def test_error_pages_link_them_too(db, facilitator):
    factory = RequestFactory()
    request = factory.get("/")
    answers = {
        400: bad_request(request, SuspiciousOperation("odd")),
        403: defaults.permission_denied(request, PermissionDenied("Nur die Moderation.")),
        500: defaults.server_error(request),
    }
    csrf = Client(enforce_csrf_checks=True).post(reverse("home"), {"code": "ABCDEF"})
    answers["csrf"] = csrf
    for status, response in answers.items():
        text = body(response)
        assert set(LEGAL) <= links(text), status
    assert answers["csrf"].status_code == 403
    assert "Nur die Moderation." in body(answers[403])


def test_the_projector_links_none_of_them(workshop, group_a):
    for url in (
        reverse("projector", args=[workshop.projector_token]),
        reverse("projector-board", args=[workshop.projector_token, group_a.board.pk]),
        reverse("projector-plenary", args=[workshop.projector_token]),
    ):
        response = Client().get(url)
        assert response.status_code == 200
        assert not set(LEGAL) & links(body(response)), url


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", ["de", "en"])
def test_each_page_exists_in_german_and_english(db, page, language):
    client = Client(headers={"accept-language": language})
    response = client.get(reverse(page))
    assert response.status_code == 200
    text = body(response)
    assert f'<html lang="{language}">' in text
    assert 'aria-current="page"' in text
    assert "<h1>" in text


def test_the_pages_name_the_operator_from_the_settings(db, settings):
    settings.STELLWAND_OPERATOR = OPERATOR
    settings.STELLWAND_DPO = "Datenschutzbeauftragte der Stadt | datenschutz@musterstadt.example"
    settings.STELLWAND_SUPERVISORY_AUTHORITY = "Landesbeauftragte für Datenschutz | Musterweg 2"
    settings.STELLWAND_ACCESSIBILITY_CONTACT = "barrierefrei@musterstadt.example"
    settings.STELLWAND_ACCESSIBILITY_REVIEWED = "2027-01-15"
    client = Client()
    imprint = body(client.get(reverse("imprint")))
    assert "Stadt Musterstadt, Amt für Bürgerbeteiligung" in imprint
    assert "Rathausplatz 1<br>" in imprint
    assert "12345 Musterstadt" in imprint
    assert 'href="mailto:beteiligung@musterstadt.example"' in imprint
    assert 'href="tel:+49123456-0"' in imprint
    assert "Vertreten durch: Oberbürgermeisterin Erika Mustermann" in imprint
    assert "noch nicht eingetragen" not in imprint
    privacy = body(client.get(reverse("privacy")))
    assert 'href="mailto:datenschutz@musterstadt.example"' in privacy
    assert "Landesbeauftragte für Datenschutz" in privacy
    statement = body(client.get(reverse("accessibility")))
    assert 'href="mailto:barrierefrei@musterstadt.example"' in statement
    assert "15. Januar 2027" in statement
    assert "Schlichtungsstelle nach dem Behindertengleichstellungsgesetz (§ 16 BGG)" in statement
    for heading in (
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontaktangaben",
        "Durchsetzungsverfahren",
    ):
        assert f"<h2>{heading}</h2>" in statement


def test_what_is_not_filled_in_says_so_and_the_deploy_check_warns(db, settings):
    settings.STELLWAND_OPERATOR = dict.fromkeys(OPERATOR, "")
    imprint = body(Client().get(reverse("imprint")))
    assert "noch nicht eingetragen (STELLWAND_OPERATOR_NAME)" in imprint
    assert "noch nicht eingetragen (STELLWAND_OPERATOR_EMAIL)" in imprint
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "stellwand.W001" in {message.id for message in found}
    settings.STELLWAND_OPERATOR = OPERATOR
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "stellwand.W001" not in {message.id for message in found}


def test_the_easy_read_names_the_address_phones_reach(db, settings):
    assert "<strong>testserver</strong>" in body(Client().get(reverse("easy-language")))
    settings.STELLWAND_PUBLIC_URL = "https://beteiligung.musterstadt.example"
    easy = body(Client().get(reverse("easy-language")))
    assert "<strong>beteiligung.musterstadt.example</strong>" in easy


def test_the_periods_come_from_the_settings_stellwand_keeps_to(db, settings):
    settings.STELLWAND_RETENTION_DAYS = 30
    privacy = body(Client().get(reverse("privacy")))
    assert "Spätestens 30 Tage nach seinem Ende" in privacy
    assert "24 Stunden lang zurückholen" in privacy
    settings.STELLWAND_CARD_MAX_LENGTH = 200
    easy = body(Client().get(reverse("easy-language")))
    assert "spätestens nach 30 Tagen" in easy
    assert "Auf eine Karte passen 200 Zeichen." in easy


def test_an_operators_template_directory_replaces_a_page(db, tmp_path, settings):
    own = tmp_path / "legal" / "de"
    own.mkdir(parents=True)
    (own / "imprint.html").write_text(
        '{% extends "legal/base.html" %}{% block legal %}<h1>Impressum der Stadt</h1>'
        "<p>Unser eigener Text.</p>{% endblock %}",
        encoding="utf-8",
    )
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    with override_settings(TEMPLATES=templates):
        imprint = body(Client().get(reverse("imprint")))
        english = body(Client(headers={"accept-language": "en"}).get(reverse("imprint")))
        privacy = body(Client().get(reverse("privacy")))
    assert "Unser eigener Text." in imprint
    assert set(LEGAL) <= links(imprint)  # still in the site's frame, with its footer
    assert "Legal notice" in english
    assert "Unser eigener Text." not in english
    assert "<h1>Datenschutzerklärung</h1>" in privacy


def test_the_legal_dir_setting_puts_its_directory_first(tmp_path):
    import subprocess
    import sys

    from tests.servers import ROOT

    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TEMPLATES[0]['DIRS'][0])"
    )
    env = {"STELLWAND_LEGAL_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "workshop.settings"}
    import os

    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == str(tmp_path), done.stderr


def test_the_german_pages_say_sie_and_the_easy_read_keeps_its_sentences_short(db):
    for page in PAGES:
        text = re.sub(r"<[^>]+>", " ", body(Client().get(reverse(page))))
        assert not DU_FORMS.search(text), (page, DU_FORMS.search(text))
    easy = body(Client().get(reverse("easy-language")))
    main = easy.split('<article class="panel prose legal"', 1)[1].split("</article>", 1)[0]
    sentences = [
        s.strip() for s in re.split(r"(?<=[.!?:])\s+", re.sub(r"<[^>]+>", " ", main)) if s.strip()
    ]
    longest = max(sentences, key=lambda s: len(s.split()))
    assert len(longest.split()) <= 15, longest
    assert not re.search(r"\b(würde|würden|könnte|könnten|hätte|hätten|wäre|wären)\b", main)


def test_the_console_says_when_the_workshop_will_be_deleted(facilitator_client, workshop, settings):
    settings.STELLWAND_RETENTION_DAYS = 90
    workshop.date = datetime.date(2027, 3, 10)
    workshop.save()
    page = body(facilitator_client.get(reverse("workshop:console", args=[workshop.pk])))
    day = deleted_on(workshop)
    assert day == datetime.date(2027, 6, 9)
    assert "Stellwand löscht diesen Workshop am 9. Juni 2027, 90 Tage nach seinem Ende." in page
    workshop_close(workshop=workshop)
    page = body(facilitator_client.get(reverse("workshop:console", args=[workshop.pk])))
    closed = deleted_on(Workshop.objects.get(pk=workshop.pk))
    assert closed != day  # closed today: the date moved with the end
    assert f"am {closed.day}. " in page
