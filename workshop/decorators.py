"""View preconditions built on `workshop.permissions`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from workshop.models import Workshop
from workshop.permissions import Action, Actor, is_facilitator

View = Callable[..., HttpResponse]


def facilitator_required(view: View) -> View:
    """Load the workshop from `workshop_id`; 404 unless the user facilitates it."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, workshop_id: int, *args: object, **kwargs: object):
        workshop = get_object_or_404(Workshop, pk=workshop_id)
        if not is_facilitator(request.user, workshop):
            raise Http404  # not 403: do not confirm that the workshop exists
        return view(request, workshop, *args, **kwargs)

    return wrapper


def facilitator_action(action: Action) -> Callable[[View], View]:
    """`facilitator_required`, then the action's predicate with the facilitator as actor
    (kept on `request.actor` for the service call)."""

    def decorate(view: View) -> View:
        @facilitator_required
        @wraps(view)
        def wrapper(request: HttpRequest, workshop: Workshop, *args: object, **kwargs: object):
            from boards.permissions import can

            actor = Actor.facilitator(request.user)
            if not can(actor, action, workshop=workshop):
                raise PermissionDenied
            request.actor = actor
            return view(request, workshop, *args, **kwargs)

        return wrapper

    return decorate


def results_action(action: Action) -> Callable[[View], View]:
    """For the results pages: a facilitator or an organiser of the workshop (404 for anyone
    else), then the action's predicate; the actor is kept on `request.actor`."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, workshop_id: int, *args: object, **kwargs: object):
            from boards.permissions import can
            from workshop.permissions import STRANGER, staff_actor

            workshop = get_object_or_404(Workshop, pk=workshop_id)
            actor = staff_actor(request.user, workshop)
            if actor is STRANGER:
                raise Http404  # do not confirm that the workshop exists
            if not can(actor, action, workshop=workshop):
                raise PermissionDenied
            request.actor = actor
            return view(request, workshop, *args, **kwargs)

        return wrapper

    return decorate
