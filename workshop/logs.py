"""Secrets never reach a log: projector tokens and join codes in paths are masked.

A projector link is a password for the room's screen and a join code lets anyone in, so
neither may sit in an access log that operators ship elsewhere.
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


class MaskSecrets(logging.Filter):
    """For Django's own log lines that name a path ("Not Found: /p/…/")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask(a) if isinstance(a, str) else a for a in record.args)
        return True
