"""The facilitator's laptop: create a workshop with its groups, run it from the console."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import services
from boards.events import with_wall
from boards.selectors.agenda import agenda
from boards.selectors.plenary import spotlight
from boards.services.retention import retention
from workshop.decorators import facilitator_required
from workshop.forms import (
    BreakoutsForm,
    FacilitatorAddForm,
    GroupForm,
    GroupFormSet,
    WorkshopForm,
)
from workshop.ids import parse_id
from workshop.links import join_link, projector_link, qr_svg, qr_svg_file
from workshop.live import Audience
from workshop.models import Workshop
from workshop.presence import people
from workshop.projector import pager
from workshop.views import ParticipantRenameForm, back_to_form_page


@login_required
def workshop_new(request: HttpRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None)
    groups = GroupFormSet(request.POST or None, prefix="groups")
    if request.method == "POST" and form.is_valid() and groups.is_valid():
        specs = [
            services.GroupSpec(name=g["name"], question=g.get("question", ""))
            for g in groups.cleaned_data
            if g and not g.get("DELETE") and g.get("name")
        ]
        try:
            workshop = services.workshop_create_with_groups(
                user=request.user, groups=specs, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Your workshop is ready. Share the code to let people join.")
            )
            return redirect("workshop:console", workshop_id=workshop.pk)
    return render(request, "boards/workshop_new.html", {"form": form, "groups": groups})


def _console_context(request: HttpRequest, workshop: Workshop) -> dict[str, object]:
    link = join_link(request, workshop)
    counts = workshop.participant_counts()
    boards = list(workshop.boards.of_groups().select_related("group", "workshop"))
    for board in boards:
        with_wall(board, Audience.FACILITATORS)
        board.participant_count = counts.get(board.group_id, 0)
    return {
        "workshop": workshop,
        "boards": boards,
        "join_link": link,
        "join_host": urlsplit(link).netloc,
        "qr": qr_svg(link),
        "counts": counts,
        "projector_link": projector_link(request, workshop),
        "pager": pager(workshop),
        "agenda": agenda(workshop),
        "spot": spotlight(workshop, Audience.FACILITATORS),
        "retention": retention(workshop),
    }


@facilitator_required
def console(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    context = _console_context(request, workshop)
    context["total"] = sum(context["counts"].values())  # type: ignore[union-attr]
    # Back from "start this phase" without JavaScript: which voting round goes on?
    choose = parse_id(request.GET.get("voting_choice"))
    context["choose_voting"] = workshop.phases.filter(pk=choose).first() if choose else None
    context["people_groups"], context["people_waiting"] = people(workshop)
    return render(request, "boards/console.html", context)


@facilitator_required
def workshop_settings(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    context = {
        "workshop": workshop,
        "groups": workshop.groups.all(),
        "group_form": GroupForm(),
        "facilitator_form": FacilitatorAddForm(),
        "facilitators": workshop.facilitators.order_by("username"),
        "organisers": workshop.organisers.order_by("username"),
        "organiser_form": FacilitatorAddForm(auto_id="id_organiser_%s"),
        "join_link": join_link(request, workshop),
        "projector_link": projector_link(request, workshop),
        "breakouts_form": BreakoutsForm(
            initial={"assignment": workshop.assignment, "max_group_size": workshop.max_group_size}
        ),
    }
    return render(request, "boards/settings.html", context)


@facilitator_required
@require_POST
def group_add(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.group_create(workshop=workshop, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The group was added with its own board."))
    else:
        messages.error(request, _("Please give the group a name."))
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def group_edit(request: HttpRequest, workshop: Workshop, group_id: int) -> HttpResponse:
    group = get_object_or_404(workshop.groups, pk=group_id)
    form = GroupForm(request.POST)
    if form.is_valid():
        try:
            services.group_update(group=group, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The group was saved."))
    else:
        messages.error(request, _("Please give the group a name."))
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
@require_POST
def group_delete(request: HttpRequest, workshop: Workshop, group_id: int) -> HttpResponse:
    group = get_object_or_404(workshop.groups, pk=group_id)
    services.group_delete(group=group)
    messages.success(
        request, _("The group “%(name)s” and its board were removed.") % {"name": group.name}
    )
    return redirect("workshop:settings", workshop_id=workshop.pk)


@facilitator_required
def qr_code(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    return HttpResponse(qr_svg_file(join_link(request, workshop)), content_type="image/svg+xml")


@facilitator_required
@require_POST
def participant_rename(
    request: HttpRequest, workshop: Workshop, participant_id: int
) -> HttpResponse:
    participant = get_object_or_404(workshop.participants, pk=participant_id, removed_at=None)
    form = ParticipantRenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A display name has at most 40 characters."))
        return back_to_form_page(request, workshop)
    old = str(participant)
    try:
        services.participant_rename(
            participant=participant, display_name=form.cleaned_data["display_name"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("“%(old)s” is now shown as “%(new)s”.") % {"old": old, "new": participant},
        )
    return back_to_form_page(request, workshop)
