"""Starting real servers in tests: a free port on 127.0.0.1, and waiting until one listens."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(
    port: int, proc: subprocess.Popen | None = None, log: Path | None = None, timeout: float = 30
) -> None:
    """Return once `port` accepts connections; fail with the server's log if it died or hung."""

    def told() -> str:
        return log.read_text(errors="replace") if log is not None and log.exists() else ""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{told()}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    pytest.fail(f"nothing listened on {port} within {timeout}s:\n{told()}")


ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Daphne:
    """A real daphne serving the app (`python -m workshop.serve`, as `make run` starts it)."""

    port: int
    log: Path
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def database_url(settings_dict: dict) -> str:
    """The URL of a Django database (the test database, say) for a server process."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{settings_dict['NAME']}"


def server_env(**overrides: str) -> dict[str, str]:
    """The environment of a server process (daphne, manage.py): this one, less the test's."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "STELLWAND_PUBLIC_URL"}
        and not key.startswith("PYTEST_")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="workshop.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(overrides)
    return env


def start_daphne(log: Path, *, timeout: float = 30, **env_overrides: str) -> Daphne:
    """Start daphne on a free port with the given environment; return once it listens."""
    env = server_env(**env_overrides)
    port = free_port()
    command = [sys.executable, "-m", "workshop.serve", "-b", "127.0.0.1", "-p", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [*command, "workshop.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Daphne(port=port, log=log, proc=proc)
    try:
        wait_for_port(port, proc, log, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def poster(port: int, board: int, key: str):
    """A phone's HTTP side on one server: returns post(text, client_uuid) -> status."""
    base = f"http://127.0.0.1:{port}"
    request = urllib.request.Request(f"{base}/b/{board}/", headers={"Cookie": f"sessionid={key}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode()
        cookie = response.headers.get_all("Set-Cookie") or []
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    csrf = next(c.split(";")[0].split("=", 1)[1] for c in cookie if c.startswith("csrftoken="))

    def post(text: str, client_uuid: str) -> int:
        body = urllib.parse.urlencode({"text": text, "client_uuid": client_uuid}).encode()
        req = urllib.request.Request(
            f"{base}/b/{board}/cards/",
            data=body,
            headers={
                "Cookie": f"sessionid={key}; csrftoken={csrf}",
                "X-CSRFToken": token,
                "HX-Request": "true",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    return post


class PrivateRedis:
    """A redis-server of the test's own, to stop and start (never the machine's shared one)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        self.proc = subprocess.Popen(
            [binary, *options, "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.proc)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
