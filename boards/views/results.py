"""The results: the export page, the summary editor, each export's download, and the
read-only results page that participants may open after the workshop.

Facilitators and organisers of the workshop reach the first three (404 for anyone else); all
ask the same predicate (`boards.permissions.can`) as the services do. An export is rendered
on request, never stored, and never on the request thread: daphne runs sync views on one
shared thread, so the download view is async and renders in a worker thread, while every
phone's card is answered meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass

from asgiref.sync import sync_to_async
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from boards import exports
from boards.exports import ExportError, Options
from boards.exports.wall_picture import file_type
from boards.models import Summary
from boards.permissions import Refused, can
from boards.selectors.plenary import group_boards, plenary
from boards.selectors.summary import summary_document, summary_settings
from boards.services import summary as services
from boards.services.retention import retention
from workshop import services as workshop_services
from workshop.decorators import results_action
from workshop.ids import parse_id
from workshop.links import absolute
from workshop.live import Audience
from workshop.models import Workshop
from workshop.permissions import STRANGER, Action, Actor, staff_actor
from workshop.services import participant_for_session


@dataclass(frozen=True)
class Download:
    key: str
    label: str
    description: str
    url: str
    slow: bool


def _url(workshop: Workshop, key: str, **query: object) -> str:
    base = reverse("workshop:export", args=[workshop.pk, key])
    pairs = "&".join(f"{k}={v}" for k, v in query.items() if v not in (None, ""))
    return f"{base}?{pairs}" if pairs else base


DOCUMENTS = [
    ("pdf", gettext_lazy("PDF"), gettext_lazy("Tagged PDF (PDF/UA) to file and send")),
    ("docx", gettext_lazy("Word (DOCX)"), gettext_lazy("To go on writing in Word or LibreOffice")),
    ("md", gettext_lazy("Markdown"), gettext_lazy("Plain text, for a wiki or an e-mail")),
    ("html", gettext_lazy("Web page"), gettext_lazy("A page to print from the browser")),
]
DATA = [
    ("csv", gettext_lazy("Cards (CSV)"), gettext_lazy("Every card, for a spreadsheet")),
    ("json", gettext_lazy("Whole workshop (JSON)"), gettext_lazy("To import it again elsewhere")),
]


def _downloads(workshop: Workshop, rows, language: str) -> list[Download]:
    exports.export_formats()
    out = []
    for key, label, description in rows:
        fmt = exports.FORMATS.get(key)
        if fmt is not None:
            out.append(
                Download(
                    key, str(label), str(description), _url(workshop, key, lang=language), fmt.slow
                )
            )
    return out


def _walls(workshop: Workshop, language: str) -> list[dict[str, object]]:
    exports.export_formats()
    boards, own = group_boards(workshop)
    out = []
    for board in [*boards, *([own] if own else [])]:
        name = board.group.name if board.group else _("The plenary's wall")
        links = [
            Download(key, key.upper(), "", _url(workshop, key, board=board.pk, lang=language), True)
            for key in ("svg", "png")
            if key in exports.FORMATS
        ]
        if links:
            out.append({"name": name, "links": links})
    return out


@results_action(Action.VIEW_RESULTS)
def results_page(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    """The export page: every export in one click, during and after the workshop."""
    summary = summary_settings(workshop)
    language = summary.language
    exports.export_formats()
    room = []
    if "poster" in exports.FORMATS:
        room = [
            Download(
                "poster",
                _("Poster (A4)"),
                _("QR code, join code and link, for the door or a wall"),
                _url(workshop, "poster", size="a4"),
                True,
            ),
            Download(
                "poster",
                _("Handout"),
                _("Small cards with the QR code, to put on the tables"),
                _url(workshop, "poster", size="handout"),
                True,
            ),
        ]
    context = {
        "workshop": workshop,
        "summary": summary,
        "is_facilitator": request.actor.is_facilitator,
        "documents": _downloads(workshop, DOCUMENTS, language),
        "data": _downloads(workshop, DATA, language),
        "walls": _walls(workshop, language),
        "room": room,
        "languages": Summary.Language.choices,
        "template_url": reverse("workshop:template", args=[workshop.pk]),
        "retention": retention(workshop),
    }
    return render(request, "boards/results.html", context)


# ---- The summary editor ------------------------------------------------------------------


class SectionForm(forms.Form):
    title = forms.CharField(max_length=services.MAX_TITLE, required=False)
    body = forms.CharField(max_length=services.MAX_BODY, required=False, strip=False)
    seen = forms.CharField(max_length=64, required=False)


@results_action(Action.EDIT_SUMMARY)
def summary_editor(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    document = summary_document(workshop)
    context = {
        "workshop": workshop,
        "document": document,
        "languages": Summary.Language.choices,
        "export_pdf": _url(workshop, "pdf") if "pdf" in exports.FORMATS else "",
        "export_docx": _url(workshop, "docx") if "docx" in exports.FORMATS else "",
        "export_md": _url(workshop, "md"),
        "max_body": services.MAX_BODY,
    }
    return render(request, "boards/summary.html", context)


def _back(workshop: Workshop, key: str = "") -> HttpResponse:
    url = reverse("workshop:summary", args=[workshop.pk])
    return redirect(f"{url}#section-{key}" if key else url)


def _edit(request: HttpRequest, workshop: Workshop, key: str, change) -> HttpResponse:
    try:
        change()
    except Refused as refused:
        raise PermissionDenied(refused.message) from None
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return _back(workshop, key)


@results_action(Action.EDIT_SUMMARY)
@require_POST
def section_save(request: HttpRequest, workshop: Workshop, key: str) -> HttpResponse:
    form = SectionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The text is too long: at most %(n)d characters.") % {"n": services.MAX_BODY}
        )
        return _back(workshop, key)
    data = form.cleaned_data
    messages.success(request, _("Saved. The exports use your wording."))
    return _edit(
        request,
        workshop,
        key,
        lambda: services.section_save(
            request.actor, workshop, key, title=data["title"], body=data["body"], seen=data["seen"]
        ),
    )


@results_action(Action.EDIT_SUMMARY)
@require_POST
def section_draft(request: HttpRequest, workshop: Workshop, key: str) -> HttpResponse:
    return _edit(
        request, workshop, key, lambda: services.section_take_draft(request.actor, workshop, key)
    )


@results_action(Action.EDIT_SUMMARY)
@require_POST
def section_include(request: HttpRequest, workshop: Workshop, key: str) -> HttpResponse:
    included = request.POST.get("included") == "1"
    return _edit(
        request,
        workshop,
        key,
        lambda: services.section_include(request.actor, workshop, key, included=included),
    )


@results_action(Action.EDIT_SUMMARY)
@require_POST
def section_move(request: HttpRequest, workshop: Workshop, key: str) -> HttpResponse:
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        return HttpResponseBadRequest(_("A section moves up or down."))
    return _edit(
        request,
        workshop,
        key,
        lambda: services.section_move(request.actor, workshop, key, step=step),
    )


@results_action(Action.EDIT_SUMMARY)
@require_POST
def summary_language(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    language = request.POST.get("language", "")
    return _edit(
        request,
        workshop,
        "",
        lambda: services.language_set(request.actor, workshop, language=language),
    )


@results_action(Action.EDIT_SUMMARY)
@require_POST
def results_public(request: HttpRequest, workshop: Workshop) -> HttpResponse:
    if not request.actor.is_facilitator:
        raise PermissionDenied
    public = request.POST.get("public") == "1"
    workshop_services.results_public_set(workshop=workshop, public=public)
    if public and workshop.is_closed:
        messages.success(request, _("Participants can open the results now."))
    elif public:
        messages.success(
            request, _("Participants can open the results once the workshop is closed.")
        )
    else:
        messages.success(request, _("The results are for facilitators and organisers only."))
    return redirect("workshop:results", workshop_id=workshop.pk)


# ---- Downloads: rendered in a worker thread ------------------------------------------------


class BadExport(Exception):
    pass


def _prepare(request: HttpRequest, workshop_id: int, key: str) -> tuple[Workshop, Options, str]:
    """Who asks, and what: on the shared sync thread (quick), before the render."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    actor = staff_actor(request.user, workshop)
    if actor is STRANGER:
        raise Http404
    if not can(actor, Action.EXPORT, workshop=workshop):
        raise PermissionDenied
    exports.export_formats()
    if key not in exports.FORMATS:
        raise Http404
    language = request.GET.get("lang") or None
    if language is not None and language not in Summary.Language.values:
        raise BadExport(_("Please choose German or English."))
    board_id = None
    if request.GET.get("board"):
        board_id = parse_id(request.GET["board"])
        if board_id is None or not workshop.boards.filter(pk=board_id).exists():
            raise BadExport(_("This wall is not part of the workshop."))
    size = request.GET.get("size", "")
    if size not in ("", "a4", "handout"):
        raise BadExport(_("Please choose the poster or the handout."))
    options = Options(
        language=language,
        board_id=board_id,
        public_url=absolute(request, "/").rstrip("/"),
        extra={"size": size} if size else {},
    )
    return workshop, options, key


class Renderer:
    """Where exports render: in a worker thread of their own (`threads`), so that the shared
    sync thread keeps answering the room. Tests whose data is in an open transaction render
    on the request's thread instead (another thread's connection would not see it)."""

    threads = True


renderer = Renderer()


def _render(workshop: Workshop, key: str, options: Options, language: str) -> bytes:
    """In a worker thread, with its own database connection (closed when done); messages in
    the asker's language."""
    with translation.override(language):
        if not renderer.threads:
            return exports.export(workshop, key, options)
        try:
            return exports.export(workshop, key, options)
        finally:
            close_old_connections()


async def export_download(request: HttpRequest, workshop_id: int, key: str) -> HttpResponse:
    try:
        workshop, options, key = await sync_to_async(_prepare)(request, workshop_id, key)
    except BadExport as error:
        return HttpResponseBadRequest(str(error))
    try:
        render_ = sync_to_async(_render, thread_sensitive=not renderer.threads)
        content = await render_(workshop, key, options, translation.get_language())
    except ExportError as error:
        return HttpResponseBadRequest(error.message, content_type="text/plain; charset=utf-8")
    fmt = exports.FORMATS[key]
    extension, content_type = fmt.extension, fmt.content_type
    if key in ("svg", "png"):
        extension, content_type = file_type(fmt, options)  # all walls: a ZIP
    response = HttpResponse(content, content_type=content_type)
    suffix = ""
    if options.board_id is not None:
        suffix = f"-{options.board_id}"
    elif options.extra.get("size") == "handout":
        suffix = "-handout"
    inline = request.GET.get("inline") == "1" and key in ("html", "pdf")
    name = exports.filename(workshop, fmt, suffix).rsplit(".", 1)[0] + f".{extension}"
    response["Content-Disposition"] = content_disposition_header(not inline, name)
    if inline and key == "html":
        # The print page carries its stylesheet inline, and no script at all.
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        )
    response["Cache-Control"] = "no-store"
    return response


# ---- Participants after the workshop -------------------------------------------------------


def results_for_participants(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """The walls, the plenary and the conclusions, read-only: for facilitators and organisers
    always, for participants once the workshop is closed, where it is allowed."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    actor = staff_actor(request.user, workshop)
    if actor is STRANGER:
        actor = Actor.of(participant_for_session(request.session, workshop))
        if actor is STRANGER:
            raise Http404
    if not can(actor, Action.VIEW_RESULTS, workshop=workshop):
        raise Http404
    context = {
        "workshop": workshop,
        "plenary": plenary(workshop, Audience.PARTICIPANTS),
        "audience": Audience.PARTICIPANTS,
        "participant": actor.participant,
    }
    return render(request, "boards/results_public.html", context)


@require_POST
def consent(request: HttpRequest, workshop_id: int) -> HttpResponse:
    """A participant gives or withdraws consent to be named in the summary, also after the
    workshop has closed (the closed page and the results page offer it)."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    participant = participant_for_session(request.session, workshop)
    if participant is None or participant.removed_at is not None:
        raise Http404
    named = request.POST.get("named") == "1"
    participant = workshop_services.consent_set(participant=participant, named=named)
    if named and not participant.named_in_summary:
        messages.error(request, _("Without a name there is nothing to name: you stay anonymous."))
    elif named:
        messages.success(request, _("The summary may name you."))
    else:
        messages.success(request, _("The summary will not name you."))
    back = request.POST.get("next", "")
    if back == "results":
        return redirect("results", workshop_id=workshop.pk)
    return redirect("join", code=workshop.join_code)


urlpatterns = [
    path("<id:workshop_id>/results/", results_page, name="results"),
    path("<id:workshop_id>/results/public/", results_public, name="results-public"),
    path("<id:workshop_id>/summary/", summary_editor, name="summary"),
    path("<id:workshop_id>/summary/language/", summary_language, name="summary-language"),
    path("<id:workshop_id>/summary/<slug:key>/", section_save, name="section-save"),
    path("<id:workshop_id>/summary/<slug:key>/draft/", section_draft, name="section-draft"),
    path("<id:workshop_id>/summary/<slug:key>/include/", section_include, name="section-include"),
    path("<id:workshop_id>/summary/<slug:key>/move/", section_move, name="section-move"),
    path("<id:workshop_id>/export/<slug:key>/", export_download, name="export"),
]
