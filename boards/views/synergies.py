"""The facilitator's page "Synergies & conclusions": links between the groups' walls, the
plenary's conclusions and next steps, and the actors they need.

Every form posts to one small view that calls one service. An htmx request gets the editor
back, a plain form post is redirected back to the page. Where something was wrong, the
message shows at its form in the user's language: 422 for what the form said (htmx's own
convention for validation; a 400 is what django-htmx's debug script turns into a whole
page), 409 for a stale version. Odd ids in the path are 404s. The plenary's screens get the
change pushed by the service.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from boards.forms import VersionForm
from boards.models import Cluster, Conclusion, Link
from boards.permissions import Refused
from boards.selectors.parallels import suggestions_for
from boards.selectors.synergies import link_choices, synergies_for
from boards.services import Conflict, parallels, synergies as services
from workshop.decorators import facilitator_required
from workshop.forms import OUT_OF_DATE, IdField, IdsField, VisibleCharField
from workshop.ids import parse_id
from workshop.live import Audience
from workshop.models import Workshop
from workshop.permissions import Actor

TEMPLATE = "boards/synergies.html"
END = re.compile(r"(cluster|card)-(\w+)")
CHOOSE_END = gettext_lazy("Choose a cluster or a card for each end of the link.")


class EndField(forms.Field):
    """One end of a link as the pickers send it: "cluster-12" or "card-34"."""

    default_error_messages = {"required": CHOOSE_END, "invalid": OUT_OF_DATE}

    def to_python(self, value: object) -> tuple[str, int] | None:
        if value in self.empty_values:
            return None
        match = END.fullmatch(value) if isinstance(value, str) else None
        number = parse_id(match.group(2)) if match else None
        if match is None or number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return match.group(1), number


KIND_REQUIRED = gettext_lazy("Choose what the link is: parallel, synergy or conflict of goals.")
CONCLUSION_KIND = gettext_lazy("Choose whether this is a conclusion or a next step.")
DATE_INVALID = gettext_lazy("Enter the date as day, month and year.")


class LinkForm(forms.Form):
    source = EndField()
    target = EndField()
    kind = forms.ChoiceField(
        choices=Link.Kind.choices,
        error_messages=dict.fromkeys(["required", "invalid_choice"], KIND_REQUIRED),
    )
    note = VisibleCharField(max_length=2000, required=False)


class LinkUpdateForm(VersionForm):
    kind = forms.ChoiceField(
        choices=Link.Kind.choices,
        error_messages=dict.fromkeys(["required", "invalid_choice"], KIND_REQUIRED),
    )
    note = VisibleCharField(max_length=2000, required=False)


class ConclusionFields(forms.Form):
    kind = forms.ChoiceField(
        choices=Conclusion.Kind.choices,
        error_messages=dict.fromkeys(["required", "invalid_choice"], CONCLUSION_KIND),
    )
    text = VisibleCharField(max_length=5000, required=False)
    actors = IdsField(required=False)
    who = VisibleCharField(max_length=2000, required=False)
    due = forms.DateField(required=False, error_messages={"invalid": DATE_INVALID})


class ConclusionForm(ConclusionFields):
    from_cluster = IdField(required=False)
    from_link = IdField(required=False)


class ConclusionUpdateForm(VersionForm, ConclusionFields):
    pass


class MoveForm(VersionForm):
    index = forms.IntegerField(
        min_value=0,
        max_value=10**6,
        error_messages=dict.fromkeys(
            ["required", "invalid", "min_value", "max_value"], OUT_OF_DATE
        ),
    )


class ActorForm(forms.Form):
    name = VisibleCharField(
        max_length=2000, error_messages={"required": gettext_lazy("Please give the actor a name.")}
    )


def _form_error(form: forms.Form) -> ValidationError:
    """The first thing wrong with the form, as its field says it."""
    return ValidationError(next(iter(form.errors.values()))[0])


def _valid(form: forms.Form) -> dict:
    if not form.is_valid():
        raise _form_error(form)
    return form.cleaned_data


def _context(request: HttpRequest, workshop: Workshop, **extra: object) -> dict[str, object]:
    synergies = synergies_for(workshop, Audience.FACILITATORS)
    groups = link_choices(workshop)
    context = {
        "workshop": workshop,
        "suggestions": suggestions_for(workshop),
        "synergies": synergies,
        "groups": groups,
        "can_link": sum(1 for g in groups if g.clusters or g.cards) >= 2,
        "link_kinds": Link.Kind.values,
        "conclusion_kinds": Conclusion.Kind.choices,
        "form_key": "",
        "error": "",
        "data": {},
        "data_actors": [],
        "open": "",
        "focus": "",
        "status_text": "",
    }
    context.update(extra)
    return context


def _page(
    request: HttpRequest, workshop: Workshop, status: int = 200, **extra: object
) -> HttpResponse:
    template = TEMPLATE + "#editor" if request.htmx else TEMPLATE
    return render(request, template, _context(request, workshop, **extra), status=status)


Edit = Callable[..., tuple[str, str, str]]


def synergy_action(key: Callable[..., str]) -> Callable[[Edit], Callable[..., HttpResponse]]:
    """A facilitator's POST to one form of the page. The view returns (message, what to open,
    what to focus); a refusal shows at the form it came from (`key` names it)."""

    def decorate(view: Edit) -> Callable[..., HttpResponse]:
        @facilitator_required
        @require_POST
        @wraps(view)
        def wrapper(request: HttpRequest, workshop: Workshop, **kwargs: object) -> HttpResponse:
            form_key = key(**kwargs)
            try:
                message, open_key, focus = view(request, workshop, **kwargs)
            except (ValidationError, Conflict, Refused) as error:
                status = 409 if isinstance(error, Conflict) else 422
                if isinstance(error, ValidationError):
                    text = " ".join(error.messages)
                else:
                    text = error.message
                data = request.POST
                return _page(
                    request,
                    workshop,
                    status=status,
                    form_key=form_key,
                    error=text,
                    data=data,
                    data_actors=[parse_id(v) for v in data.getlist("actors")],
                    open=form_key if status == 422 else "",
                    focus=f"{form_key}-error",
                )
            if not request.htmx:
                messages.success(request, message)
                url = reverse("workshop:synergies", args=[workshop.pk])
                if open_key:
                    url += f"?open={open_key}"  # a derived conclusion's editor, open
                return redirect(f"{url}#{focus}" if focus else url)
            return _page(request, workshop, open=open_key, focus=focus, status_text=message)

        return wrapper

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return Actor.facilitator(request.user)  # type: ignore[arg-type]


OPEN = re.compile(r"(link|conclusion|actor)-[1-9][0-9]{0,18}")


@facilitator_required
def page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    wanted = request.GET.get("open", "")
    return _page(request, workshop, open=wanted if OPEN.fullmatch(wanted) else "")


@synergy_action(lambda: "link-new")
def link_create(request: HttpRequest, workshop: Workshop) -> tuple[str, str, str]:
    data = _valid(LinkForm(request.POST))
    link = services.link_create(
        _actor(request),
        workshop,
        source=data["source"],
        target=data["target"],
        kind=data["kind"],
        note=data["note"],
    )
    return _("The link was saved."), "", f"link-{link.pk}"


@synergy_action(lambda link_id: f"link-{link_id}")
def link_update(request: HttpRequest, workshop: Workshop, link_id: int) -> tuple[str, str, str]:
    link = get_object_or_404(workshop.links, pk=link_id)
    data = _valid(LinkUpdateForm(request.POST))
    services.link_update(
        _actor(request), link, kind=data["kind"], note=data["note"], version=data["version"]
    )
    return _("The link was saved."), "", f"link-{link.pk}"


@synergy_action(lambda link_id: f"link-{link_id}")
def link_delete(request: HttpRequest, workshop: Workshop, link_id: int) -> tuple[str, str, str]:
    link = get_object_or_404(workshop.links, pk=link_id)
    services.link_delete(_actor(request), link)
    return _("The link was removed."), "", "links-title"


SUGGESTION = re.compile(r"(?:card|cluster)-[1-9][0-9]{0,18}:(?:card|cluster)-[1-9][0-9]{0,18}")


def _suggestion_key(request: HttpRequest) -> str:
    key = request.POST.get("suggestion", "")
    if not SUGGESTION.fullmatch(key):
        raise ValidationError(_("This suggestion no longer applies: the walls have changed."))
    return key


@synergy_action(lambda: "suggestions")
def suggestion_accept(request: HttpRequest, workshop: Workshop) -> tuple[str, str, str]:
    link = parallels.suggestion_accept(_actor(request), workshop, _suggestion_key(request))
    return _("The suggestion is now a link."), "", f"link-{link.pk}"


@synergy_action(lambda: "suggestions")
def suggestion_dismiss(request: HttpRequest, workshop: Workshop) -> tuple[str, str, str]:
    parallels.suggestion_dismiss(_actor(request), workshop, _suggestion_key(request))
    return _("The suggestion was dismissed; it does not come back."), "", "suggestions-title"


def _derive_sources(workshop: Workshop, data: dict) -> tuple[Cluster | None, Link | None]:
    cluster = link = None
    if data["from_cluster"] is not None:
        cluster = Cluster.objects.filter(pk=data["from_cluster"], board__workshop=workshop).first()
        if cluster is None:
            raise ValidationError(OUT_OF_DATE)
    if data["from_link"] is not None:
        link = workshop.links.filter(pk=data["from_link"]).first()
        if link is None:
            raise ValidationError(_("This link was removed just now."))
    return cluster, link


@synergy_action(lambda: "conclusion-new")
def conclusion_create(request: HttpRequest, workshop: Workshop) -> tuple[str, str, str]:
    data = _valid(ConclusionForm(request.POST))
    cluster, link = _derive_sources(workshop, data)
    conclusion = services.conclusion_create(
        _actor(request),
        workshop,
        kind=data["kind"],
        text=data["text"],
        actor_ids=data["actors"],
        who=data["who"],
        due=data["due"],
        from_cluster=cluster,
        from_link=link,
    )
    key = f"conclusion-{conclusion.pk}"
    if cluster is not None or link is not None:
        # Derived: open it, so the facilitator can put it in their own words.
        return _("The conclusion was added: you can change its words now."), key, f"{key}-text"
    return _("The conclusion was added."), "", key


def _conclusion(workshop: Workshop, conclusion_id: int) -> Conclusion:
    return get_object_or_404(workshop.conclusions, pk=conclusion_id)


@synergy_action(lambda conclusion_id: f"conclusion-{conclusion_id}")
def conclusion_update(
    request: HttpRequest, workshop: Workshop, conclusion_id: int
) -> tuple[str, str, str]:
    conclusion = _conclusion(workshop, conclusion_id)
    data = _valid(ConclusionUpdateForm(request.POST))
    services.conclusion_update(
        _actor(request),
        conclusion,
        kind=data["kind"],
        text=data["text"],
        actor_ids=data["actors"],
        who=data["who"],
        due=data["due"],
        version=data["version"],
    )
    return _("The conclusion was saved."), "", f"conclusion-{conclusion.pk}"


@synergy_action(lambda conclusion_id: f"conclusion-{conclusion_id}")
def conclusion_delete(
    request: HttpRequest, workshop: Workshop, conclusion_id: int
) -> tuple[str, str, str]:
    services.conclusion_delete(_actor(request), _conclusion(workshop, conclusion_id))
    return _("The conclusion was removed."), "", "conclusions-title"


@synergy_action(lambda conclusion_id: f"conclusion-{conclusion_id}")
def conclusion_move(
    request: HttpRequest, workshop: Workshop, conclusion_id: int
) -> tuple[str, str, str]:
    conclusion = _conclusion(workshop, conclusion_id)
    data = _valid(MoveForm(request.POST))
    services.conclusion_move(
        _actor(request), conclusion, index=data["index"], version=data["version"]
    )
    direction = request.POST.get("direction")
    focus = f"conclusion-{conclusion.pk}-{direction if direction in ('up', 'down') else 'up'}"
    return _("The order was changed."), "", focus


@synergy_action(lambda: "actor-new")
def actor_create(request: HttpRequest, workshop: Workshop) -> tuple[str, str, str]:
    data = _valid(ActorForm(request.POST))
    services.actor_create(_actor(request), workshop, name=data["name"])
    return _("The actor was added."), "", "actor-new-name"


@synergy_action(lambda actor_id: f"actor-{actor_id}")
def actor_rename(request: HttpRequest, workshop: Workshop, actor_id: int) -> tuple[str, str, str]:
    target = get_object_or_404(workshop.actors, pk=actor_id)
    data = _valid(ActorForm(request.POST))
    services.actor_rename(_actor(request), target, name=data["name"])
    return _("The actor was renamed."), "", f"actor-{target.pk}-name"


@synergy_action(lambda actor_id: f"actor-{actor_id}")
def actor_delete(request: HttpRequest, workshop: Workshop, actor_id: int) -> tuple[str, str, str]:
    target = get_object_or_404(workshop.actors, pk=actor_id)
    services.actor_delete(_actor(request), target)
    return _("The actor was removed."), "", "actors-title"


urlpatterns = [
    path("<id:workshop_id>/synergies/", page, name="synergies"),
    path("<id:workshop_id>/synergies/links/", link_create, name="link-create"),
    path(
        "<id:workshop_id>/synergies/suggestions/accept/",
        suggestion_accept,
        name="suggestion-accept",
    ),
    path(
        "<id:workshop_id>/synergies/suggestions/dismiss/",
        suggestion_dismiss,
        name="suggestion-dismiss",
    ),
    path("<id:workshop_id>/synergies/links/<id:link_id>/", link_update, name="link-update"),
    path("<id:workshop_id>/synergies/links/<id:link_id>/delete/", link_delete, name="link-delete"),
    path("<id:workshop_id>/synergies/conclusions/", conclusion_create, name="conclusion-create"),
    path(
        "<id:workshop_id>/synergies/conclusions/<id:conclusion_id>/",
        conclusion_update,
        name="conclusion-update",
    ),
    path(
        "<id:workshop_id>/synergies/conclusions/<id:conclusion_id>/delete/",
        conclusion_delete,
        name="conclusion-delete",
    ),
    path(
        "<id:workshop_id>/synergies/conclusions/<id:conclusion_id>/move/",
        conclusion_move,
        name="conclusion-move",
    ),
    path("<id:workshop_id>/synergies/actors/", actor_create, name="actor-create"),
    path("<id:workshop_id>/synergies/actors/<id:actor_id>/", actor_rename, name="actor-rename"),
    path(
        "<id:workshop_id>/synergies/actors/<id:actor_id>/delete/",
        actor_delete,
        name="actor-delete",
    ),
]
