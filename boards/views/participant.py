"""The phone: join a workshop, see the group's board, pin cards, change own cards, vote."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from boards import services
from boards.events import personal_context, personal_html, wall_context, wall_html
from boards.forms import CardForm, OwnCardForm, VersionForm, VoteForm
from boards.models import Board, Card
from boards.permissions import Refused, can, refusal
from boards.selectors import plenary as read
from boards.selectors.agenda import agenda
from workshop import permissions, ratelimit
from workshop.addresses import limited_address
from workshop.breakouts import group_options
from workshop.codes import TooManyWrongCodes, too_many_wrong_codes, workshop_for_code
from workshop.forms import DisplayNameForm, JoinForm
from workshop.live import Audience
from workshop.models import Assignment, Participant, Workshop
from workshop.permissions import Action, Actor, actor_for
from workshop.services import participant_for_session, participant_join


def closed_page(
    request: HttpRequest, workshop: Workshop, participant: Participant | None
) -> HttpResponse:
    """A closed workshop: thanks, the results where allowed, the consent to be named."""
    context = {
        "workshop": workshop,
        "participant": participant,
        "results_open": participant is not None
        and can(Actor.of(participant), Action.VIEW_RESULTS, workshop=workshop),
    }
    return render(request, "boards/closed.html", context, status=410)


def join(request: HttpRequest, code: str) -> HttpResponse:
    try:
        workshop = workshop_for_code(request, code)
    except TooManyWrongCodes as limited:
        return too_many_wrong_codes(request, code, limited.seconds)
    if workshop is None:
        raise Http404
    participant = participant_for_session(request.session, workshop)
    if not permissions.can_join(workshop):
        return closed_page(request, workshop, participant)
    initial = {}
    if participant is not None:
        initial = {
            "display_name": participant.display_name,
            "named_in_summary": participant.named_in_summary,
            "group": participant.group,
        }
    current = participant.group if participant else None
    form = JoinForm(request.POST or None, workshop=workshop, initial=initial, current=current)
    wait = ratelimit.hit(ratelimit.JOINS, limited_address(request)) if request.POST else None
    if wait is not None:
        form.is_valid()  # the form again as it was sent, with the message above it
        form.add_error(None, ratelimit.message(ratelimit.JOINS, wait))
    elif request.method == "POST" and form.is_valid():
        try:
            participant = participant_join(
                session=request.session, workshop=workshop, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if participant.group is None:  # the facilitators assign the groups
                return redirect("join-wait", code=workshop.join_code)
            return redirect("board", board_id=participant.group.board.pk)
    choosing = "group" in form.fields
    context = {
        "workshop": workshop,
        "form": form,
        "participant": participant,
        "choosing": choosing,
        "all_full": choosing and not form.fields["group"].queryset.exists(),
    }
    response = render(request, "boards/join.html", context)
    return response if wait is None else ratelimit.too_many(response, wait)


def _participant_board(request: HttpRequest, board_id: int) -> tuple[Board, Participant | None]:
    """The board and the participant asking (None for a facilitator); 404 for anyone who
    may not see it. The actor is kept on the request for the action's own check."""
    board = get_object_or_404(
        Board.objects.select_related("group", "workshop__current_phase"), pk=board_id
    )
    actor = actor_for(board.workshop, request.user, request.session)
    if not can(actor, Action.VIEW_BOARD, board=board):
        raise Http404
    request.actor = actor
    return board, actor.participant


def _refused(request: HttpRequest, action: Action, board: Board, template: str) -> HttpResponse:
    message = refusal(request.actor, action, board=board)
    return render(request, template, {"error": message}, status=403)


def _page_context(
    board: Board, participant: Participant | None, form: CardForm | None = None
) -> dict[str, object]:
    audience = Audience.PARTICIPANTS if participant else Audience.FACILITATORS
    context = wall_context(board, audience)
    context.update(
        workshop=board.workshop,
        agenda=agenda(board.workshop),
        participant=participant,
        form=form or CardForm(initial={"client_uuid": uuid.uuid4()}),
    )
    if participant is not None:
        context["name_form"] = DisplayNameForm(
            initial={
                "display_name": participant.display_name,
                "named_in_summary": participant.named_in_summary,
            }
        )
    if participant is not None:
        context["personal"] = personal_context(board, participant)
        # Where participants choose their group, they may change it from the phone.
        workshop = board.workshop
        if board.group_id and can(Actor.of(participant), Action.CHANGE_GROUP, workshop=workshop):
            options = group_options(workshop, board.group)
            context["group_options"] = options if len(options) > 1 else None
    if board.is_plenary:
        context["plenary"] = read.plenary(board.workshop, audience)
        context["spot"] = context["plenary"].spotlight
    elif participant is not None:
        context["spot"] = read.spotlight(board.workshop, audience)
    return context


def board_page(request: HttpRequest, board_id: int) -> HttpResponse:
    board = get_object_or_404(Board.objects.select_related("group", "workshop"), pk=board_id)
    workshop = board.workshop
    if permissions.is_facilitator(request.user, workshop):
        participant = None
    else:
        participant = participant_for_session(request.session, workshop)
        if participant is None:
            raise Http404  # a stranger learns nothing, not even the join code
        if not can(Actor.of(participant), Action.VIEW_BOARD, board=board):
            # Moved meanwhile: to their group's wall; waiting for one: to wait; a removed
            # group: they choose again.
            if participant.group_id is not None:
                return redirect("board", board_id=participant.group.board.pk)
            if workshop.assignment == Assignment.FACILITATOR:
                return redirect("join-wait", code=workshop.join_code)
            return redirect("join", code=workshop.join_code)
        if workshop.is_closed:
            return closed_page(request, workshop, participant)
    return render(request, "boards/board.html", _page_context(board, participant))


@require_POST
def card_post(request: HttpRequest, board_id: int) -> HttpResponse:
    board, participant = _participant_board(request, board_id)
    if not can(request.actor, Action.ADD_CARD, board=board):
        return _refused(request, Action.ADD_CARD, board, "boards/board.html#card-error")
    author = f"p{participant.pk}" if participant is not None else f"u{request.user.pk}"
    wait = ratelimit.hit(ratelimit.CARDS, author)
    if wait is not None:
        # The phone keeps the card in its outbox and sends it again after `Retry-After`.
        error = ratelimit.message(ratelimit.CARDS, wait)
        if request.htmx:
            response = render(request, "boards/board.html#card-error", {"error": error})
        else:
            form = CardForm(request.POST)
            form.is_valid()
            context = _page_context(board, participant, form) | {"error": error}
            response = render(request, "boards/board.html", context)
        return ratelimit.too_many(response, wait)
    form = CardForm(request.POST)
    error, status, drop = None, 400, False
    if form.is_valid():
        try:
            card, _created = services.card_create(
                board=board,
                participant=participant,
                user=request.user if participant is None else None,
                **form.cleaned_data,
            )
        except Refused as exc:
            error, status = exc.message, 403
        except services.Conflict as exc:
            # Theirs but taken off the wall meanwhile: the phone drops it from its outbox.
            # Another author's client id: nothing of that card, and the text goes back.
            error, status, drop = exc.message, 409, isinstance(exc, services.CardGone)
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = next(iter(form.errors.values()))[0]
    if error is not None:
        if request.htmx:
            context = {"error": error, "drop": drop}
            return render(request, "boards/board.html#card-error", context, status=status)
        context = _page_context(board, participant, form) | {"error": error}
        return render(request, "boards/board.html", context, status=status)
    if not request.htmx:
        return redirect("board", board_id=board.pk)
    # The author's own element comes along: it says which cards on the wall are theirs.
    personal = personal_html(board, participant) if participant is not None else ""
    if card.state != card.State.PINNED:
        return HttpResponse(personal)  # hidden or handed in: only the author sees it
    context = {"card": card, "board": board, "audience": "participants"}
    html = render(request, "boards/_wall.html#card", context).content.decode()
    return HttpResponse(html + personal)


def board_snapshot(request: HttpRequest, board_id: int) -> HttpResponse:
    board, participant = _participant_board(request, board_id)
    if participant is None:
        return HttpResponse(wall_html(board, Audience.FACILITATORS))
    if board.workshop.is_closed:
        # As with the socket: a closed workshop no longer updates participants' pages.
        return HttpResponse(status=410)
    return HttpResponse(wall_html(board, Audience.PARTICIPANTS) + personal_html(board, participant))


def _message(request: HttpRequest, message: str, status: int, extra: str = "") -> HttpResponse:
    """A refusal the phone shows as it is (htmx), or the board page with the message."""
    html = render(request, "boards/board.html#message", {"error": message}).content.decode()
    return HttpResponse(html + extra, status=status)


def _stale(
    request: HttpRequest, board: Board, participant: Participant, message: str
) -> HttpResponse:
    """A stale write to an own card: the message, and the wall and the author's own cards as
    they are now (the card's text, place and version), to try again on."""
    current = Board.objects.select_related("group", "workshop").filter(pk=board.pk).first()
    if current is None:
        return _message(request, message, 409)
    now = wall_html(current, Audience.PARTICIPANTS) + personal_html(current, participant)
    return _message(request, message, 409, now)


def _own_card_answer(
    request: HttpRequest, board: Board, participant: Participant, card: Card
) -> HttpResponse:
    """The changed card as the author sees it: on the wall, or in their private cards."""
    if not request.htmx:
        return redirect("board", board_id=board.pk)
    if card.state != Card.State.PINNED:
        return HttpResponse(personal_html(board, participant))
    context = {"card": card, "board": board, "audience": "participants"}
    return render(request, "boards/_wall.html#card", context)


def _own_card(
    request: HttpRequest, board_id: int, card_id: int
) -> tuple[Board, Participant, Card] | HttpResponse:
    board, participant = _participant_board(request, board_id)
    # Not only alive cards: a card deleted meanwhile gets the service's readable 409.
    card = get_object_or_404(board.cards, pk=card_id)
    card.board = board
    if participant is None or card.author_id != participant.pk:
        raise Http404
    if not can(request.actor, Action.EDIT_OWN_CARD, card=card):
        return _message(request, refusal(request.actor, Action.EDIT_OWN_CARD, board=board), 403)
    return board, participant, card


@require_POST
def card_edit(request: HttpRequest, board_id: int, card_id: int) -> HttpResponse:
    found = _own_card(request, board_id, card_id)
    if isinstance(found, HttpResponse):
        return found
    board, participant, card = found
    form = OwnCardForm(request.POST)
    if not form.is_valid():
        return _message(request, next(iter(form.errors.values()))[0], 400)
    try:
        card = services.card_edit(card=card, participant=participant, **form.cleaned_data)
    except Refused as exc:
        return _message(request, exc.message, 403)
    except services.Conflict as exc:
        return _stale(request, board, participant, exc.message)
    except ValidationError as exc:
        return _message(request, exc.messages[0], 400)
    return _own_card_answer(request, board, participant, card)


@require_POST
def card_delete(request: HttpRequest, board_id: int, card_id: int) -> HttpResponse:
    found = _own_card(request, board_id, card_id)
    if isinstance(found, HttpResponse):
        return found
    board, participant, card = found
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _message(request, next(iter(form.errors.values()))[0], 400)
    try:
        services.card_delete(
            card=card, participant=participant, version=form.cleaned_data["version"]
        )
    except Refused as exc:
        return _message(request, exc.message, 403)
    except services.Conflict as exc:
        return _stale(request, board, participant, exc.message)
    if not request.htmx:
        return redirect("board", board_id=board.pk)
    if card.state != Card.State.PINNED:
        return HttpResponse(personal_html(board, participant))
    return HttpResponse("")


def _vote(request: HttpRequest, board_id: int, action: Callable[..., int]) -> HttpResponse:
    board, participant = _participant_board(request, board_id)
    if participant is None or not can(request.actor, Action.VOTE, board=board):
        return _message(request, refusal(request.actor, Action.VOTE, board=board), 403)
    wait = ratelimit.hit(ratelimit.VOTES, f"p{participant.pk}")
    if wait is not None:
        # With the participant's real state, so that the phone takes back its guess.
        message = ratelimit.message(ratelimit.VOTES, wait)
        return ratelimit.too_many(
            _message(request, message, 429, personal_html(board, participant)), wait
        )
    voting = board.voting_rounds.filter(closed_at=None).first()
    if voting is None:  # closed between the check and here
        return _message(request, _("Voting is closed."), 400, personal_html(board, participant))
    form = VoteForm(request.POST, board=board)
    if not form.is_valid():
        return _message(request, next(iter(form.errors.values()))[0], 400)
    try:
        action(voting=voting, participant=participant, **form.cleaned_data)
    except Refused as exc:
        return _message(request, exc.message, 403, personal_html(board, participant))
    except ValidationError as exc:
        # With the message comes the participant's real state, so the phone can undo its guess.
        return _message(request, exc.messages[0], 400, personal_html(board, participant))
    if not request.htmx:
        return redirect("board", board_id=board.pk)
    return HttpResponse(personal_html(board, participant))


@require_POST
def me_update(request: HttpRequest, board_id: int) -> HttpResponse:
    """The participant changes their own display name (and consent) from the phone."""
    board, participant = _participant_board(request, board_id)
    if participant is None:
        raise Http404  # facilitators rename people on the moderation wall
    if not permissions.can_rename_self(participant):
        closed = _("This workshop is closed. Your name can no longer be changed.")
        return _message(request, closed, 403)
    form = DisplayNameForm(request.POST)
    if not form.is_valid():
        return _message(request, next(iter(form.errors.values()))[0], 400)
    services.participant_rename(participant=participant, **form.cleaned_data)
    if not request.htmx:
        return redirect("board", board_id=board.pk)
    context = {"participant": participant, "board": board, "workshop": board.workshop}
    return render(request, "boards/board.html#me", context)


@require_POST
def vote_cast(request: HttpRequest, board_id: int) -> HttpResponse:
    return _vote(request, board_id, services.vote_cast)


@require_POST
def vote_retract(request: HttpRequest, board_id: int) -> HttpResponse:
    return _vote(request, board_id, services.vote_retract)
