"""The beamer: a read-only view opened through the workshop's secret link, and its controls."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from boards.events import wall_html, with_wall
from boards.selectors.agenda import agenda
from workshop import projector as chrome, services
from workshop.decorators import facilitator_required
from workshop.links import join_link, qr_svg_file
from workshop.live import Audience
from workshop.models import Workshop


def projector(request: HttpRequest, token: str, board_id: int | None = None) -> HttpResponse:
    workshop = get_object_or_404(Workshop, projector_token=token)
    boards = list(workshop.boards.of_groups().select_related("group", "workshop"))
    if board_id is not None:
        boards = [b for b in boards if b.pk == board_id]
        if not boards:
            raise Http404
    for board in boards:
        with_wall(board, Audience.PROJECTOR)
    context = {
        "workshop": workshop,
        "boards": boards,
        "single": board_id is not None,
        "join": chrome.join_panel(workshop, request),
        "pager": chrome.pager(workshop),
        "token": token,
        "agenda": agenda(workshop),
    }
    return render(request, "boards/projector.html", context)


def projector_snapshot(request: HttpRequest, token: str, board_id: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, projector_token=token)
    board = get_object_or_404(workshop.boards.select_related("group", "workshop"), pk=board_id)
    return HttpResponse(wall_html(board, Audience.PROJECTOR))


@cache_control(private=True, max_age=3600)
def projector_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The join link as a QR code, for the host this screen reached (pushes know no host)."""
    workshop = get_object_or_404(Workshop, projector_token=token)
    if chrome.join_panel(workshop).state != "open":
        raise Http404  # nothing to join: no code leaves the server
    # The code is in the image's address: a new code is a new image, the old one may be cached.
    return HttpResponse(qr_svg_file(join_link(request, workshop)), content_type="image/svg+xml")


@facilitator_required
@require_POST
def projector_pages(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The console's page controls: previous, next, turn pages by themselves or not."""
    turn = request.POST.get("turn")
    if turn in {"previous", "next"}:
        services.projector_page_turn(workshop=workshop, step=-1 if turn == "previous" else 1)
        # The controls look the same on every page: nothing to swap, quick clicks all count.
        if request.htmx:
            return HttpResponse(status=204)
    elif request.POST.get("auto") in {"on", "off"}:
        services.projector_auto_set(workshop=workshop, auto=request.POST["auto"] == "on")
    if request.htmx:
        context = {"workshop": workshop, "pager": chrome.pager(workshop)}
        return render(request, "boards/console.html#projector-controls", context)
    return redirect("workshop:console", workshop_id=workshop.pk)
