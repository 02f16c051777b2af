"""The facilitator's moderation wall of one board, and the moderation actions on it.

Every action answers an htmx request with 204 (the wall itself arrives over the socket,
pushed by the service after commit), a refused one with 400 or 409 and a message the
client shows as a toast. A plain form post is redirected back to the wall instead.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from boards import services
from boards.events import wall_context, wall_html
from boards.forms import EMPTY_CARD, VersionForm
from boards.models import Board, Card, Color
from boards.services.voting import MAX_DOTS
from workshop.decorators import facilitator_required
from workshop.forms import OUT_OF_DATE, IdField, IdsField, VisibleCharField
from workshop.live import Audience
from workshop.models import Workshop

Action = Callable[..., HttpResponse]
END = 10**6  # "Move to …" without a place: the service clamps this to the end of the list

# What "Undo last step" takes back, in the facilitator's words.
STEP_LABELS = {
    "create": gettext_lazy("writing a card"),
    "edit": gettext_lazy("editing a card"),
    "delete": gettext_lazy("deleting a card"),
    "hide": gettext_lazy("hiding or showing a card"),
    "move": gettext_lazy("moving a card"),
    "merge": gettext_lazy("merging cards"),
    "cluster-create": gettext_lazy("creating a cluster"),
    "cluster-rename": gettext_lazy("renaming a cluster"),
    "cluster-dissolve": gettext_lazy("dissolving a cluster"),
}


class ConfigureForm(forms.Form):
    mode = forms.ChoiceField(choices=Board.Mode.choices, required=False)
    card_color = forms.ChoiceField(choices=Color.choices, required=False)
    # NullBooleanField: a form that does not send the field leaves the setting alone.
    locked = forms.NullBooleanField(required=False)
    participants_choose_color = forms.NullBooleanField(required=False)


class MoveForm(VersionForm):
    cluster = IdField(required=False)
    index = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=END,
        error_messages=dict.fromkeys(["invalid", "min_value", "max_value"], OUT_OF_DATE),
    )


class EditForm(VersionForm):
    text = VisibleCharField(max_length=2000, error_messages={"required": EMPTY_CARD})
    color = forms.ChoiceField(choices=Color.choices, required=False)
    kind = forms.ChoiceField(choices=Card.Kind.choices, required=False)


class ComposeForm(forms.Form):
    """A card the facilitators write on the wall: any kind, any colour, into a cluster."""

    text = VisibleCharField(max_length=2000, error_messages={"required": EMPTY_CARD})
    kind = forms.ChoiceField(choices=Card.Kind.choices, required=False)
    color = forms.ChoiceField(choices=Color.choices, required=False)
    cluster = IdField(required=False)
    client_uuid = forms.UUIDField(
        error_messages=dict.fromkeys(["required", "invalid"], OUT_OF_DATE)
    )


HEADING_REQUIRED = gettext_lazy("Give the cluster a heading.")


class ClusterForm(forms.Form):
    title = VisibleCharField(max_length=200, error_messages={"required": HEADING_REQUIRED})
    cards = IdsField(required=False)


class ClusterRenameForm(VersionForm):
    title = VisibleCharField(max_length=200, error_messages={"required": HEADING_REQUIRED})


class PinForm(forms.Form):
    card = IdField(required=False)  # none: every card waiting in the inbox


class MergeForm(forms.Form):
    cards = IdsField(
        error_messages={"required": gettext_lazy("Select at least two cards to merge.")}
    )
    target = IdField(required=False)


class VotingForm(forms.Form):
    dots_per_participant = forms.IntegerField(min_value=1, max_value=MAX_DOTS)
    max_per_target = forms.IntegerField(min_value=1, max_value=MAX_DOTS)
    cumulative = forms.BooleanField(required=False)
    show_totals = forms.BooleanField(required=False)


def _form_error(form: forms.Form) -> ValidationError:
    """The first thing wrong with the form, as its field says it."""
    return ValidationError(next(iter(form.errors.values()))[0])


def _refused(request: HttpRequest, board: Board, message: str, status: int) -> HttpResponse:
    if request.htmx:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    messages.error(request, message)
    return redirect("workshop:board", workshop_id=board.workshop_id, board_id=board.pk)


def _conflict(request: HttpRequest, board: Board, message: str) -> HttpResponse:
    """A stale write: the message, and the wall as it is now (every card's text, place and
    version, the revision), so the facilitator sees what won and can try again on it."""
    current = Board.objects.select_related("group", "workshop").filter(pk=board.pk).first()
    if not request.htmx or current is None:  # a wall deleted meanwhile has no state to show
        return _refused(request, board, message, 409)
    said = render(request, "boards/board.html#message", {"error": message}).content.decode()
    return HttpResponse(said + wall_html(current, Audience.FACILITATORS), status=409)


def _done(request: HttpRequest, board: Board, message: str = "") -> HttpResponse:
    if request.htmx:
        return HttpResponse(status=204)
    if message:
        messages.success(request, message)
    return redirect("workshop:board", workshop_id=board.workshop_id, board_id=board.pk)


def moderation_action(view: Action) -> Action:
    """POST by a facilitator on a board of their workshop; refusals become 400 or 409."""

    @facilitator_required
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, workshop: Workshop, board_id: int, **kwargs: object):
        board = get_object_or_404(workshop.boards.select_related("group", "workshop"), pk=board_id)
        try:
            return view(request, board, **kwargs)
        except services.Conflict as conflict:
            return _conflict(request, board, conflict.message)
        except ValidationError as error:
            return _refused(request, board, " ".join(error.messages), 400)

    return wrapper


def _panel_context(request: HttpRequest, board: Board) -> dict[str, object]:
    context = wall_context(board, Audience.FACILITATORS)
    step = board.moderation_steps.filter(undone_at=None).first()
    participants = board.group.participants.filter(removed_at=None) if board.group else []
    context.update(
        workshop=board.workshop,
        moderate=True,
        new_card_uuid=uuid.uuid4(),
        card_max_length=settings.STELLWAND_CARD_MAX_LENGTH,
        last_step=STEP_LABELS.get(step.action, "") if step else "",
        participants=participants,
        colors=Color.choices,
        kinds=Card.Kind.choices,
        modes=Board.Mode.choices,
        max_dots=MAX_DOTS,
        here=request.path,
    )
    return context


@facilitator_required
def board(request: HttpRequest, workshop: Workshop, board_id: int) -> HttpResponse:
    board = get_object_or_404(workshop.boards.select_related("group", "workshop"), pk=board_id)
    template = "boards/moderate.html"
    if request.htmx and request.GET.get("part") == "panel":
        template += "#panel"  # refreshed by moderate.js after every push to this wall
    context = _panel_context(request, board)
    # One query for the links to the other walls (their names come from their groups).
    context["other_boards"] = workshop.boards.select_related("group").exclude(pk=board.pk)
    return render(request, template, context)


@moderation_action
def configure(request: HttpRequest, board: Board) -> HttpResponse:
    form = ConfigureForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    data = form.cleaned_data
    services.board_configure(
        board=board,
        mode=data["mode"] or None,
        locked=data["locked"],
        card_color=data["card_color"] or None,
        participants_choose_color=data["participants_choose_color"],
    )
    return _done(request, board, _("The board settings were saved."))


@moderation_action
def reveal(request: HttpRequest, board: Board) -> HttpResponse:
    count = services.cards_reveal(board=board, user=request.user)
    message = ngettext("%(n)d card revealed.", "%(n)d cards revealed.", count) % {"n": count}
    return _done(request, board, message)


@moderation_action
def pin(request: HttpRequest, board: Board) -> HttpResponse:
    form = PinForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    card_id = form.cleaned_data["card"]
    card = get_object_or_404(board.cards, pk=card_id) if card_id is not None else None
    count = services.cards_pin(board=board, user=request.user, card=card)
    message = ngettext("%(n)d card pinned.", "%(n)d cards pinned.", count) % {"n": count}
    return _done(request, board, message)


@moderation_action
def undo(request: HttpRequest, board: Board) -> HttpResponse:
    services.moderation_undo(board=board, user=request.user)
    return _done(request, board, _("The last step was undone."))


@moderation_action
def merge(request: HttpRequest, board: Board) -> HttpResponse:
    form = MergeForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    ids = form.cleaned_data["cards"]
    pinned = board.cards.alive().filter(state=Card.State.PINNED)
    chosen = {card.pk: card for card in pinned.filter(pk__in=ids)}
    picked = [chosen[pk] for pk in dict.fromkeys(ids) if pk in chosen]
    if len(picked) < 2:
        raise ValidationError(_("Select at least two cards to merge."))
    target = chosen.get(form.cleaned_data["target"]) or picked[0]
    services.card_merge(target=target, sources=picked, user=request.user)
    return _done(request, board, _("The cards were merged."))


@moderation_action
def card_add(request: HttpRequest, board: Board) -> HttpResponse:
    form = ComposeForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    data = form.cleaned_data
    cluster = None
    if data["cluster"] is not None:
        cluster = board.clusters.filter(pk=data["cluster"]).first()
        if cluster is None:
            raise services.Conflict(_("This cluster was dissolved just now."))
    services.card_create(
        board=board,
        text=data["text"],
        client_uuid=data["client_uuid"],
        user=request.user,
        color=data["color"],
        kind=data["kind"] or Card.Kind.NORMAL,
        cluster=cluster,
    )
    return _done(request, board, _("The card is on the wall."))


@moderation_action
def card_move(request: HttpRequest, board: Board, card_id: int) -> HttpResponse:
    card = get_object_or_404(board.cards, pk=card_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    data = form.cleaned_data
    cluster = None
    if data["cluster"] is not None:
        cluster = board.clusters.filter(pk=data["cluster"]).first()
        if cluster is None:
            raise services.Conflict(_("This cluster was dissolved just now."))
    services.card_move(
        card=card,
        cluster=cluster,
        index=END if data["index"] is None else data["index"],
        version=data["version"],
        user=request.user,
    )
    return _done(request, board, _("The card was moved."))


@moderation_action
def card_edit(request: HttpRequest, board: Board, card_id: int) -> HttpResponse:
    card = get_object_or_404(board.cards, pk=card_id)
    form = EditForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    data = form.cleaned_data
    services.card_edit(
        card=card,
        text=data["text"],
        version=data["version"],
        user=request.user,
        color=data["color"] or None,
        kind=data["kind"] or None,
    )
    return _done(request, board, _("The card was saved."))


@moderation_action
def card_delete(request: HttpRequest, board: Board, card_id: int) -> HttpResponse:
    card = get_object_or_404(board.cards, pk=card_id)
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    services.card_delete(card=card, version=form.cleaned_data["version"], user=request.user)
    return _done(request, board, _("The card was deleted."))


@moderation_action
def card_hide(request: HttpRequest, board: Board, card_id: int) -> HttpResponse:
    card = get_object_or_404(board.cards, pk=card_id)
    hidden = request.POST.get("hidden", "true") == "true"
    services.card_hide(card=card, hidden=hidden, user=request.user)
    message = (
        _("The card is hidden from participants.") if hidden else _("The card is shown again.")
    )
    return _done(request, board, message)


@moderation_action
def cluster_create(request: HttpRequest, board: Board) -> HttpResponse:
    form = ClusterForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    ids = form.cleaned_data["cards"]
    cards = list(board.cards.alive().filter(pk__in=ids, state=Card.State.PINNED))
    cards.sort(key=lambda card: ids.index(card.pk))
    services.cluster_create(
        board=board, title=form.cleaned_data["title"], user=request.user, cards=cards
    )
    return _done(request, board, _("The cluster was created."))


@moderation_action
def cluster_rename(request: HttpRequest, board: Board, cluster_id: int) -> HttpResponse:
    cluster = get_object_or_404(board.clusters, pk=cluster_id)
    form = ClusterRenameForm(request.POST)
    if not form.is_valid():
        raise _form_error(form)
    services.cluster_rename(
        cluster=cluster,
        title=form.cleaned_data["title"],
        version=form.cleaned_data["version"],
        user=request.user,
    )
    return _done(request, board, _("The cluster was renamed."))


@moderation_action
def cluster_dissolve(request: HttpRequest, board: Board, cluster_id: int) -> HttpResponse:
    cluster = board.clusters.filter(pk=cluster_id).first()
    if cluster is None:
        raise services.Conflict(_("This cluster was dissolved just now."))
    services.cluster_dissolve(cluster=cluster, user=request.user)
    return _done(request, board, _("The cluster was dissolved; its cards stay on the wall."))


@moderation_action
def voting_start(request: HttpRequest, board: Board) -> HttpResponse:
    form = VotingForm(request.POST)
    if not form.is_valid():
        raise ValidationError(
            _("Give each participant between 1 and %(max)d dots.") % {"max": MAX_DOTS}
        )
    services.voting_start(board=board, user=request.user, **form.cleaned_data)
    return _done(request, board, _("Voting has started."))


@moderation_action
def voting_close(request: HttpRequest, board: Board) -> HttpResponse:
    voting = board.voting_rounds.filter(closed_at=None).first()
    if voting is None:
        raise services.Conflict(_("No voting round is running on this board."))
    services.voting_close(voting=voting, user=request.user)
    return _done(request, board, _("Voting is closed. Everyone sees the ranking."))
