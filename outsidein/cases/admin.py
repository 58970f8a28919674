from django.contrib import admin

from . import models

admin.site.register(models.SlaPolicy)
admin.site.register(models.TeamSettings)
admin.site.register(models.TeamLead)
admin.site.register(models.AlertRule)
admin.site.register(models.TeamChannel)
admin.site.register(models.NotificationPreference)


@admin.register(models.Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "channel", "recipient", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel", "event"]
