"""Customers and their transactions: the organisation's own customer data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    external_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    country = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166 alpha-2, e.g. NO"))
    language = models.CharField(max_length=10, blank=True, help_text="nb, nn, da, sv, en, ...")
    attributes = models.JSONField(default=dict, blank=True)
    created_on = models.DateField(_("customer since"), null=True, blank=True)
    ended_on = models.DateField(
        _("customer until"), null=True, blank=True, help_text=_("Churn date")
    )
    forgotten_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["external_id"]
        indexes = [models.Index(fields=["country"]), models.Index(fields=["ended_on"])]

    def __str__(self) -> str:
        return self.name or self.external_id

    @property
    def has_churned(self) -> bool:
        return self.ended_on is not None


class Transaction(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="transactions")
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    occurred_on = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="NOK")
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_on"]
        indexes = [models.Index(fields=["customer", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.amount} {self.currency}"
