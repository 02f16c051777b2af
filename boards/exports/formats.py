"""Imports every export format, so that each registers itself (boards/exports/__init__.py)."""

from boards.exports import (
    summary_md,  # noqa: F401
    wall_picture,  # noqa: F401
)
