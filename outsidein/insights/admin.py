from django.contrib import admin

from .models import CustomerValue, MeasureSettings


@admin.register(MeasureSettings)
class MeasureSettingsAdmin(admin.ModelAdmin):
    """The CX lead's display rules: minimum n and churn window (one row)."""

    list_display = ("__str__", "min_n", "churn_months")

    def has_add_permission(self, request) -> bool:
        return not MeasureSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CustomerValue)
class CustomerValueAdmin(admin.ModelAdmin):
    list_display = ("customer", "tier", "rfm_code", "monetary", "clv", "p_alive", "computed_at")
    list_filter = ("tier",)
    search_fields = ("customer__external_id", "customer__name")
    readonly_fields = [f.name for f in CustomerValue._meta.fields]
