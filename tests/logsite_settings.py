"""The real settings, with the URLconf of `tests.logsite` (one failing view more)."""

from workshop.settings import *  # noqa: F403

ROOT_URLCONF = "tests.logsite"
