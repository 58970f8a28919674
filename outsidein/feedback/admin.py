from django.contrib import admin

from .models import FeedbackItem


@admin.register(FeedbackItem)
class FeedbackItemAdmin(admin.ModelAdmin):
    list_display = ["external_id", "listening_post", "received_at", "language", "nps", "sentiment"]
    list_filter = ["listening_post", "language", "sentiment"]
    search_fields = ["external_id", "redacted_text"]
    raw_id_fields = ["customer", "touchpoint"]
    date_hierarchy = "received_at"
