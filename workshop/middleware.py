"""Request guards that must answer before Django reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class RequestTooLargeMiddleware:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 with a message in the reader's
    language (after LocaleMiddleware, before CSRF reads the body). Django itself would raise
    RequestDataTooBig there and, with DEBUG on, show a technical page instead of handler400."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            from workshop.views import too_large

            return too_large(request)
        return self.get_response(request)
