"""Imports every export format, so that each registers itself (boards/exports/__init__.py)."""

from boards.exports import (
    poster,  # noqa: F401
    summary_docx,  # noqa: F401
    summary_html,  # noqa: F401
    summary_md,  # noqa: F401
    summary_pdf,  # noqa: F401
)
