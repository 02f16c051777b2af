from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from workshop.ids import MAX_ID, parse_id
from workshop.models import BreakoutGroup, Phase, Workshop
from workshop.text import clean_text


class VisibleCharField(forms.CharField):
    """Text as it will be stored (workshop.text.clean_text): a value of only zero-width,
    combining or blank characters is empty, so `required` refuses it with its message."""

    multiline = False

    def to_python(self, value: object) -> str:
        text = super().to_python(value)
        return clean_text(text, multiline=self.multiline) if text else text


class VisibleTextField(VisibleCharField):
    multiline = True


OUT_OF_DATE = _("This page is out of date. Please reload it.")


class IdField(forms.Field):
    """The id of something on the page (a card, a cluster); anything else is refused."""

    widget = forms.HiddenInput
    default_error_messages = {"invalid": OUT_OF_DATE}

    def to_python(self, value: object) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdsField(forms.Field):
    """Several ids (the selected cards), in the order sent."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": OUT_OF_DATE}

    def to_python(self, value: object) -> list[int]:
        if value in self.empty_values:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        numbers = [parse_id(v) for v in values]
        if None in numbers:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return numbers  # type: ignore[return-value]


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that looks up only what can be an id."""

    def to_python(self, value: object) -> object:
        if value not in self.empty_values and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class VersionField(forms.IntegerField):
    """The version of a card or cluster the writer saw: a stale one is a conflict."""

    default_error_messages = {
        "invalid": OUT_OF_DATE,
        "min_value": OUT_OF_DATE,
        "max_value": OUT_OF_DATE,
    }

    def __init__(self, *, required: bool = False, **kwargs: object) -> None:
        super().__init__(required=required, min_value=1, max_value=MAX_ID, **kwargs)  # type: ignore[arg-type]


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Workshop code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "placeholder": _("e.g. K7HMQA"),
            }
        ),
    )


class JoinForm(forms.Form):
    display_name = VisibleCharField(
        label=_("Your name (optional)"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to take part anonymously."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    named_in_summary = forms.BooleanField(
        label=_("You may name me in the workshop summary"),
        required=False,
    )
    group = IdChoiceField(
        label=_("Your group"),
        queryset=BreakoutGroup.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Please choose a group.")},
    )

    def __init__(self, *args: object, workshop: Workshop, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["group"].queryset = workshop.groups.all()  # type: ignore[attr-defined]


class DisplayNameForm(forms.Form):
    """A participant's own name on the phone, and whether the summary may name them."""

    display_name = VisibleCharField(
        label=_("Your name"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to take part anonymously."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    named_in_summary = forms.BooleanField(
        label=_("You may name me in the workshop summary"), required=False
    )


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["title", "subtitle", "date", "place", "description"]
        field_classes = {
            "title": VisibleCharField,
            "subtitle": VisibleCharField,
            "place": VisibleCharField,
            "description": VisibleTextField,
        }
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class GroupForm(forms.Form):
    name = VisibleCharField(
        label=_("Group name"),
        max_length=80,
        error_messages={"required": _("Please give the group a name.")},
    )
    question = VisibleCharField(label=_("Guiding question"), max_length=300, required=False)


MAX_NEW_GROUPS = 30  # more can be added in the workshop's settings


class BaseGroupFormSet(forms.BaseFormSet):
    """The breakout groups of a new workshop, with messages about groups, not forms."""

    default_error_messages = {
        "too_few_forms": _("Give the workshop at least one group: each group gets its own wall."),
        "too_many_forms": _("A new workshop has at most %(num)d groups; add more later."),
    }


# One required row and one optional: an extra row left empty is skipped, not an error
# (rows passed as `initial` would count as initial forms and all be required). The bounds
# also cap the forms a posted TOTAL_FORMS makes Django build (10**30 was 2,000 forms).
GroupFormSet = forms.formset_factory(
    GroupForm,
    formset=BaseGroupFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=MAX_NEW_GROUPS,
    validate_max=True,
    absolute_max=MAX_NEW_GROUPS,
)


class LoginForm(AuthenticationForm):
    """The facilitators' login, with a message that says what to check."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or the password is wrong. Please check both; the password is "
            "case-sensitive."
        ),
    }


class FacilitatorAddForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)


class PhaseForm(forms.ModelForm):
    """One phase of the agenda, as the facilitators set it."""

    title = VisibleCharField(
        label=_("Title"),
        max_length=120,
        error_messages={"required": _("Please give the phase a title.")},
    )
    instruction = VisibleCharField(
        label=_("What participants do now"), max_length=300, required=False
    )

    class Meta:
        model = Phase
        fields = [
            "title",
            "instruction",
            "view",
            "allows",
            "board_mode",
            "reveal",
            "planned_minutes",
            "dots_per_participant",
            "max_per_target",
        ]
        widgets = {
            "planned_minutes": forms.NumberInput(attrs={"min": 1, "max": 600}),
            "dots_per_participant": forms.NumberInput(attrs={"min": 1, "max": 20}),
            "max_per_target": forms.NumberInput(attrs={"min": 1, "max": 20}),
        }


class PhaseStepForm(forms.Form):
    """ "Next phase" or back, and, going back into voting, which round."""

    step = forms.ChoiceField(choices=[("next", "next"), ("previous", "previous")])
    voting = forms.ChoiceField(
        choices=[("", ""), ("continue", "continue"), ("new", "new")], required=False
    )


class PhaseMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
