"""Delete what is old (safe to run daily, e.g. from cron or a systemd timer):

- workshops whose end (closed, else their date, else their last activity) lies more than
  STELLWAND_RETENTION_DAYS back, with everything in them;
- cards deleted longer ago than undo can reach (a day);
- login records (address and browser of sign-ins and failed tries) older than
  STELLWAND_LOGIN_RECORD_DAYS.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from boards.services.retention import (
    expired,
    purge_deleted_cards,
    purge_login_records,
    workshop_delete,
)


class Command(BaseCommand):
    help = (
        "Delete workshops past the retention period, cards deleted over a day ago and old "
        "login records."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only say what would go")

    def handle(self, *args: object, **options: object) -> None:
        old = expired()
        days = settings.STELLWAND_RETENTION_DAYS
        for workshop in old:
            if options.get("dry_run"):
                self.stdout.write(
                    f"would delete workshop {workshop.pk} (ended over {days} days ago)"
                )
            else:
                workshop_delete(None, workshop)
                self.stdout.write(f"deleted workshop {workshop.pk} (ended over {days} days ago)")
        cards = 0 if options.get("dry_run") else purge_deleted_cards()
        logins = 0 if options.get("dry_run") else purge_login_records()
        self.stdout.write(
            f"{len(old)} workshop(s), {cards} deleted card(s), {logins} login record(s) "
            "removed for good"
        )
