from django.contrib import admin

from .models import ListeningPost


@admin.register(ListeningPost)
class ListeningPostAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "channel", "structured", "owner_team", "active"]
    list_filter = ["channel", "structured", "owner_team"]
    prepopulated_fields = {"slug": ["name"]}
