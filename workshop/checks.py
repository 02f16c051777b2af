"""Deploy checks of our own (beside the operator's details in `workshop/legal.py`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_room_mode(**kwargs: object) -> list[checks.CheckMessage]:
    """Room mode is plain HTTP on purpose: say so, rather than leave it unsaid."""
    if not getattr(settings, "ROOM_MODE", False):
        return []
    return [
        checks.Info(
            "Room mode: plain HTTP for the phones in this room, by design (no certificate for "
            "a laptop's address). The HTTPS checks (HSTS, redirect, secure cookies: "
            + ", ".join(settings.SILENCED_SYSTEM_CHECKS)
            + ") do not apply here.",
            hint="For a server on the internet, run behind HTTPS without STELLWAND_LAN_HOST "
            "(README, production deployment).",
            id="stellwand.I001",
        )
    ]
