"""Imports every export format, so that each registers itself (boards/exports/__init__.py)."""

from boards.exports import (
    cards_csv,  # noqa: F401
    summary_md,  # noqa: F401
    workshop_json,  # noqa: F401
)
