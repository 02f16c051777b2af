"""The app with one view more that fails (a 500), for the log tests.

`ROOT_URLCONF = "tests.logsite"` (in-process) or `DJANGO_SETTINGS_MODULE=tests.logsite_settings`
(a real daphne) serves the real app, its logging included; only `/test/fails/` is added.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from workshop.urls import urlpatterns as app_urlpatterns


@csrf_exempt
def fails(request: HttpRequest) -> HttpResponse:
    """Reads the body (a card text in it), then fails like a bug would."""
    assert request.POST.get("text")
    raise RuntimeError("a view failed after reading the form")


urlpatterns = [path("test/fails/", fails), *app_urlpatterns]
