from django.contrib import admin

from boards.models import Board, Card


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "workshop", "rev"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "board", "author", "created_at"]
    list_filter = ["board__workshop"]
