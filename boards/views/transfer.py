"""A workshop from another: "Use as template", and the import of a JSON export.

Both create a new workshop run by the signed-in user and open its console. A file that
cannot be imported is shown again on the form with the reason (400); nothing is stored.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from boards.services.transfer import import_workshop, workshop_from_template
from workshop.decorators import facilitator_required
from workshop.models import Workshop

MAX_FILE_SIZE = settings.STELLWAND_UPLOAD_MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Workshop file (JSON)"),
        help_text=gettext_lazy("A file from “Export → JSON” of Stellwand."),
        error_messages={"required": gettext_lazy("Please choose a file.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise ValidationError(_("This file is too large for a workshop export."))
        return upload.read()


@facilitator_required
@require_POST
def workshop_template(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    new = workshop_from_template(workshop, user=request.user)  # type: ignore[arg-type]
    messages.success(
        request, _("“%(title)s” was created from the template.") % {"title": new.title}
    )
    return redirect("workshop:console", new.pk)


@login_required
@require_http_methods(["GET", "POST"])
def workshop_import(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "boards/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            new = import_workshop(form.cleaned_data["file"], user=request.user)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("“%(title)s” was imported.") % {"title": new.title})
            return redirect("workshop:console", new.pk)
    return render(request, "boards/import.html", {"form": form}, status=400)


# Included under the facilitators' prefix /w/ (workshop/urls.py).
urlpatterns = [
    path("import/", workshop_import, name="import"),
    path("<id:workshop_id>/template/", workshop_template, name="template"),
]
