"""The catalogues are complete: German is the default, and English must not fall back to it."""

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"


@pytest.mark.parametrize("language", ["de", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entries(language):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt (Debian package gettext) is needed; `make test` installs it")
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = result.stderr
    assert "translated message" in stats
    assert "untranslated" not in stats, stats
    assert "fuzzy" not in stats, stats
