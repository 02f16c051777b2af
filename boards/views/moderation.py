"""The facilitator's moderation wall of one board. (Being built: see issue 3.)"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def _todo(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    return HttpResponse(status=501)


board = configure = reveal = pin = undo = merge = _todo
card_move = card_edit = card_delete = card_hide = _todo
cluster_create = cluster_rename = cluster_dissolve = voting_start = voting_close = _todo
