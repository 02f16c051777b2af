from django.contrib import admin

from boards.models import Board, Card
from workshop.admin import ModelAdmin


@admin.register(Board)
class BoardAdmin(ModelAdmin):
    list_display = ["__str__", "workshop", "rev"]


@admin.register(Card)
class CardAdmin(ModelAdmin):
    list_display = ["__str__", "board", "author", "created_at"]
    list_filter = ["board__workshop"]
