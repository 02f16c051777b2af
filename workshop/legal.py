"""The legal pages: imprint, privacy notice, accessibility statement, and taking part in easy read.

Each page is a template per language, `legal/<language>/<page>.html`, German where a language
has none. An operator adapts them without forking: the body that runs the server comes from
settings (STELLWAND_OPERATOR_*), and a directory in STELLWAND_LEGAL_DIR comes before ours in
the template search, so its `legal/de/imprint.html` replaces ours.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.http import HttpRequest, HttpResponse
from django.template.loader import select_template
from django.utils.translation import get_language

PAGES = ("imprint", "privacy", "accessibility", "easy-language")
# The day our accessibility statement was last checked against the code (the operator's own
# review date, STELLWAND_ACCESSIBILITY_REVIEWED, replaces it).
STATEMENT_WRITTEN = datetime.date(2026, 12, 1)


def _lines(value: str) -> list[str]:
    return [line.strip() for line in re.split(r"\n|\s\|\s", value) if line.strip()]


@dataclass(frozen=True)
class Operator:
    """Who runs this server, as the imprint and the statements name them."""

    name: str
    address: list[str]
    email: str
    phone: str
    representative: str
    responsible: str
    dpo: list[str]
    supervisory_authority: list[str]
    accessibility_contact: str
    enforcement_body: list[str]
    reviewed: datetime.date

    @property
    def complete(self) -> bool:
        return bool(self.name and self.address and self.email)


def operator() -> Operator:
    given = settings.STELLWAND_OPERATOR
    try:
        reviewed = datetime.date.fromisoformat(settings.STELLWAND_ACCESSIBILITY_REVIEWED)
    except ValueError:
        reviewed = STATEMENT_WRITTEN
    return Operator(
        name=given["name"],
        address=_lines(given["address"]),
        email=given["email"],
        phone=given["phone"],
        representative=given["representative"],
        responsible=given["responsible"],
        dpo=_lines(settings.STELLWAND_DPO),
        supervisory_authority=_lines(settings.STELLWAND_SUPERVISORY_AUTHORITY),
        accessibility_contact=settings.STELLWAND_ACCESSIBILITY_CONTACT or given["email"],
        enforcement_body=_lines(settings.STELLWAND_ENFORCEMENT_BODY),
        reviewed=reviewed,
    )


def legal_page(request: HttpRequest, page: str) -> HttpResponse:
    from boards.services.moderation import UNDO_HOURS

    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    template = select_template([f"legal/{language}/{page}.html", f"legal/de/{page}.html"])
    context = {
        "operator": operator(),
        "page": page,
        # Where phones reach this server (the join address), as the join panel names it.
        "host": urlsplit(settings.STELLWAND_PUBLIC_URL).netloc or request.get_host(),
        "retention_days": settings.STELLWAND_RETENTION_DAYS,
        "login_record_days": settings.STELLWAND_LOGIN_RECORD_DAYS,
        "undo_hours": UNDO_HOURS,
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
        "card_max_length": settings.STELLWAND_CARD_MAX_LENGTH,
    }
    return HttpResponse(template.render(context, request))


@checks.register(checks.Tags.security, deploy=True)
def check_operator(**kwargs: object) -> list[checks.CheckMessage]:
    """In production the imprint must name someone: the law asks for it, and so do people."""
    missing = [
        f"STELLWAND_OPERATOR_{key.upper()}"
        for key in ("name", "address", "email")
        if not settings.STELLWAND_OPERATOR[key]
    ]
    if not missing:
        return []
    return [
        checks.Warning(
            f"{', '.join(missing)} not set: the imprint and the statements name nobody.",
            hint="Set them to the body that runs this server (README, Production).",
            id="stellwand.W001",
        )
    ]
