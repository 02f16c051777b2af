"""The agenda from the console: edit the phases, and move every screen to the next one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards.selectors.agenda import agenda
from boards.services import agenda as services
from workshop.decorators import facilitator_action, facilitator_required
from workshop.forms import PhaseForm, PhaseMoveForm, PhaseStepForm
from workshop.models import Phase, Workshop
from workshop.permissions import Action, Actor

CONSOLE_PANEL = "workshop/_phase.html#console"


def _actor(request: HttpRequest) -> Actor:
    return request.actor  # set by facilitator_action


def _phase(workshop: Workshop, phase_id: int) -> Phase:
    return get_object_or_404(workshop.phases, pk=phase_id)


def _panel(request: HttpRequest, workshop: Workshop, **extra: object) -> HttpResponse:
    """The console's agenda panel (htmx), or back to the console."""
    if not request.htmx:
        url = reverse("workshop:console", args=[workshop.pk])
        choose = extra.get("choose_voting")
        return redirect(f"{url}?voting_choice={choose.pk}" if choose else url)
    workshop.refresh_from_db()
    status = int(extra.pop("status", 200))  # type: ignore[call-overload]
    context = {"workshop": workshop, "agenda": agenda(workshop)} | extra
    return render(request, CONSOLE_PANEL, context, status=status)


@facilitator_required
def agenda_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    view = agenda(workshop)
    rows = [(phase, PhaseForm(instance=phase, prefix=f"phase-{phase.pk}")) for phase in view.phases]
    context = {"workshop": workshop, "agenda": view, "rows": rows, "new_form": PhaseForm()}
    return render(request, "boards/agenda.html", context)


def _form_error(request: HttpRequest, workshop: Workshop, form: PhaseForm) -> HttpResponse:
    for errors in form.errors.values():
        messages.error(request, errors[0])
        break
    return redirect("workshop:agenda", workshop_id=workshop.pk)


@facilitator_action(Action.RUN_AGENDA)
@require_POST
def phase_add(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = PhaseForm(request.POST)
    if not form.is_valid():
        return _form_error(request, workshop, form)
    try:
        phase = services.phase_create(actor=_actor(request), workshop=workshop, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The phase “%(title)s” was added.") % {"title": phase.title})
    return redirect("workshop:agenda", workshop_id=workshop.pk)


@facilitator_action(Action.RUN_AGENDA)
@require_POST
def phase_edit(request: HttpRequest, workshop: Workshop, phase_id: int) -> HttpResponse:
    phase = _phase(workshop, phase_id)
    form = PhaseForm(request.POST, prefix=f"phase-{phase.pk}")
    if not form.is_valid():
        return _form_error(request, workshop, form)
    try:
        services.phase_update(actor=_actor(request), phase=phase, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The phase “%(title)s” was saved.") % {"title": phase.title})
    return redirect("workshop:agenda", workshop_id=workshop.pk)


@facilitator_action(Action.RUN_AGENDA)
@require_POST
def phase_move(request: HttpRequest, workshop: Workshop, phase_id: int) -> HttpResponse:
    phase = _phase(workshop, phase_id)
    form = PhaseMoveForm(request.POST)
    if form.is_valid():
        step = -1 if form.cleaned_data["direction"] == "up" else 1
        services.phase_move(actor=_actor(request), phase=phase, step=step)
    return redirect("workshop:agenda", workshop_id=workshop.pk)


@facilitator_action(Action.RUN_AGENDA)
@require_POST
def phase_delete(request: HttpRequest, workshop: Workshop, phase_id: int) -> HttpResponse:
    phase = _phase(workshop, phase_id)
    services.phase_delete(actor=_actor(request), phase=phase)
    messages.success(request, _("The phase “%(title)s” was removed.") % {"title": phase.title})
    return redirect("workshop:agenda", workshop_id=workshop.pk)


def _enter(request: HttpRequest, workshop: Workshop, phase: Phase | None, voting: str | None):
    try:
        services.phase_enter(actor=_actor(request), workshop=workshop, phase=phase, voting=voting)
    except services.VotingChoiceNeeded:
        # Going back into voting: the facilitator says whether the last round goes on.
        return _panel(request, workshop, choose_voting=phase)
    except ValidationError as error:
        return _panel(request, workshop, error=error.messages[0], status=400)
    return _panel(request, workshop)


@facilitator_action(Action.RUN_AGENDA)
@require_POST
def phase_step(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = PhaseStepForm(request.POST)
    if not form.is_valid():
        return _panel(request, workshop, error=_("This page is out of date. Please reload it."))
    step = 1 if form.cleaned_data["step"] == "next" else -1
    target = services.neighbour(workshop, step)
    if target is None:
        message = _("This is the last phase.") if step > 0 else _("This is the first phase.")
        return _panel(request, workshop, error=message, status=400)
    return _enter(request, workshop, target, form.cleaned_data["voting"] or None)


@facilitator_action(Action.RUN_AGENDA)
@require_POST
def phase_enter(request: HttpRequest, workshop: Workshop, phase_id: int) -> HttpResponse:
    form = PhaseStepForm({"step": "next", "voting": request.POST.get("voting", "")})
    voting = form.cleaned_data["voting"] or None if form.is_valid() else None
    return _enter(request, workshop, _phase(workshop, phase_id), voting)


@facilitator_action(Action.RUN_AGENDA)
@require_POST
def agenda_stop(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return _enter(request, workshop, None, None)
