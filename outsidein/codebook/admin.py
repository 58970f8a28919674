from django.contrib import admin

from .models import AnalysisCorrection, EmergingTopic, Theme


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "active", "position"]
    list_filter = ["active", "parent"]
    search_fields = ["code", "name"]


@admin.register(AnalysisCorrection)
class AnalysisCorrectionAdmin(admin.ModelAdmin):
    list_display = ["feedback", "field", "corrected_by", "corrected_at"]
    raw_id_fields = ["feedback"]


@admin.register(EmergingTopic)
class EmergingTopicAdmin(admin.ModelAdmin):
    list_display = ["discovered_at", "size", "language", "status"]
