"""Every export of a workshop, by format: what the export page, `export_workshop` and the
tests call. Each renders from the read model (boards/selectors/), never from queries of its own,
and returns the file's bytes; nothing is stored.

A format registers itself with `register`; `boards/exports/formats.py` imports them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.text import slugify

from workshop.models import Workshop


@dataclass(frozen=True)
class Options:
    """What the asker chose: the document's language (None: the summary's own), which wall
    (None: all), and the address phones reach (the poster)."""

    language: str | None = None
    board_id: int | None = None
    public_url: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Format:
    key: str  # "md", "docx", ... as in `export_workshop --format`
    label: str  # shown on the export page (translated when shown)
    extension: str
    content_type: str
    render: Callable[[Workshop, Options], bytes]
    slow: bool = False  # the page shows that it is working
    description: str = ""


FORMATS: dict[str, Format] = {}


class ExportError(ValueError):
    """An export that cannot be made as asked (a poster for 127.0.0.1, an unknown wall); the
    message says why, in the asker's language, and is shown as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def register(fmt: Format) -> Format:
    FORMATS[fmt.key] = fmt
    return fmt


def filename(workshop: Workshop, fmt: Format, suffix: str = "") -> str:
    base = slugify(workshop.title) or "workshop"
    return f"{base}{suffix}.{fmt.extension}"


def export_formats() -> dict[str, Format]:
    """Every registered format (importing them registers them)."""
    from boards.exports import formats  # noqa: F401

    return FORMATS


def export(workshop: Workshop, key: str, options: Options | None = None) -> bytes:
    export_formats()
    return FORMATS[key].render(workshop, options or Options())
