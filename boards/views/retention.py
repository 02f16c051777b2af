"""Deleting a workshop: a confirmation that names what goes, then everything goes at once."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from boards.services.retention import retention, what_goes, workshop_delete
from workshop.decorators import results_action
from workshop.models import Workshop
from workshop.permissions import Action


@results_action(Action.DELETE_WORKSHOP)
def workshop_delete_view(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Please confirm that everything in the workshop goes."))
            return redirect("workshop:delete", workshop_id=workshop.pk)
        title = workshop.title
        workshop_delete(request.actor, workshop)
        messages.success(
            request,
            _("The workshop “%(title)s” and everything in it were deleted.") % {"title": title},
        )
        return redirect("workshop:dashboard")
    context = {
        "workshop": workshop,
        "goes": what_goes(workshop),
        "retention": retention(workshop),
    }
    return render(request, "boards/workshop_delete.html", context)


urlpatterns = [
    path("<id:workshop_id>/delete/", workshop_delete_view, name="delete"),
]
