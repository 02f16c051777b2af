"""A fresh clone: the first `pytest` works before anything was compiled or collected."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
def test_first_pytest_of_a_fresh_clone_compiles_the_catalogues_and_passes(tmp_path: Path) -> None:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    clone = tmp_path / "clone"
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            target = clone / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    assert not list(clone.glob("locale/*/LC_MESSAGES/django.mo")), "the .mo files are built"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env["STELLWAND_TEST_DB"] = str(tmp_path / "test-db.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_locale.py"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert list(clone.glob("locale/*/LC_MESSAGES/django.mo")), "the catalogues were compiled"
