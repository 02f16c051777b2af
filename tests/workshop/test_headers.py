"""Every response carries the security headers, static files (served by WhiteNoise) too."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.parametrize(
    "path", ["/static/css/stellwand.css", "/static/js/stellwand.js", "/static/img/logo.svg"]
)
def test_static_files_have_security_headers(db, settings, path):
    # As under `make run` (DEBUG): WhiteNoise serves static/ itself, before any middleware.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get(path)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # none: default-src 'none' forbids every script


def test_pages_keep_their_own_csp_with_nonces(db):
    response = Client().get("/")
    assert "'nonce-" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
