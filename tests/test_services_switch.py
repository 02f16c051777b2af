"""`make test` on a laptop without PostgreSQL and Redis: their tests are skipped, not failed;
in CI (STELLWAND_REQUIRE_SERVICES=1) a missing service fails the run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import services

ROOT = Path(__file__).resolve().parents[1]
DEAD_PG = "postgresql://postgres@127.0.0.1:1/stellwand"
DEAD_REDIS = "redis://127.0.0.1:1/0"


def environment(**values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PG_TEST_URL", "REDIS_TEST_URL", "STELLWAND_REQUIRE_SERVICES"}
        and not k.startswith("PYTEST_")
    }
    return env | values


def run(args: list[str], **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=ROOT, env=environment(**values), capture_output=True, text=True, timeout=120
    )


def test_a_service_without_its_variable_or_that_does_not_answer_has_a_reason(monkeypatch):
    monkeypatch.delenv("PG_TEST_URL", raising=False)
    assert services.problem("postgres") == "PG_TEST_URL is not set"
    monkeypatch.setenv("REDIS_TEST_URL", DEAD_REDIS)
    assert services.problem("redis").startswith(f"REDIS_TEST_URL={DEAD_REDIS} does not answer")


def test_the_makefile_probe_skips_without_postgres_and_fails_when_it_is_required():
    probe = [sys.executable, "tests/services.py", "postgres"]
    skipped = run(probe)
    assert skipped.returncode == 2
    assert skipped.stdout.strip() == "Skipping the postgres tests: PG_TEST_URL is not set."
    required = run(probe, PG_TEST_URL=DEAD_PG, STELLWAND_REQUIRE_SERVICES="1")
    assert required.returncode == 1
    assert "does not answer" in required.stderr


@pytest.mark.parametrize("require", ["", "1"])
def test_scale_out_tests_skip_on_a_laptop_without_services_and_fail_in_ci(require, tmp_path):
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/scaleout"],
        PG_TEST_URL=DEAD_PG,
        REDIS_TEST_URL=DEAD_REDIS,
        STELLWAND_REQUIRE_SERVICES=require,
        STELLWAND_TEST_DB=str(tmp_path / "db.sqlite3"),
    )
    if require:
        assert result.returncode == 1, result.stdout[-2000:]
        assert "STELLWAND_REQUIRE_SERVICES is set" in result.stdout
    else:
        assert result.returncode == 0, result.stdout[-2000:]
        skipped = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
        # One line per missing service, saying why.
        for name in ("PG_TEST_URL", "REDIS_TEST_URL"):
            lines = [line for line in skipped if f"{name}=" in line.split(":", 2)[-1][:40]]
            assert len(lines) == 1, result.stdout
            assert "does not answer" in lines[0]
