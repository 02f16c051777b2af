"""Every PDF of the app is made here, from HTML, by WeasyPrint, as tagged PDF (PDF/UA-1).

The renderer reaches nothing but an allow-list of the app's own static files, read from disk:
no network, no other file, nothing a card names. Fonts come from the system (fontconfig).
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_DIR = Path(settings.BASE_DIR) / "static"
# A base that no resolver can reach (RFC 2606), so a relative URL never leaves the process.
BASE_URL = "https://stellwand.invalid/static/"
ALLOWED = frozenset({"css/print.css"})

# Pango and fontconfig are not known to be safe across threads: one render at a time.
_lock = threading.Lock()


class RefusedFetch(ValueError):
    """The PDF asked for a resource that is not one of the app's allowed static files."""


def stylesheet(name: str) -> str:
    """An allowed static file's text, for pages that inline it."""
    if name not in ALLOWED:
        raise RefusedFetch(name)
    return (STATIC_DIR / name).read_text(encoding="utf-8")


class StaticFetcher(URLFetcher):
    """Serves the allow-list from disk; refuses everything else, and the refusal stops the
    render (weasyprint would otherwise warn and go on)."""

    def __init__(self) -> None:
        super().__init__(fail_on_errors=True)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        parts, base = urlsplit(url), urlsplit(BASE_URL)
        name = parts.path.removeprefix(base.path)
        if (
            (parts.scheme, parts.netloc) != (base.scheme, base.netloc)
            or parts.query
            or name not in ALLOWED
        ):
            # Not even the scheme: the URL may come from a card and carry anything.
            logger.warning("A PDF asked for a resource that is not an allowed static file")
            raise RefusedFetch("not one of the app's static files")
        path = STATIC_DIR / name
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    """A tagged PDF (PDF/UA-1) of `html`; its <title> and <html lang> become the metadata."""
    with _lock:
        try:
            document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFetcher())
            return document.write_pdf(pdf_variant="pdf/ua-1")
        except FatalURLFetchingError:
            # weasyprint stops with a BaseException: hand on an ordinary one.
            raise RefusedFetch("not one of the app's static files") from None
