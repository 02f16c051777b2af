"""The join poster (A4) and handouts (four A6 cards on an A4 sheet), as PDF: the workshop's
title, the QR code, the join code and the short join link, with how to join in German and in
English. Only for an address that phones in the room can reach."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _, gettext_noop

from boards.exports import ExportError, Format, Options, register
from boards.exports.pdf import html_to_pdf, stylesheet
from workshop.links import qr_svg
from workshop.models import Workshop

SIZES = ("a4", "handout")
HANDOUTS_PER_SHEET = 4
LANGUAGES = ("de", "en")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


@dataclass(frozen=True)
class HowToJoin:
    language: str
    heading: str
    scan: str
    type_in: str


def is_loopback(host: str) -> bool:
    """Does `host` name this machine only (so a phone cannot reach it)?"""
    host = host.strip("[]").lower().rstrip(".")
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def public_base(options: Options) -> str:
    """The address phones reach, or an ExportError saying how to set one."""
    base = (options.public_url or settings.STELLWAND_PUBLIC_URL or "").strip().rstrip("/")
    parts = urlsplit(base)
    if not base or parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ExportError(
            _(
                "No address that phones can reach is set. Set STELLWAND_PUBLIC_URL to the "
                "address phones in the room open, or start Stellwand with "
                "“make run HOST=0.0.0.0”."
            )
        )
    if is_loopback(parts.hostname):
        raise ExportError(
            _(
                "Phones cannot reach %(address)s: it is this computer itself. Set "
                "STELLWAND_PUBLIC_URL to the address phones in the room open, or start "
                "Stellwand with “make run HOST=0.0.0.0”."
            )
            % {"address": parts.netloc}
        )
    return base


def _typed(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/")


def how_to_join(language: str, address: str, code: str) -> HowToJoin:
    with translation.override(language):
        return HowToJoin(
            language=language,
            heading=_("Join with your phone"),
            scan=_("Scan the QR code with your phone camera."),
            type_in=_("Or open %(address)s in your browser and enter the code %(code)s.")
            % {"address": address, "code": code},
        )


def poster_html(workshop: Workshop, options: Options) -> str:
    size = options.extra.get("size") or "a4"
    if size not in SIZES:
        raise ExportError(_("There is no poster of that size."))
    base = public_base(options)
    link = base + reverse("join", args=[workshop.join_code])
    # What people type: no scheme, no trailing slash (as the projector shows it).
    short = _typed(link)
    home = _typed(base)
    first = options.language if options.language in LANGUAGES else LANGUAGES[0]
    languages = [first, *(lang for lang in LANGUAGES if lang != first)]
    with translation.override(first):
        return render_to_string(
            "exports/poster.html",
            {
                "workshop": workshop,
                "language": first,
                "size": size,
                "copies": range(HANDOUTS_PER_SHEET if size == "handout" else 1),
                "link": link,
                "short_link": short,
                "qr": qr_svg(link),
                "texts": [how_to_join(lang, home, workshop.join_code) for lang in languages],
                "css": stylesheet("css/print.css"),
            },
        )


def render(workshop: Workshop, options: Options) -> bytes:
    return html_to_pdf(poster_html(workshop, options))


register(
    Format(
        "poster",
        gettext_noop("Join poster or handouts (PDF)"),
        "pdf",
        "application/pdf",
        render,
        slow=True,
        description=gettext_noop(
            "An A4 poster, or four A6 handouts on an A4 sheet, with the QR code and the join code"
        ),
    )
)
