from django.contrib import admin

from .models import Invitation, OptOut, Response, Survey, SurveyVersion


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "status", "listening_post", "touchpoint", "sampling_rate")
    list_filter = ("status",)


@admin.register(SurveyVersion)
class SurveyVersionAdmin(admin.ModelAdmin):
    list_display = ("survey", "number", "created_at")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("survey", "customer", "scheduled_for", "sent_at", "opened_at", "answered_at")
    exclude = ("token_hash", "reminder_token_hash")
    raw_id_fields = ("customer", "transaction")


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("survey", "version", "language", "created_at")
    raw_id_fields = ("invitation", "feedback")


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ("customer", "created_at", "source")
    raw_id_fields = ("customer",)
