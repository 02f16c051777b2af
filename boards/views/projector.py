"""The beamer: a read-only view opened through the workshop's secret link."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from boards.events import wall_html, with_wall
from workshop.links import join_link, qr_svg
from workshop.live import Audience
from workshop.models import Workshop


def projector(request: HttpRequest, token: str, board_id: int | None = None) -> HttpResponse:
    workshop = get_object_or_404(Workshop, projector_token=token)
    boards = list(workshop.boards.select_related("group", "workshop"))
    if board_id is not None:
        boards = [b for b in boards if b.pk == board_id]
        if not boards:
            raise Http404
    for board in boards:
        with_wall(board, Audience.PROJECTOR)
    link = join_link(request, workshop)
    context = {
        "workshop": workshop,
        "boards": boards,
        "single": board_id is not None,
        "join_link": link,
        "qr": qr_svg(link),
        "token": token,
    }
    return render(request, "boards/projector.html", context)


def projector_snapshot(request: HttpRequest, token: str, board_id: int) -> HttpResponse:
    workshop = get_object_or_404(Workshop, projector_token=token)
    board = get_object_or_404(workshop.boards.select_related("group", "workshop"), pk=board_id)
    return HttpResponse(wall_html(board, Audience.PROJECTOR))
