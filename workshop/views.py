"""Who/when pages: the code entry, the facilitator's list and workshop settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from workshop import services
from workshop.decorators import facilitator_required
from workshop.forms import FacilitatorAddForm, JoinCodeForm, WorkshopForm
from workshop.models import Workshop


def home(request: HttpRequest) -> HttpResponse:
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        workshop = services.workshop_by_code(form.cleaned_data["code"])
        if workshop is not None:
            return redirect("join", code=workshop.join_code)
        form.add_error("code", _("No workshop has this code. Please check it and try again."))
    return render(request, "workshop/home.html", {"form": form})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "workshop/privacy.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    workshops = Workshop.objects.facilitated_by(request.user).prefetch_related("groups")
    return render(request, "workshop/dashboard.html", {"workshops": workshops})


@facilitator_required
def workshop_edit(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = WorkshopForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        services.workshop_update(workshop=workshop, **form.cleaned_data)
        messages.success(request, _("The workshop details were saved."))
        return redirect("workshop:settings", workshop_id=workshop.pk)
    return render(request, "workshop/edit.html", {"workshop": workshop, "form": form})


@facilitator_required
@require_POST
def facilitator_add(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = FacilitatorAddForm(request.POST)
    if form.is_valid():
        try:
            user = services.facilitator_add(
                workshop=workshop, username=form.cleaned_data["username"]
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("%(name)s now co-facilitates.") % {"name": user})
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def facilitator_remove(request: HttpRequest, workshop: Workshop, user_id: int) -> HttpResponse:
    user = workshop.facilitators.filter(pk=user_id).first()
    if user is not None:
        try:
            services.facilitator_remove(workshop=workshop, user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if user == request.user:
                return redirect("workshop:dashboard")
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def workshop_close(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    services.workshop_close(workshop=workshop)
    messages.success(request, _("The workshop is closed. Its boards are now read-only."))
    return redirect("workshop:console", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def workshop_reopen(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    services.workshop_reopen(workshop=workshop)
    messages.success(request, _("The workshop is open again."))
    return redirect("workshop:console", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def projector_revoke(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    services.projector_link_revoke(workshop=workshop)
    messages.success(request, _("The old projector link no longer works. Here is the new one."))
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def join_code_renew(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    services.join_code_renew(workshop=workshop)
    messages.success(request, _("The new join code is %(code)s.") % {"code": workshop.join_code})
    return redirect("workshop:settings", workshop_id=workshop.pk)


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse(status=501)


joining_set = participant_remove = participant_rename = _todo
