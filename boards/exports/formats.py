"""Imports every export format, so that each registers itself (boards/exports/__init__.py)."""

from boards.exports import (  # noqa: F401
    cards_csv,
    poster,
    summary_docx,
    summary_html,
    summary_md,
    summary_pdf,
    wall_picture,
    workshop_json,
)
