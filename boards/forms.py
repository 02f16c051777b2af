from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CardForm(forms.Form):
    # Length is checked in the service, so every way in gets the same message.
    text = forms.CharField(
        label=_("Your idea"),
        max_length=2000,
        error_messages={"required": _("The card is empty. Write a few words first.")},
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text"].widget.attrs.update(
            {
                "maxlength": settings.STELLWAND_CARD_MAX_LENGTH,
                "autocomplete": "off",
                "enterkeyhint": "send",
            }
        )
