from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import helpers
from django.http import HttpRequest, HttpResponseBase

from workshop.ids import parse_id
from workshop.models import BreakoutGroup, Participant, Workshop


class ModelAdmin(admin.ModelAdmin):
    """Django's ModelAdmin, whose actions get only selected rows whose ids can be ids, and
    whose pages take an empty `_to_field` as none."""

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> object | None:
        # Django checks `_to_field` only when it is not empty, then looks up a field named
        # "" (FieldDoesNotExist, a 500) on the change, delete and history pages.
        return super().get_object(request, object_id, from_field or None)

    def response_action(
        self, request: HttpRequest, queryset: object, *args: object, **kwargs: object
    ) -> HttpResponseBase | None:
        # Django filters `pk__in` the checkboxes as sent: an odd one is an OverflowError or
        # a ValueError there. Without it, "Items must be selected" says what happened.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        kept = [value for value in selected if parse_id(value) is not None]
        if kept != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, kept)
        return super().response_action(request, queryset, *args, **kwargs)


def _checked_everywhere(site: admin.AdminSite) -> None:
    """The admins registered before ours (Django's auth, django-axes) get the same checks."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ModelAdmin):
            continue
        base = type(model_admin)
        site.unregister(model)
        site.register(model, type(base.__name__, (ModelAdmin, base), {"__module__": __name__}))


_checked_everywhere(admin.site)


class BreakoutGroupInline(admin.TabularInline):
    model = BreakoutGroup
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(ModelAdmin):
    list_display = ["title", "date", "place", "join_code", "closed_at"]
    search_fields = ["title", "join_code"]
    filter_horizontal = ["facilitators"]
    inlines = [BreakoutGroupInline]
    readonly_fields = ["projector_token"]


@admin.register(Participant)
class ParticipantAdmin(ModelAdmin):
    list_display = ["__str__", "workshop", "group", "joined_at"]
    list_filter = ["workshop"]
