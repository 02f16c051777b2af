"""Security headers on static files too: WhiteNoise answers them before Django's middleware."""

from __future__ import annotations

# Static files run no script and need nothing from elsewhere; an SVG opened on its own may
# only style itself.
STATIC_CSP = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def add_static_headers(headers, path: str, url: str) -> None:
    """WHITENOISE_ADD_HEADERS_FUNCTION: what SecurityMiddleware and the CSP give pages."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Content-Security-Policy"] = STATIC_CSP
