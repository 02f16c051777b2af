"""Template filters for text people typed: isolated from the text around it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bdi(value: object) -> SafeString:
    """`<bdi>` around user text inside a sentence: right-to-left text cannot flip the rest."""
    return format_html("<bdi>{}</bdi>", value)
