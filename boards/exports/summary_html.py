"""The summary as a print-friendly, standalone HTML page (its stylesheet inlined), and the page
the PDF is made from."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from boards.exports import Format, Options, register
from boards.exports.pdf import stylesheet
from boards.selectors.summary import SummaryDocument, summary_document
from workshop.models import Workshop


def summary_html(document: SummaryDocument) -> str:
    with translation.override(document.language):
        return render_to_string(
            "exports/summary.html",
            {
                "document": document,
                "byline": document.byline,
                "sections": document.shown,
                "css": stylesheet("css/print.css"),
            },
        )


def render(workshop: Workshop, options: Options) -> bytes:
    return summary_html(summary_document(workshop, options.language)).encode()


register(Format("html", "HTML", "html", "text/html; charset=utf-8", render))
