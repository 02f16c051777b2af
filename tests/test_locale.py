"""The catalogues are complete: German is the default, and English must not fall back to it."""

import re
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


def german_messages() -> list[tuple[str, str]]:
    """(msgid, German text) of every entry, plural forms joined."""
    po = (LOCALE / "de" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = []
    for block in po.split("\n\n"):
        strings = {"msgid": [], "msgstr": []}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            for key in ("msgid_plural", "msgid", "msgstr"):
                if line.startswith(key):
                    current = "msgid" if key.startswith("msgid") else "msgstr"
                    line = line.split(" ", 1)[1]
                    break
            if current and line.startswith('"'):
                strings[current].append(line[1:-1])
        msgid, msgstr = "".join(strings["msgid"]), "".join(strings["msgstr"])
        if msgid:
            entries.append((msgid, msgstr))
    return entries


# Stellwand addresses everyone with "Sie" (see README, "German"): no "du" anywhere, and no
# imperative in the "du" form.
DU_FORMS = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|ihr dürft)\b"
    r"|\b(Schreib|Gib|Wähle|Tippe|Schau|Prüf|Scanne|Lade|Sprich|Beende|versuch)\b",
    re.IGNORECASE,
)


def test_german_addresses_everyone_formally():
    informal = [(i, s) for i, s in german_messages() if DU_FORMS.search(s)]
    assert not informal, "\n".join(f"{i!r} => {s!r}" for i, s in informal)


def test_the_console_has_one_german_name():
    texts = [s for _i, s in german_messages()]
    assert not [s for s in texts if "Konsole" in s or "Moderationsansicht" in s]
    assert any("Moderationspult" in s for s in texts)
