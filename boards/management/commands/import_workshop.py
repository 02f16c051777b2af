"""Import a workshop from a JSON export: `import_workshop FILE --user USERNAME`."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from boards.services.transfer import import_workshop


class Command(BaseCommand):
    help = "Create a workshop from a JSON export; the user runs it (default: the first superuser)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default=None, help="username of the facilitator")

    def handle(self, *args: object, **options: object) -> None:
        users = get_user_model().objects
        name = options["user"]
        user = (
            users.filter(username=name).first()
            if name
            else users.filter(is_superuser=True).order_by("pk").first()
        )
        if user is None:
            raise CommandError(
                f"No user {name!r}." if name else "No superuser: name one with --user."
            )
        try:
            data = Path(options["file"]).read_bytes()  # type: ignore[arg-type]
        except OSError as error:
            raise CommandError(f"Cannot read {options['file']}: {error.strerror}") from None
        try:
            workshop = import_workshop(data, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        code = workshop.join_code
        self.stdout.write(
            f"Imported “{workshop.title}” as workshop {workshop.pk}, join code {code}."
        )
