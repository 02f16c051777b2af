"""Looking up a workshop by the code someone typed, with wrong codes counted per address."""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from workshop import ratelimit
from workshop.addresses import limited_address
from workshop.forms import JoinCodeForm
from workshop.models import Workshop
from workshop.services import participant_for_session, workshop_by_code


class TooManyWrongCodes(Exception):
    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def _joined(session: SessionBase, workshop: Workshop | None) -> bool:
    return workshop is not None and participant_for_session(session, workshop) is not None


def workshop_for_code(request: HttpRequest, code: str) -> Workshop | None:
    """The workshop, or None for a wrong code; TooManyWrongCodes past the limit, whatever the
    code (else guessing would go on). A phone that joined this workshop is never held up."""
    workshop = workshop_by_code(code)
    if _joined(request.session, workshop):
        return workshop
    address = limited_address(request)
    wait = ratelimit.blocked(ratelimit.CODES, address)
    if wait is None and workshop is None:
        wait = ratelimit.hit(ratelimit.CODES, address)
    if wait is not None:
        raise TooManyWrongCodes(wait)
    return workshop


def too_many_wrong_codes(request: HttpRequest, code: str, seconds: int) -> HttpResponse:
    """The code form again (429) with the message; the same for the home page and /j/."""
    form = JoinCodeForm({"code": code})
    form.is_valid()
    form.add_error("code", ratelimit.message(ratelimit.CODES, seconds))
    response = render(request, "workshop/home.html", {"form": form})
    return ratelimit.too_many(response, seconds)
