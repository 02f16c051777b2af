"""The workshops every export is checked against: the seed as it ran, and one full of payloads."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from boards.management.commands.demo import DEMO_TITLE, DEMO_USER
from workshop.models import Workshop

UMLAUTS = "Grüße aus Lübeck: Straße, Größe, ÄÖÜ äöü ß"
EMOJI = "Emoji 🚲🚌🛒 ❤️ 👩🏽‍💻"  # a variation selector, a skin tone and a zero-width joiner
RIGHT_TO_LEFT = "שלום עולם مرحبا بالعالم"  # Hebrew, then Arabic

# Texts that must come out as plain text in every format.
PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=http://127.0.0.1:9/leak.png>",
    "**fett** _kursiv_ [Link](http://127.0.0.1:9/) # Überschrift",
    '=HYPERLINK("http://127.0.0.1:9/";"klick")',
    "+SUM(1;2) -3 @A1",
    "{{ secret }} {% debug %} ${jndi:ldap://127.0.0.1:9/a}",
    "../../etc/passwd file:///etc/passwd",
    UMLAUTS,
    EMOJI,
    RIGHT_TO_LEFT,
    "| a | b |\n- c",
    "<img src=x onerror=\"alert('onerror')\">",
    '<button hx-get="/" hx-trigger="load" hx-target="body" hx-swap="outerHTML">hx</button>',
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
