"""The plenary in the console, and the spotlight the facilitators put on every screen."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from boards.events import wall_context
from boards.selectors import plenary as read
from boards.selectors.parallels import suggestions_for
from boards.services import plenary as services
from workshop.decorators import facilitator_required
from workshop.forms import IdField
from workshop.live import Audience
from workshop.models import Workshop
from workshop.permissions import Actor


class SpotlightForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in read.Kind.ALL])
    id = IdField()


@facilitator_required
def console_plenary(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The console's plenary: every group's results, the spotlight's controls, the plenary's
    own board (further sections, such as suggested parallels, go below the groups)."""
    plenary = read.plenary(workshop, Audience.FACILITATORS)
    context: dict[str, object] = {
        "workshop": workshop,
        "plenary": plenary,
        "spot": plenary.spotlight,
        "audience": str(Audience.FACILITATORS),
    }
    if plenary.board is not None:
        context["board_wall"] = wall_context(plenary.board, Audience.FACILITATORS)
    context["suggestions"] = suggestions_for(workshop)
    return render(request, "boards/console_plenary.html", context)


def _answer(request: HttpRequest, workshop: Workshop, error: str = "") -> HttpResponse:
    if request.htmx:
        # The spotlight itself comes with the push to every screen, this one too; the answer
        # only says what went wrong (htmx swaps no 4xx answer, so this is a 200).
        return render(request, "boards/console_plenary.html#spot-error", {"error": error})
    if error:
        messages.error(request, error)
    return redirect("workshop:plenary", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def spotlight_set(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = SpotlightForm(request.POST)
    if not form.is_valid():
        return _answer(request, workshop, next(iter(form.errors.values()))[0])
    try:
        services.spotlight_set(
            Actor.facilitator(request.user),
            workshop,
            form.cleaned_data["kind"],
            form.cleaned_data["id"],
        )
    except ValidationError as error:
        return _answer(request, workshop, error.messages[0])
    return _answer(request, workshop)


@facilitator_required
@require_POST
def spotlight_clear(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    services.spotlight_clear(Actor.facilitator(request.user), workshop)
    return _answer(request, workshop)
