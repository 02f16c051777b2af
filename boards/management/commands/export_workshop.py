"""Export a workshop in any registered format: `export_workshop CODE --format csv`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from boards.exports import FORMATS, ExportError, Options, export
from workshop.ids import parse_id
from workshop.models import Workshop, normalize_join_code


def find_workshop(key: str) -> Workshop:
    """The workshop with this join code, or with this id."""
    code = normalize_join_code(key)
    workshop = Workshop.objects.filter(join_code=code).first() if code else None
    number = parse_id(key.strip())
    if workshop is None and number is not None:
        workshop = Workshop.objects.filter(pk=number).first()
    if workshop is None:
        raise CommandError(f"No workshop with the join code or id {key!r}.")
    return workshop


class Command(BaseCommand):
    help = "Export a workshop (by join code or id) in one of the registered formats."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workshop", help="join code or id")
        parser.add_argument("--format", required=True, help="md, docx, pdf, html, csv, json, ...")
        parser.add_argument("--language", choices=["de", "en"], default=None)
        parser.add_argument("--output", type=Path, default=None, help="file (default: stdout)")
        parser.add_argument("--board", type=int, default=None, help="one wall's id")

    def handle(self, *args: object, **options: object) -> None:
        from boards.exports import formats  # noqa: F401  (registers every format)

        key = str(options["format"])
        if key not in FORMATS:
            known = ", ".join(sorted(FORMATS))
            raise CommandError(f"Unknown format {key!r}. Registered formats: {known}.")
        workshop = find_workshop(str(options["workshop"]))
        language = options["language"]
        asked = Options(language=language, board_id=options["board"])  # type: ignore[arg-type]
        try:
            with translation.override(language or translation.get_language()):
                data = export(workshop, key, asked)
        except ExportError as error:
            raise CommandError(error.message) from None
        output = options["output"]
        if output is not None:
            Path(output).write_bytes(data)  # type: ignore[arg-type]
            return
        out = self.stdout._out  # the bytes as they are, not re-encoded text
        getattr(out, "buffer", out).write(data)
        out.flush()
