"""Who/when pages: the code entry, the facilitator's list and workshop settings."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _, ngettext
from django.views import defaults
from django.views.decorators.http import require_POST

from workshop import services
from workshop.codes import TooManyWrongCodes, too_many_wrong_codes, workshop_for_code
from workshop.decorators import facilitator_required
from workshop.forms import FacilitatorAddForm, JoinCodeForm, LoginForm, WorkshopForm
from workshop.models import Workshop


def too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body over the upload limit: the phone shows it and does not resend."""
    limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    message = _(
        "That was too much at once (at most %(limit)s). Please shorten your text and try again."
    ) % {"limit": limit}
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("home")
    template = "413.html#message" if request.headers.get("HX-Request") else "413.html"
    return render(request, template, {"message": message, "back": back}, status=413)


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username axes counts failures for, as a database column can hold it: at most the
    150 characters a username has, without NUL or other control characters (PostgreSQL
    refuses a NUL; an odd login form must not make a 500)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username", "")
    text = "".join(ch for ch in str(raw or "") if ch.isprintable())
    return text[:150]


def login_locked_out(
    request: HttpRequest, original_response: object = None, credentials: object = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, 429, saying how long to wait.

    Used for the admin's login too. It reads neither argument: axes's async middleware passes
    the credentials where the response belongs (axes 8.3.1)."""
    minutes = settings.STELLWAND_LOGIN_COOLOFF_MINUTES
    message = ngettext(
        "Too many failed attempts for this account from this device. Please wait %(minutes)s "
        "minute and try again, or contact the person who looks after Stellwand for you.",
        "Too many failed attempts for this account from this device. Please wait %(minutes)s "
        "minutes and try again, or contact the person who looks after Stellwand for you.",
        minutes,
    ) % {"minutes": minutes}
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    # Unbound: a bound form would authenticate again and count one more failure.
    form = LoginForm(request, initial={"username": request.POST.get("username", "")})
    context = {"form": form, "next": next_url, "locked_out": message}
    return render(request, "registration/login.html", context, status=429)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a body too big to read (one without a Content-Length) is 413 too."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return too_large(request)
    return defaults.bad_request(request, exception)


def home(request: HttpRequest) -> HttpResponse:
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        try:
            workshop = workshop_for_code(request, code)
        except TooManyWrongCodes as limited:
            return too_many_wrong_codes(request, code, limited.seconds)
        if workshop is not None:
            return redirect("join", code=workshop.join_code)
        form.add_error("code", _("No workshop has this code. Please check it and try again."))
    return render(request, "workshop/home.html", {"form": form})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    workshops = Workshop.objects.facilitated_by(request.user).prefetch_related("groups")
    organised = (
        Workshop.objects.filter(organisers=request.user)
        .exclude(facilitators=request.user)
        .order_by("-date", "-created_at")
    )
    context = {"workshops": workshops, "organised": organised}
    return render(request, "workshop/dashboard.html", context)


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


class ParticipantRenameForm(forms.Form):
    display_name = forms.CharField(max_length=40, required=False)


def back_to_form_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """Back to the page the form was on (the settings or a moderation wall)."""
    target = request.POST.get("next", "")
    # A path of this site only: `redirect()` would take a bare word for a view's name.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def joining_set(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    is_open = request.POST.get("open") == "true"
    services.joining_set(workshop=workshop, is_open=is_open)
    if is_open:
        messages.success(request, _("Joining is open again."))
    else:
        messages.success(request, _("Joining is closed. People who already joined stay in."))
    return back_to_form_page(request, workshop)


@facilitator_required
@require_POST
def participant_remove(
    request: HttpRequest, workshop: Workshop, participant_id: int
) -> HttpResponse:
    participant = get_object_or_404(workshop.participants, pk=participant_id, removed_at=None)
    services.participant_remove(participant=participant)
    messages.success(request, _("%(name)s was removed from the workshop.") % {"name": participant})
    return back_to_form_page(request, workshop)


@facilitator_required
@require_POST
def organiser_add(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = FacilitatorAddForm(request.POST)
    if form.is_valid():
        try:
            user = services.organiser_add(workshop=workshop, username=form.cleaned_data["username"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("%(name)s is now an organiser: they can see, edit and export the results.")
                % {"name": user},
            )
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def organiser_remove(request: HttpRequest, workshop: Workshop, user_id: int) -> HttpResponse:
    user = workshop.organisers.filter(pk=user_id).first()
    if user is not None:
        services.organiser_remove(workshop=workshop, user=user)
    return redirect("workshop:settings", workshop_id=workshop.pk)
