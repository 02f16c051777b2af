"""Every card participants may see, one a row, for a spreadsheet: UTF-8 with a BOM,
semicolons and CRLF, so that Excel opens it with its umlauts; a cell that would start a
formula is prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _, gettext_noop

from boards.exports import ExportError, Format, Options, register
from boards.models import Card, Color
from boards.selectors.plenary import PlenaryGroup, group_boards, plenary_groups
from boards.selectors.summary import named_people, summary_settings
from workshop.live import Audience
from workshop.models import Workshop

# What a spreadsheet reads as the start of a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def named_authors(workshop: Workshop) -> dict[int, str]:
    """The display names of the participants who agreed to be named, by participant id."""
    return dict(named_people(workshop).values_list("pk", "display_name"))


def document_groups(workshop: Workshop, board_id: int | None = None) -> list[PlenaryGroup]:
    """The groups' walls and then the plenary's, as participants may see them."""
    boards, own = group_boards(workshop)
    if own is not None:
        boards.append(own)
    if board_id is not None:
        boards = [b for b in boards if b.pk == board_id]
    return plenary_groups(boards, Audience.PARTICIPANTS)


def _headers() -> list[str]:
    return [
        _("Group"),
        _("Cluster"),
        _("Kind"),
        _("Colour"),
        _("Text"),
        _("Dots"),
        _("Time"),
        _("Author"),
    ]


def _row(
    group: str, cluster: str, card: Card, dots: int | None, names: dict[int, str]
) -> list[str]:
    written = timezone.localtime(card.created_at).strftime("%Y-%m-%d %H:%M")
    return [
        group,
        cluster,
        str(Card.Kind(card.kind).label) if card.kind in Card.Kind.values else card.kind,
        str(Color(card.color).label) if card.color in Color.values else card.color,
        card.text,
        "" if dots is None else str(dots),
        written,
        names.get(card.author_id, "") if card.author_id else "",  # type: ignore[arg-type]
    ]


def render(workshop: Workshop, options: Options) -> bytes:
    language = options.language or summary_settings(workshop).language
    groups = document_groups(workshop, options.board_id)
    if options.board_id is not None and not groups:
        with translation.override(language):
            raise ExportError(_("This wall is not part of the workshop."))
    names = named_authors(workshop)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    with translation.override(language):
        writer.writerow(_headers())
        for section in groups:
            name = section.name or _("Plenary")
            for ranked in section.clusters:
                for card, dots in ranked.cards:
                    writer.writerow(
                        [safe_cell(v) for v in _row(name, ranked.cluster.title, card, dots, names)]
                    )
            for card, dots in section.cards:
                writer.writerow([safe_cell(v) for v in _row(name, "", card, dots, names)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


register(
    Format(
        "csv",
        "CSV (Excel)",
        "csv",
        "text/csv; charset=utf-8",
        render,
        description=gettext_noop(
            "All cards, one a row: group, cluster, kind, colour, text, dots, time, author."
        ),
    )
)
