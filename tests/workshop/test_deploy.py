"""The production set-up of the README passes Django's deploy checks, and what they do not check
holds too: HSTS, secure cookies, the CSP on every answer, no `*` in ALLOWED_HOSTS.

Settings are read from the environment when Django starts, so each check runs in a process of
its own with the README's production environment.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from tests.servers import ROOT

PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "stellwand.example.de",
    "CSRF_TRUSTED_ORIGINS": "https://stellwand.example.de",
    "STELLWAND_PUBLIC_URL": "https://stellwand.example.de",
    # Who runs the server, for the imprint and the statements (deploy check stellwand.W001).
    "STELLWAND_OPERATOR_NAME": "Stadt Musterstadt",
    "STELLWAND_OPERATOR_ADDRESS": "Rathausplatz 1 | 12345 Musterstadt",
    "STELLWAND_OPERATOR_EMAIL": "beteiligung@musterstadt.example",
}

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="stellwand.example.de", HTTP_X_FORWARDED_PROTO="https")
answers = {}
for path in ("/", "/accounts/login/", "/datenschutz/", "/nope/", "/static/css/stellwand.css"):
    r = client.get(path, secure=True)
    answers[path] = {"status": r.status_code, "csp": r.headers.get("Content-Security-Policy", ""),
                     "hsts": r.headers.get("Strict-Transport-Security", "")}
plain = Client(HTTP_HOST="stellwand.example.de").get("/")
print(json.dumps({
    "hosts": settings.ALLOWED_HOSTS,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "answers": answers,
    "plain": [plain.status_code, plain.headers.get("Location", "")],
}))
"""


# What bin/serve sets for `make run HOST=0.0.0.0`: the laptop serves the room over plain HTTP.
ROOM = {
    "DJANGO_ALLOWED_HOSTS": "192.168.178.20,localhost,127.0.0.1",
    "STELLWAND_LAN_HOST": "192.168.178.20",
    "STELLWAND_PUBLIC_URL": "http://192.168.178.20:8000",
    "CSRF_TRUSTED_ORIGINS": "",
    "DJANGO_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_HSTS_SECONDS": "0",
}


def _run(
    *args: str, where: Path | None = None, extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **PRODUCTION,
        **(extra or {}),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_SETTINGS_MODULE": "workshop.settings",
    }
    if where is not None:
        env["DATABASE_URL"] = f"sqlite:///{where / 'db.sqlite3'}"
        env["DJANGO_STATIC_ROOT"] = str(where / "static")
    env.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_readmes_production_setup_passes_the_deploy_checks():
    done = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_room_mode_is_plain_http_by_design_and_the_deploy_check_says_so():
    done = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING", extra=ROOM)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout + done.stderr
    assert "stellwand.I001" in out
    assert "Room mode: plain HTTP" in out
    # Only the HTTPS checks are exempt: a production set-up still gets them.
    production = _run("manage.py", "check", "--deploy", extra={"DJANGO_HSTS_SECONDS": "0"})
    assert "security.W004" in production.stdout + production.stderr
    assert "stellwand.I001" not in production.stdout + production.stderr


def test_what_the_deploy_checks_leave_out_holds_too(tmp_path):
    # The README's production steps, into a directory of the test's own.
    for step in (("migrate", "-v", "0"), ("collectstatic", "--noinput", "-v", "0")):
        done = _run("manage.py", *step, where=tmp_path)
        assert done.returncode == 0, done.stderr
    done = _run("-c", PROBE, where=tmp_path)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert "*" not in found["hosts"]
    assert found["session_secure"]
    assert found["csrf_secure"]
    assert found["hsts"] >= 31_536_000
    for path, answer in found["answers"].items():
        assert "default-src" in answer["csp"], path
        assert "max-age=" in answer["hsts"], path
    # Plain HTTP is sent to HTTPS.
    assert found["plain"][0] == 301
    assert found["plain"][1].startswith("https://")
