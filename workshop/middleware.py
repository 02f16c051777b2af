"""Request guards that must answer before Django reads the body."""

from __future__ import annotations

from collections.abc import Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from whitenoise.middleware import WhiteNoiseMiddleware


class _Both:
    """A middleware that runs in Django's async mode too: under daphne the whole chain is
    then async, and only the views that are sync take the one shared sync thread, each for as
    long as it runs. One sync-only middleware would make every request, the exports' async
    view included, hold that thread to its end (boards/views/results.py)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)


class RequestTooLargeMiddleware(_Both):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE gets 413 with a message in the reader's
    language (after LocaleMiddleware, before CSRF reads the body). Django itself would raise
    RequestDataTooBig there and, with DEBUG on, show a technical page instead of handler400."""

    @staticmethod
    def _too_large(request: HttpRequest) -> bool:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if (
            limit is not None
            and request.content_type == "multipart/form-data"
            and request.path_info == reverse("workshop:import")
        ):
            # A file upload (a workshop's JSON to import): the form's own limit applies, which
            # Django's counts leave out; the fields beside the file stay within the limit.
            limit += settings.STELLWAND_UPLOAD_MAX_BYTES
        try:
            length = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        return limit is not None and length > limit

    def __call__(self, request: HttpRequest):
        if self.is_async:
            return self._acall(request)
        if self._too_large(request):
            from workshop.views import too_large

            return too_large(request)
        return self.get_response(request)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        if self._too_large(request):
            from workshop.views import too_large

            return await sync_to_async(too_large)(request)
        return await self.get_response(request)


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, in Django's async mode too (see `_Both`): a static file is read in a worker
    thread and answered whole (they are small: CSS, scripts, icons)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable, *args: object, **kwargs: object) -> None:
        super().__init__(get_response, *args, **kwargs)
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest):
        if self.is_async:
            return self._acall(request)
        return super().__call__(request)

    def _answer(self, request: HttpRequest) -> HttpResponse | None:
        if self.autorefresh:
            static_file = self.find_file(request.path_info)
        else:
            static_file = self.files.get(request.path_info)
        if static_file is None:
            return None
        found = static_file.get_response(request.method, request.META)
        body = b""
        if found.file is not None:
            with found.file as f:
                body = f.read()
        response = HttpResponse(body, status=int(found.status))
        del response["Content-Type"]
        for key, value in found.headers:
            response[key] = value
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        response = await sync_to_async(self._answer, thread_sensitive=False)(request)
        if response is not None:
            return response
        return await self.get_response(request)
