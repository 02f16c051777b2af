from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from boards.models import Board, Card, Cluster, Color
from boards.services._common import MISSING_VERSION
from workshop.forms import IdChoiceField, VersionField, VisibleCharField

EMPTY_CARD = _("The card is empty. Write a few words first.")


class CardForm(forms.Form):
    # Length is checked in the service, so every way in gets the same message.
    text = VisibleCharField(
        label=_("Your idea"), max_length=2000, error_messages={"required": EMPTY_CARD}
    )
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    # Used only where the facilitators let participants choose; the service decides.
    color = forms.ChoiceField(
        label=_("Card colour"), choices=Color.choices, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["text"].widget.attrs.update(
            {
                "maxlength": settings.STELLWAND_CARD_MAX_LENGTH,
                "autocomplete": "off",
                "enterkeyhint": "send",
            }
        )


class VersionForm(forms.Form):
    """The version of a card its writer saw: a stale one gets a conflict, not an overwrite.

    Required: a write that names no version would always win over a newer change.
    """

    version = VersionField(required=True, error_messages={"required": MISSING_VERSION})


class OwnCardForm(VersionForm):
    """An author's change to their own card."""

    text = VisibleCharField(
        label=_("Your idea"), max_length=2000, error_messages={"required": EMPTY_CARD}
    )


class VoteForm(forms.Form):
    """One dot on a card or a cluster of this board."""

    card = IdChoiceField(
        queryset=Card.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("This card is no longer on the wall.")},
    )
    cluster = IdChoiceField(
        queryset=Cluster.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("This cluster was dissolved just now.")},
    )

    def __init__(self, *args: object, board: Board, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["card"].queryset = board.cards.alive()  # type: ignore[attr-defined]
        self.fields["cluster"].queryset = board.clusters.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if (data.get("card") is None) == (data.get("cluster") is None):
            raise ValidationError(_("A dot goes on one card or one cluster."))
        return data
