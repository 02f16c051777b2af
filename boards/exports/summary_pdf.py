"""The summary as a tagged PDF (PDF/UA-1), from its print HTML."""

from __future__ import annotations

from boards.exports import Format, Options, register
from boards.exports.pdf import html_to_pdf
from boards.exports.summary_html import summary_html
from boards.selectors.summary import summary_document
from workshop.models import Workshop


def render(workshop: Workshop, options: Options) -> bytes:
    return html_to_pdf(summary_html(summary_document(workshop, options.language)))


register(Format("pdf", "PDF", "pdf", "application/pdf", render, slow=True))
