"""Secrets never reach a log: projector tokens and join codes in paths are masked.

A projector link is a password for the room's screen and a join code lets anyone in, so
neither may sit in an access log that operators ship elsewhere, nor in Django's own lines
("Not Found: /p/…/", "Forbidden (CSRF token missing.): /j/…/"). Those are masked as each
record is made (`install`), so every handler gets them masked: ours, pytest's, or one an
operator adds; the console handler's filter masks what was made before that.
"""

from __future__ import annotations

import logging
import re

from daphne.access import AccessLogGenerator

MASK = "***"
_PATTERNS = [
    # /p/<token>/…, /ws/projector/<token>/, /j/<code>/
    (re.compile(r"(/(?:p|ws/projector|j)/)[^/?#\s\"]+"), rf"\g<1>{MASK}"),
    # ?code=… from the start page's form
    (re.compile(r"([?&]code=)[^&#\s\"]*"), rf"\g<1>{MASK}"),
]


def mask(text: str) -> str:
    """`text` with every projector token and join code replaced by ***."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskingAccessLog(AccessLogGenerator):
    """daphne's access log, with secrets in paths masked."""

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        super().write_entry(host, date, mask(request), status, length, ident, user)


def _mask_record(record: logging.LogRecord) -> None:
    if isinstance(record.msg, str):
        record.msg = mask(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
    elif isinstance(record.args, dict):
        record.args = {k: mask(v) if isinstance(v, str) else v for k, v in record.args.items()}


class MaskSecrets(logging.Filter):
    """For Django's own log lines that name a path ("Not Found: /p/…/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        _mask_record(record)
        return True


def install() -> None:
    """Mask every log record as it is made, whoever handles it (once per process)."""
    make = logging.getLogRecordFactory()
    if getattr(make, "masks_secrets", False):
        return

    def masked(*args: object, **kwargs: object) -> logging.LogRecord:
        record = make(*args, **kwargs)
        _mask_record(record)
        return record

    masked.masks_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masked)
