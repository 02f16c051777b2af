"""The workshops every export is checked against: the seed as it ran, and one full of payloads."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from boards.management.commands.demo import DEMO_TITLE, DEMO_USER
from workshop.models import Workshop

# Texts that must come out as plain text in every format.
PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=http://127.0.0.1:9/leak.png>",
    "**fett** _kursiv_ [Link](http://127.0.0.1:9/) # Überschrift",
    '=HYPERLINK("http://127.0.0.1:9/";"klick")',
    "+SUM(1;2) -3 @A1",
    "{{ secret }} {% debug %} ${jndi:ldap://127.0.0.1:9/a}",
    "../../etc/passwd file:///etc/passwd",
    "Grüße aus Lübeck: Straße, Größe, ÄÖÜ äöü ß",
    "Emoji 🚲🚌🛒 ❤️ 👩🏽‍💻",
    "שלום עולם مرحبا بالعالم",
    "| a | b |\n- c",
]


@pytest.fixture
def seed_workshop(db) -> Workshop:
    """The seed workshop (Mobilität, Einzelhandel) with its people, clusters, dots, links and
    conclusions (boards/seed.py), as `manage.py demo --results` leaves it."""
    call_command("demo", "--results", stdout=io.StringIO())
    return Workshop.objects.get(title=DEMO_TITLE, facilitators__username=DEMO_USER)


@pytest.fixture
def seed_user(seed_workshop):
    return seed_workshop.facilitators.get(username=DEMO_USER)
