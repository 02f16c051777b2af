"""Links that phones must reach: built from STELLWAND_PUBLIC_URL when it is set."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from workshop.models import Workshop


def absolute(request: HttpRequest, path: str) -> str:
    if settings.STELLWAND_PUBLIC_URL:
        return settings.STELLWAND_PUBLIC_URL + path
    return request.build_absolute_uri(path)


def join_link(request: HttpRequest, workshop: Workshop) -> str:
    return absolute(request, reverse("join", args=[workshop.join_code]))


def projector_link(request: HttpRequest, workshop: Workshop) -> str:
    return absolute(request, reverse("projector", args=[workshop.projector_token]))


def qr_svg(data: str) -> str:
    """An inline SVG QR code, rendered here (no external service sees the link)."""
    return segno.make(data, error="m").svg_inline(
        scale=1, border=2, dark="#1b1f24", light="#ffffff", omitsize=True
    )


def qr_svg_file(data: str) -> bytes:
    """The same QR code as a standalone SVG file (for an <img> or a download)."""
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out,
        kind="svg",
        scale=1,
        border=2,
        dark="#1b1f24",
        light="#ffffff",
        omitsize=True,
        xmldecl=False,
    )
    return out.getvalue()
