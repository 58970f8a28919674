from django.contrib import admin

from .models import Customer, Transaction


class TransactionInline(admin.TabularInline):
    model = Transaction
    extra = 0


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["external_id", "name", "country", "language", "created_on", "ended_on"]
    list_filter = ["country", "language"]
    search_fields = ["external_id", "name", "email"]
    inlines = [TransactionInline]
