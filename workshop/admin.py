from django.contrib import admin

from workshop.models import BreakoutGroup, Participant, Workshop


class BreakoutGroupInline(admin.TabularInline):
    model = BreakoutGroup
    extra = 0


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "date", "place", "join_code", "closed_at"]
    search_fields = ["title", "join_code"]
    filter_horizontal = ["facilitators"]
    inlines = [BreakoutGroupInline]
    readonly_fields = ["projector_token"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workshop", "group", "joined_at"]
    list_filter = ["workshop"]
