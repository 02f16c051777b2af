"""Which real services the tests may use: PostgreSQL and Redis, switched by environment.

`PG_TEST_URL` (e.g. postgresql://postgres@127.0.0.1:5432/stellwand) and `REDIS_TEST_URL`
(e.g. redis://127.0.0.1:6379/0) switch on the PostgreSQL run and the scale-out tests. Without
them, or when the service does not answer, those tests are skipped with one line saying why;
with `STELLWAND_REQUIRE_SERVICES=1` (CI) a missing service fails the run instead.

Also a command for the Makefile: `python tests/services.py postgres` exits 0 when the
PostgreSQL run should happen, 2 (after printing why) when it is skipped, 1 when it must fail.
"""

from __future__ import annotations

import os
import sys

ENV = {"postgres": "PG_TEST_URL", "redis": "REDIS_TEST_URL"}


def required() -> bool:
    return os.environ.get("STELLWAND_REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes"}


def url(service: str) -> str:
    return os.environ.get(ENV[service], "").strip()


def problem(service: str) -> str | None:
    """Why `service` cannot be used (None when it answers)."""
    name = ENV[service]
    address = url(service)
    if not address:
        return f"{name} is not set"
    try:
        if service == "postgres":
            import psycopg
            from psycopg.conninfo import make_conninfo

            # The server's own database: the tests create theirs (test_<name>, per run).
            psycopg.connect(make_conninfo(address, dbname="postgres"), connect_timeout=3).close()
        else:
            import redis

            redis.Redis.from_url(address, socket_timeout=3, socket_connect_timeout=3).ping()
    except Exception as error:  # any failure to reach it is a reason to skip
        return f"{name}={address} does not answer ({type(error).__name__}: {error})"
    return None


def main(service: str) -> int:
    reason = problem(service)
    if reason is None:
        return 0
    if required():
        print(f"STELLWAND_REQUIRE_SERVICES is set, but {reason}.", file=sys.stderr)
        return 1
    print(f"Skipping the {service} tests: {reason}.")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
