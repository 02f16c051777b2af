"""The read model: what one audience sees, as typed dataclasses (pages and pushes render it)."""
