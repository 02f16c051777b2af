"""The summary as Markdown (CommonMark), from the summary document."""

from __future__ import annotations

from django.utils import translation

from boards.exports import Format, Options, markup, register
from boards.selectors.summary import SummaryDocument, summary_document
from workshop.models import Workshop


def markdown(document: SummaryDocument) -> str:
    lines = [f"# {markup.escape(document.title)}"]
    if document.subtitle:
        lines.append(markup.escape(document.subtitle))
    with translation.override(document.language):
        byline = document.byline
    if byline:
        lines.append(markup.escape(byline))
    for section in document.shown:
        lines.append(f"## {markup.escape(section.title)}")
        lines.append(markup.serialize(section.blocks))
    return "\n\n".join(lines) + "\n"


def render(workshop: Workshop, options: Options) -> bytes:
    return markdown(summary_document(workshop, options.language)).encode()


register(Format("md", "Markdown", "md", "text/markdown; charset=utf-8", render))
