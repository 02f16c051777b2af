"""View preconditions built on `workshop.permissions`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from workshop.models import Workshop
from workshop.permissions import is_facilitator

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
